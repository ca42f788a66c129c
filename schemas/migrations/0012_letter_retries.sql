-- The letter outbox's retries are bounded (issue 13): after a failed hand-over the letter waits
-- (next_attempt_at, doubling from LETTER_RETRY_BASE_MINUTES), and after LETTER_MAX_ATTEMPTS it is
-- 'failed': kept with its PDF key and cover sheet, shown to administrators, sent again only when
-- one of them asks (then its attempts start over). Nothing is deleted.
ALTER TABLE letters DROP CONSTRAINT letters_status_check;
ALTER TABLE letters ADD CONSTRAINT letters_status_check CHECK (status IN ('queued', 'sending', 'sent', 'failed'));
ALTER TABLE letters ADD COLUMN next_attempt_at timestamptz;
ALTER TABLE letters ADD COLUMN failed_at timestamptz;
ALTER TABLE letters ADD COLUMN requeued_by text;
DROP INDEX letters_unsent;
CREATE INDEX letters_unsent ON letters (created_at) WHERE status IN ('queued', 'sending');
CREATE INDEX letters_failed ON letters (failed_at) WHERE status = 'failed';
