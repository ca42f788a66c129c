-- Reference data: units (enheter), municipalities, and the person register stand-in.
CREATE TABLE units (
  id          text PRIMARY KEY,           -- enhetsnummer
  name        text NOT NULL,
  type        text NOT NULL CHECK (type IN ('nav-kontor','forvaltning','pensjon','hjelpemiddelsentral','internasjonalt','vikafossen','manual')),
  tema        text[] NOT NULL DEFAULT '{}',
  counties    text[] NOT NULL DEFAULT '{}',
  handles     text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE municipalities (
  number      text PRIMARY KEY,           -- kommunenummer, or bydel number in the big cities
  name        text NOT NULL,
  parent      text REFERENCES municipalities(number),
  nav_office  text REFERENCES units(id)   -- null for a city whose districts have the offices
);

CREATE TABLE persons (
  id                  text PRIMARY KEY,   -- fødselsnummer / D-number
  name                text NOT NULL,
  municipality        text REFERENCES municipalities(number),
  district            text REFERENCES municipalities(number),
  address_protection  text NOT NULL DEFAULT 'none' CHECK (address_protection IN ('none','fortrolig','strengt-fortrolig')),
  skjermet            boolean NOT NULL DEFAULT false,
  abroad              boolean NOT NULL DEFAULT false,
  address             text
);

CREATE SEQUENCE batch_seq;
CREATE TABLE batches (
  id           text PRIMARY KEY DEFAULT 'B' || nextval('batch_seq'),
  name         text NOT NULL,
  source       text NOT NULL,              -- 'cli' | 'api' | 'demo'
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Files of a batch that could not become a document (bad pair, bad XML, unknown type).
CREATE TABLE set_aside (
  id          bigserial PRIMARY KEY,
  batch_id    text NOT NULL REFERENCES batches(id),
  name        text NOT NULL,
  reason      text NOT NULL,
  object_key  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE case_seq;
CREATE TABLE cases (
  id          text PRIMARY KEY DEFAULT 'SAK' || nextval('case_seq'),
  person_id   text NOT NULL REFERENCES persons(id),
  tema        text NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- One open case per person and tema.
CREATE UNIQUE INDEX cases_one_open ON cases (person_id, tema) WHERE status = 'open';

CREATE SEQUENCE journalpost_seq;
CREATE TABLE documents (
  id                 text PRIMARY KEY DEFAULT 'JP' || nextval('journalpost_seq'),  -- journalpost
  batch_id           text NOT NULL REFERENCES batches(id),
  file_name          text NOT NULL,
  media_type         text NOT NULL,
  sha256             text NOT NULL UNIQUE,
  original_key       text NOT NULL,
  size_bytes         bigint NOT NULL,
  vendor_metadata    jsonb,
  external_ref       text UNIQUE,            -- vendor batchnavn/filnavn
  status             text NOT NULL DEFAULT 'processing' CHECK (status IN ('processing','manual','delivered','archived')),
  stage              text NOT NULL DEFAULT 'received',
  manual_reason      text,
  page_count         int,
  form_number        text,
  title              text,
  tema               text,
  document_kind      text,
  person_id          text REFERENCES persons(id),
  confidence         real,
  classification     jsonb,
  case_id            text REFERENCES cases(id),
  archive_key        text,
  received_at        timestamptz NOT NULL DEFAULT now(),
  -- stage bookkeeping: "what is missing" is a query
  split_at           timestamptz,
  ocr_at             timestamptz,
  identified_at      timestamptz,
  attached_at        timestamptz,
  routed_at          timestamptz,
  archived_at        timestamptz,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_batch ON documents (batch_id);
CREATE INDEX documents_case ON documents (case_id);
CREATE INDEX documents_status ON documents (status);

CREATE TABLE pages (
  document_id  text NOT NULL REFERENCES documents(id),
  page_no      int NOT NULL,
  image_key    text NOT NULL,
  width        int NOT NULL,
  height       int NOT NULL,
  dpi          int NOT NULL,
  text         text,
  confidence   real,
  ocr_ms       int,
  ocr_at       timestamptz,
  PRIMARY KEY (document_id, page_no)
);

CREATE TABLE routing_decisions (
  id            bigserial PRIMARY KEY,
  document_id   text NOT NULL REFERENCES documents(id),
  policy_id     text NOT NULL,
  rule_id       text NOT NULL,
  rule_source   text NOT NULL,
  destinations  jsonb NOT NULL,             -- [{unitType, unitId}]
  restricted    text,
  decided_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routing_decisions_document ON routing_decisions (document_id);

-- Delivery to a unit's inbox: one row per destination.
CREATE TABLE deliveries (
  document_id   text NOT NULL REFERENCES documents(id),
  unit_id       text NOT NULL REFERENCES units(id),
  delivered_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, unit_id)
);

-- Append-only history per document.
CREATE TABLE document_events (
  id           bigserial PRIMARY KEY,
  document_id  text NOT NULL REFERENCES documents(id),
  type         text NOT NULL,
  detail       jsonb NOT NULL DEFAULT '{}',
  at           timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX document_events_document ON document_events (document_id, id);

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER document_events_append_only BEFORE UPDATE OR DELETE ON document_events
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Every read of a person's documents: who, why, what.
CREATE TABLE access_log (
  id          bigserial PRIMARY KEY,
  actor       text NOT NULL,
  purpose     text NOT NULL,
  action      text NOT NULL,
  subject     text NOT NULL,               -- document, case or batch id looked up
  person_ids  text[] NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
