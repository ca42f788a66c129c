-- Learning from the mail room's corrections (issue 13).

-- Every model the retraining job built: the model itself lives in the object store (object_key),
-- with its scores and the thresholds learnt with it. Version 0 is the shipped model (data/classifier).
CREATE TABLE classifier_models (
  version      integer PRIMARY KEY CHECK (version > 0),
  object_key   text NOT NULL,
  outcome      text NOT NULL CHECK (outcome IN ('promoted','refused')),
  reason       text NOT NULL,
  scores       jsonb NOT NULL,
  thresholds   jsonb NOT NULL,
  trained_on   jsonb NOT NULL,
  created_by   text NOT NULL,              -- 'schedule' or the administrator's ident
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Which model (and its thresholds) is in force: the newest row. Promotions and roll-backs alike.
CREATE TABLE classifier_activations (
  id            bigserial PRIMARY KEY,
  version       integer NOT NULL,          -- 0: the shipped model, no learnt thresholds
  activated_by  text NOT NULL,
  reason        text NOT NULL,
  activated_at  timestamptz NOT NULL DEFAULT now()
);

-- The model that read the document and the thresholds that let it through (or not), on every decision.
ALTER TABLE routing_decisions
  ADD COLUMN model_version      integer,
  ADD COLUMN threshold_version  integer;
