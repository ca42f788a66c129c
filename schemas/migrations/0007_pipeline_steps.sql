-- Issue 12: the next step of a document is written with its state (a transactional outbox).
-- The lifecycle runner (services/lifecycle.service.ts) inserts a row here in the same
-- transaction that stamps a stage; the job in Redis is only a copy. The re-drive job queues
-- every open row that is due and has no live job, so a lost queue only delays a document.
CREATE TABLE pipeline_steps (
  document_id  text NOT NULL REFERENCES documents(id),
  stage        text NOT NULL CHECK (stage IN ('split','header','ocr','identify','attach','route','archive')),
  page_no      int NOT NULL DEFAULT 0,          -- 0: the whole document; ocr steps are per page
  run          int NOT NULL DEFAULT 1,          -- a stage asked for again (archive after a manual split) is a new run
  due_at       timestamptz NOT NULL DEFAULT now(),
  job_id       text NOT NULL,                   -- deterministic BullMQ job id: queueing twice is one job
  created_at   timestamptz NOT NULL DEFAULT now(),
  done_at      timestamptz,
  PRIMARY KEY (document_id, stage, page_no)
);
-- What the re-drive reads: open steps by due time.
CREATE INDEX pipeline_steps_open ON pipeline_steps (due_at) WHERE done_at IS NULL;

-- Documents already under way when this migration runs get the step they wait for.
INSERT INTO pipeline_steps (document_id, stage, page_no, job_id)
SELECT d.id, 'split', 0, 'split-' || d.id || '-1' FROM documents d
WHERE d.status = 'processing' AND d.split_at IS NULL AND d.merged_into IS NULL
ON CONFLICT DO NOTHING;
INSERT INTO pipeline_steps (document_id, stage, page_no, job_id)
SELECT p.document_id, 'ocr', p.page_no, 'ocr-' || p.document_id || '-p' || p.page_no || '-1'
FROM pages p JOIN documents d ON d.id = p.document_id
WHERE d.status IN ('processing', 'delivered') AND d.archived_at IS NULL AND d.merged_into IS NULL AND p.ocr_at IS NULL
ON CONFLICT DO NOTHING;
INSERT INTO pipeline_steps (document_id, stage, page_no, job_id)
SELECT d.id, s.stage, 0, s.stage || '-' || d.id || '-1'
FROM documents d CROSS JOIN LATERAL (SELECT CASE
    WHEN d.split_at IS NOT NULL AND d.header_at IS NULL AND d.identified_at IS NULL THEN 'header'
    WHEN d.ocr_at IS NOT NULL AND d.identified_at IS NULL THEN 'identify'
    WHEN d.identified_at IS NOT NULL AND d.attached_at IS NULL THEN 'attach'
    WHEN d.attached_at IS NOT NULL AND d.routed_at IS NULL THEN 'route'
    WHEN d.routed_at IS NOT NULL AND d.ocr_at IS NOT NULL AND d.archived_at IS NULL THEN 'archive'
  END AS stage) s
WHERE d.status IN ('processing', 'delivered', 'manual') AND d.merged_into IS NULL AND s.stage IS NOT NULL
  AND (d.status <> 'manual' OR s.stage = 'archive')
ON CONFLICT DO NOTHING;
