-- Letters to the person who wrote (issue 13, part 3): the letter about missing attachments, and
-- the ettersendelse cover sheet it carries, bound to the case and the claim it completes.

-- An ettersendelse cover sheet made for a letter: the case the follow-up goes to and the claim
-- whose missing attachments it lists. NULL for cover sheets ordered by hand.
ALTER TABLE foersteside ADD COLUMN case_id text REFERENCES cases(id);
ALTER TABLE foersteside ADD COLUMN follow_up_to text REFERENCES documents(id);

-- The outbox: one row per letter; the PDF lies in the object store (pdf_key) and goes to the person
-- through a letter adapter (storage/letter-outbox). No address is ever stored: the dispatch service
-- looks it up from the register when it prints or posts.
CREATE TABLE letters (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('missing-attachments')),
  document_id      text NOT NULL REFERENCES documents(id),
  case_id          text NOT NULL REFERENCES cases(id),
  language         text NOT NULL CHECK (language IN ('nb', 'nn', 'en')),
  follow_up_sheet  text NOT NULL REFERENCES foersteside(loepenummer),
  items            jsonb NOT NULL,            -- the missing attachments the letter names, in the cover sheet's order
  deadline         timestamptz NOT NULL,      -- the claim's receipt plus the tema's days: the deviation sweep's deadline too
  status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent')),
  channel          text CHECK (channel IN ('print', 'protected')),
  attempts         int NOT NULL DEFAULT 0,
  last_error       text,
  pdf_key          text,
  adapter_ref      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  claimed_at       timestamptz,
  sent_at          timestamptz,
  UNIQUE (document_id, kind)
);
CREATE INDEX letters_unsent ON letters (created_at) WHERE status <> 'sent';
CREATE INDEX letters_case ON letters (case_id);
