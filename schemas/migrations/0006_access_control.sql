-- Access control follow-up (issue 11).

-- A look-up of something that does not exist is neither granted nor refused.
ALTER TABLE access_log DROP CONSTRAINT IF EXISTS access_log_outcome_check;
ALTER TABLE access_log ADD CONSTRAINT access_log_outcome_check CHECK (outcome IN ('granted','denied','not-found'));

-- A deviation closed by a person says who and why.
ALTER TABLE deviations
  ADD COLUMN resolved_by      text,
  ADD COLUMN resolution_note  text;
