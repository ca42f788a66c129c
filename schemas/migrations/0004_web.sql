-- The web application: users and their units, audit of look-ups, inbox state, deviations
-- and the mail room's corrections.

-- Who may sign in. The token only says who someone is; what they may do is decided here.
CREATE TABLE users (
  id          text PRIMARY KEY,             -- NAV ident (token claim NAVident / sub), or a dev user name
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('operator','caseworker','status-reader','admin')),
  source      text NOT NULL DEFAULT 'oidc' CHECK (source IN ('dev','oidc')),
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A caseworker's units. No foreign key to units: units are loaded after migrations run.
CREATE TABLE unit_memberships (
  user_id  text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  unit_id  text NOT NULL CHECK (unit_id ~ '^\d{4}$'),
  PRIMARY KEY (user_id, unit_id)
);

-- Development users (only accepted when AUTH_MODE=dev).
INSERT INTO users (id, name, role, source) VALUES
  ('ops',    'Ola Operatør',            'operator',      'dev'),
  ('sb4450', 'Siri Saksbehandler',      'caseworker',    'dev'),
  ('sb0219', 'Bjørn Bærum',             'caseworker',    'dev'),
  ('sb2103', 'Vera Vikafossen',         'caseworker',    'dev'),
  ('status', 'Stian Statusleser',       'status-reader', 'dev'),
  ('admin',  'Anne Administrator',      'admin',         'dev');
INSERT INTO unit_memberships (user_id, unit_id) VALUES ('sb4450', '4450'), ('sb0219', '0219'), ('sb2103', '2103');

-- Audit: who (user and role), through what (api, web, cli), which documents, and whether
-- the look-up was granted or refused (refusals are what a control of look-ups looks for).
ALTER TABLE access_log
  ADD COLUMN user_id       text,
  ADD COLUMN role          text,
  ADD COLUMN channel       text NOT NULL DEFAULT 'cli',
  ADD COLUMN document_ids  text[] NOT NULL DEFAULT '{}',
  ADD COLUMN outcome       text NOT NULL DEFAULT 'granted' CHECK (outcome IN ('granted','denied'));
CREATE INDEX access_log_actor ON access_log (actor, at DESC);
CREATE INDEX access_log_persons ON access_log USING gin (person_ids);

-- Inbox state per delivery: taken (received by the unit) or returned as misrouted.
ALTER TABLE deliveries
  ADD COLUMN taken_by       text,
  ADD COLUMN taken_at       timestamptz,
  ADD COLUMN returned_by    text,
  ADD COLUMN returned_at    timestamptz,
  ADD COLUMN return_reason  text;
CREATE INDEX deliveries_unit_open ON deliveries (unit_id, delivered_at) WHERE returned_at IS NULL;

-- Split and merge in the manual queue (split_from may already exist from the cover-sheet split).
ALTER TABLE documents ADD COLUMN IF NOT EXISTS split_from text REFERENCES documents(id);
ALTER TABLE documents ADD COLUMN merged_into text REFERENCES documents(id);

-- Deviations (avvik): misrouted and bounced are reported; missing attachments and stuck
-- documents are found by a sweep and closed by it when the cause is gone.
CREATE TABLE deviations (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('misrouted','bounced','missing-attachment','stuck')),
  document_id  text REFERENCES documents(id),
  case_id      text REFERENCES cases(id),
  unit_id      text,
  policy_id    text,
  rule_id      text,
  reason       text,
  reported_by  text,
  detected_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at  timestamptz
);
CREATE INDEX deviations_unit ON deviations (unit_id, detected_at DESC);
CREATE UNIQUE INDEX deviations_open_once ON deviations (kind, document_id) WHERE kind IN ('stuck','missing-attachment') AND resolved_at IS NULL;

-- What a claim of a tema is expected to bring, and how long the unit waits for it.
CREATE TABLE attachment_expectations (
  tema           text PRIMARY KEY,
  description    text NOT NULL,
  deadline_days  int NOT NULL CHECK (deadline_days > 0)
);
INSERT INTO attachment_expectations (tema, description, deadline_days) VALUES
  ('DAG', 'Dokumentasjon av arbeidsforhold og lønn', 14),
  ('AAP', 'Legeerklæring', 14),
  ('UFO', 'Legeerklæring', 21),
  ('SYK', 'Inntektsopplysninger', 14),
  ('ENF', 'Dokumentasjon av samværsavtale', 14),
  ('BID', 'Dokumentasjon av inntekt', 14),
  ('FOR', 'Terminbekreftelse', 14);

-- Every correction an operator makes to the machine's reading: training data for the classifier.
CREATE TABLE corrections (
  id               bigserial PRIMARY KEY,
  document_id      text NOT NULL REFERENCES documents(id),
  field            text NOT NULL CHECK (field IN ('personId','tema','formNumber','kind','split','merge')),
  machine_value    text,
  corrected_value  text,
  corrected_by     text NOT NULL,
  corrected_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX corrections_document ON corrections (document_id);
