-- Pages and OCR (issue 3): normalisation, blank pages, word boxes, the routing fast path.
-- Re-runnable (IF NOT EXISTS): databases that applied later migrations first get this one late.
ALTER TABLE pages ADD COLUMN IF NOT EXISTS source_key text;          -- the page as extracted, before it was turned
ALTER TABLE pages ADD COLUMN IF NOT EXISTS normalised_at timestamptz;
ALTER TABLE pages ADD COLUMN IF NOT EXISTS blank boolean NOT NULL DEFAULT false;
ALTER TABLE pages ADD COLUMN IF NOT EXISTS orientation smallint;     -- clockwise quarter turn applied (0/90/180/270)
ALTER TABLE pages ADD COLUMN IF NOT EXISTS skew real;                -- clockwise degrees applied after the turn
-- How the page's text was obtained: OCR, the PDF's own text layer, none (blank), or not at all (manual).
ALTER TABLE pages ADD COLUMN IF NOT EXISTS ocr_status text
  CHECK (ocr_status IN ('done', 'pdf-text', 'blank', 'manual'));
ALTER TABLE pages ADD COLUMN IF NOT EXISTS ocr_attempts int NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN IF NOT EXISTS manual_reason text;
-- [[x0, y0, x1, y1, confidence, text], ...] in the page image's pixels, for highlighting.
ALTER TABLE pages ADD COLUMN IF NOT EXISTS words jsonb;
ALTER TABLE pages ADD COLUMN IF NOT EXISTS text_pdf_key text;        -- tesseract's invisible text layer for the archive
ALTER TABLE pages ADD COLUMN IF NOT EXISTS header_text text;         -- header and footer only, read first for routing
ALTER TABLE pages ADD COLUMN IF NOT EXISTS header_confidence real;
ALTER TABLE pages ADD COLUMN IF NOT EXISTS header_ms int;

ALTER TABLE documents ADD COLUMN IF NOT EXISTS text_source text
  CHECK (text_source IN ('ocr', 'pdf', 'mixed', 'none'));
ALTER TABLE documents ADD COLUMN IF NOT EXISTS header_at timestamptz;  -- headers of pages 1-2 read
CREATE INDEX IF NOT EXISTS pages_unread ON pages (document_id) WHERE ocr_at IS NULL;
