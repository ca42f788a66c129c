-- Cover sheets (førsteside): printed for the user, scanned back with the post.
CREATE TABLE foersteside_counters (
  day   date PRIMARY KEY,
  last  int NOT NULL CHECK (last BETWEEN 1 AND 99999)
);

CREATE TABLE foersteside (
  loepenummer  text PRIMARY KEY CHECK (loepenummer ~ '^[0-9]{14}$'),
  tema         text NOT NULL,
  form_number  text,
  follow_up    boolean NOT NULL DEFAULT false,
  title        text NOT NULL,
  person_id    text,                       -- no FK: the register stand-in need not know everyone a sheet is printed for
  attachments  jsonb NOT NULL DEFAULT '[]', -- expected attachments (vedleggsliste), in print order
  unit         text REFERENCES units(id),
  language     text NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Read at split time from the page barcodes; the løpenummer may be unknown (printed elsewhere), so no FK.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS cover_sheet text;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS cover_sheet_page int;
-- A loose file split on cover sheets / separator sheets: the later documents point at the first.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS split_from text REFERENCES documents(id);
ALTER TABLE documents ADD COLUMN IF NOT EXISTS source_pages int[];
CREATE INDEX IF NOT EXISTS documents_split_from ON documents (split_from) WHERE split_from IS NOT NULL;

-- Expected attachments that did not arrive, flagged on the case (one row per case, document and attachment).
CREATE TABLE case_missing_attachments (
  case_id      text NOT NULL REFERENCES cases(id),
  document_id  text NOT NULL REFERENCES documents(id),
  loepenummer  text NOT NULL,
  attachment   text NOT NULL,
  flagged_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, document_id, attachment)
);
