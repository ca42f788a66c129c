-- Follow-up to the web application: routing policies switched by an administrator, expected
-- attachments that arrived after all, and the background sweep that finds deviations.

-- Routing policies an administrator has loaded, validated (PolicySchema) and stored whole.
CREATE TABLE routing_policies (
  version    bigserial PRIMARY KEY,
  policy_id  text NOT NULL,
  title      text NOT NULL,
  document   jsonb NOT NULL,
  sha256     text NOT NULL UNIQUE,           -- the same document loaded twice is one version
  origin     text NOT NULL,                  -- 'file:<name>.json' (shipped in data/policies) or 'upload'
  loaded_by  text NOT NULL,
  loaded_at  timestamptz NOT NULL DEFAULT now()
);

-- Every switch of the policy in force, newest last; workers read the newest row. No row, or a
-- row with no version, means the policy file named by ROUTING_POLICY (the configured default).
CREATE TABLE routing_policy_activations (
  id            bigserial PRIMARY KEY,
  version       bigint REFERENCES routing_policies(version),
  activated_by  text NOT NULL,
  activated_at  timestamptz NOT NULL DEFAULT now()
);

-- An attachment a cover sheet promised (case_missing_attachments) that came later in another
-- document of the same case; found by the deviation sweep.
CREATE TABLE case_attachment_arrivals (
  case_id      text NOT NULL,
  document_id  text NOT NULL,
  attachment   text NOT NULL,
  arrived_in   text NOT NULL REFERENCES documents(id),
  found_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, document_id, attachment),
  FOREIGN KEY (case_id, document_id, attachment) REFERENCES case_missing_attachments (case_id, document_id, attachment)
);

-- Runs of the background deviation sweep (what it found), so the pages can say when it last looked.
CREATE TABLE deviation_sweeps (
  id           bigserial PRIMARY KEY,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL DEFAULT now(),
  opened       int NOT NULL,
  closed       int NOT NULL,
  arrivals     int NOT NULL
);
