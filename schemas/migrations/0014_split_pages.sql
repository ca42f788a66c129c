-- Issue 14: a long file is split by many small jobs. The split stage counts the pages and writes
-- one row per page here; the `page` stage (one job per range of SPLIT_PAGES_PER_JOB pages) makes
-- each page's image, stores it and fills its row; when the last range is made, split runs again
-- and makes the documents from these rows. A worker that dies mid-split loses one range's work.
ALTER TABLE pipeline_steps DROP CONSTRAINT IF EXISTS pipeline_steps_stage_check;
ALTER TABLE pipeline_steps ADD CONSTRAINT pipeline_steps_stage_check
  CHECK (stage IN ('split','page','header','ocr','identify','attach','route','archive'));

CREATE TABLE split_pages (
  document_id  text NOT NULL REFERENCES documents(id),
  page_no      int NOT NULL,                    -- 1-based, in the file
  range_start  int NOT NULL,                    -- the first page of its range: the page step's page_no
  image_key    text,
  width        int,
  height       int,
  dpi          int,
  source       text,
  notes        jsonb,                           -- what was done to the page (Norwegian), e.g. scaled down
  page_text    jsonb,                           -- a born-digital page's own text and word boxes
  marks        jsonb,                           -- cover and separator sheet barcodes found on it
  made_at      timestamptz,
  PRIMARY KEY (document_id, page_no)
);
CREATE INDEX split_pages_unmade ON split_pages (document_id, range_start) WHERE made_at IS NULL;
