-- NAV's formats and registers (issue 10).

-- De-duplication as NAV does it: a vendor pair is the same document only when its external
-- reference (eksternReferanseId, the pair's file name) is; identical bytes under another reference
-- are another document (the object store still keeps the bytes once). Loose files without a
-- reference stay de-duplicated on their bytes.
ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_sha256_key;
CREATE UNIQUE INDEX documents_loose_sha256 ON documents (sha256) WHERE external_ref IS NULL;
CREATE INDEX documents_sha256 ON documents (sha256);

-- A pair set aside keeps its reference, so reconciliation can tell "received, set aside" from "never came".
ALTER TABLE set_aside ADD COLUMN external_ref text;
CREATE INDEX set_aside_external_ref ON set_aside (external_ref) WHERE external_ref IS NOT NULL;

-- Every file as it arrived (an encrypted batch is kept encrypted, beside what it decrypted to).
CREATE TABLE received_files (
  id                bigserial PRIMARY KEY,
  batch_id          text NOT NULL REFERENCES batches(id),
  name              text NOT NULL,
  sha256            text NOT NULL,
  object_key        text NOT NULL,
  bytes             bigint NOT NULL,
  encrypted         boolean NOT NULL DEFAULT false,
  decrypted_sha256  text,
  post_kind         text,
  received_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX received_files_batch ON received_files (batch_id);

-- persons is the person register the adapters fill: the whole register when imported from a file
-- (`intake register import`), or a snapshot of the persons looked up in PDL. The register is the
-- truth for municipality and district, so they no longer refer to our own table of municipalities
-- (an unknown one sends the document to a person at routing, it does not refuse the register).
ALTER TABLE persons ALTER COLUMN name DROP NOT NULL;
ALTER TABLE persons DROP CONSTRAINT IF EXISTS persons_municipality_fkey;
ALTER TABLE persons DROP CONSTRAINT IF EXISTS persons_district_fkey;
ALTER TABLE persons
  ADD COLUMN gradering   text NOT NULL DEFAULT 'UGRADERT'
    CHECK (gradering IN ('STRENGT_FORTROLIG','STRENGT_FORTROLIG_UTLAND','FORTROLIG','UGRADERT')),
  ADD COLUMN gt_land     text,
  ADD COLUMN source      text NOT NULL DEFAULT 'seed',   -- 'import' | 'pdl' | 'seed'
  ADD COLUMN updated_at  timestamptz NOT NULL DEFAULT now();
UPDATE persons SET gradering = CASE address_protection WHEN 'strengt-fortrolig' THEN 'STRENGT_FORTROLIG' WHEN 'fortrolig' THEN 'FORTROLIG' ELSE 'UGRADERT' END;

-- Register imports: who loaded which file, how many rows, how long it took.
CREATE TABLE register_imports (
  id           bigserial PRIMARY KEY,
  file_name    text NOT NULL,
  sha256       text NOT NULL,
  rows         bigint NOT NULL,
  inserted     bigint NOT NULL,
  updated      bigint NOT NULL,
  ms           integer NOT NULL,
  imported_by  text NOT NULL,
  imported_at  timestamptz NOT NULL DEFAULT now()
);

-- Reconciliation (avstemming) against the vendor's daily file of delivered references.
CREATE TABLE reconciliations (
  id            bigserial PRIMARY KEY,
  day           date NOT NULL,                 -- the delivery day the vendor's file covers
  file_name     text,                          -- null: no file came
  status        text NOT NULL CHECK (status IN ('ok','missing','no-file','not-expected')),
  expected      integer NOT NULL DEFAULT 0,
  filed         integer NOT NULL DEFAULT 0,
  set_aside     integer NOT NULL DEFAULT 0,
  missing       text[] NOT NULL DEFAULT '{}',
  set_aside_refs text[] NOT NULL DEFAULT '{}',
  object_key    text,                          -- the vendor's file as it came
  note          text,
  run_by        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconciliations_day ON reconciliations (day DESC, id DESC);
