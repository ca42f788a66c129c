import { STRICTLY_CONFIDENTIAL_SQL } from './document-access.repository.ts';
import type { Queryable } from './queryable.ts';

/** Letters to persons (the outbox, schemas/migrations/0009_letters.sql). */

export type LetterStatus = 'queued' | 'sending' | 'sent' | 'failed';

export interface LetterRow {
  id: number;
  kind: 'missing-attachments';
  documentId: string;
  caseId: string;
  language: 'nb' | 'nn' | 'en';
  followUpSheet: string;
  items: string[];
  deadline: Date;
  status: LetterStatus;
  channel: 'print' | 'protected' | null;
  attempts: number;
  /** The kind of the last error (no message: an adapter's could quote the person). */
  lastError: string | null;
  pdfKey: string | null;
  createdAt: Date;
  sentAt: Date | null;
  /** A queued letter that failed waits until then. */
  nextAttemptAt: Date | null;
  failedAt: Date | null;
}

const toLetter = (r: Record<string, any>): LetterRow => ({
  id: Number(r.id), kind: r.kind, documentId: r.document_id, caseId: r.case_id, language: r.language, followUpSheet: r.follow_up_sheet,
  items: r.items, deadline: r.deadline, status: r.status, channel: r.channel, attempts: r.attempts, lastError: r.last_error ?? null, pdfKey: r.pdf_key,
  createdAt: r.created_at, sentAt: r.sent_at, nextAttemptAt: r.next_attempt_at ?? null, failedAt: r.failed_at ?? null,
});

/** Queues a letter; null when the document has one of this kind already. */
export async function insertLetter(q: Queryable, l: Pick<LetterRow, 'documentId' | 'caseId' | 'language' | 'followUpSheet' | 'items' | 'deadline'>): Promise<LetterRow | null> {
  const { rows } = await q.query(
    `INSERT INTO letters (kind, document_id, case_id, language, follow_up_sheet, items, deadline)
     VALUES ('missing-attachments', $1, $2, $3, $4, $5, $6) ON CONFLICT (document_id, kind) DO NOTHING RETURNING *`,
    [l.documentId, l.caseId, l.language, l.followUpSheet, JSON.stringify(l.items), l.deadline],
  );
  return rows[0] ? toLetter(rows[0]) : null;
}

export async function hasLetter(q: Queryable, documentId: string): Promise<boolean> {
  const { rowCount } = await q.query(`SELECT 1 FROM letters WHERE document_id = $1 AND kind = 'missing-attachments'`, [documentId]);
  return (rowCount ?? 0) > 0;
}

export async function getLetter(q: Queryable, id: number): Promise<LetterRow | null> {
  const { rows } = await q.query('SELECT * FROM letters WHERE id = $1', [id]);
  return rows[0] ? toLetter(rows[0]) : null;
}

/** Letters due for a hand-over (oldest first), optionally for one document: queued and past their wait, or left "sending". */
export async function unsentLetterIds(q: Queryable, documentId: string | null, limit = 100): Promise<number[]> {
  const { rows } = await q.query(
    `SELECT id FROM letters WHERE status IN ('queued', 'sending') AND (next_attempt_at IS NULL OR next_attempt_at <= now())
       AND ($1::text IS NULL OR document_id = $1) ORDER BY created_at, id LIMIT $2`,
    [documentId, limit],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Takes a letter for sending: queued and due, or left "sending" by a process that died (after `staleMinutes`).
 * Null when another process has it, it is sent or failed, or it waits after a failure.
 */
export async function claimLetter(q: Queryable, id: number, staleMinutes = 10): Promise<LetterRow | null> {
  const { rows } = await q.query(
    `UPDATE letters SET status = 'sending', claimed_at = now(), attempts = attempts + 1
     WHERE id = $1 AND ((status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= now()))
                        OR (status = 'sending' AND claimed_at < now() - make_interval(mins => $2))) RETURNING *`,
    [id, staleMinutes],
  );
  return rows[0] ? toLetter(rows[0]) : null;
}

export async function markLetterSent(q: Queryable, id: number, s: { channel: 'print' | 'protected'; pdfKey: string; adapterRef: string }): Promise<void> {
  await q.query(
    `UPDATE letters SET status = 'sent', sent_at = now(), channel = $2, pdf_key = $3, adapter_ref = $4, last_error = NULL, next_attempt_at = NULL WHERE id = $1`,
    [id, s.channel, s.pdfKey, s.adapterRef],
  );
}

export interface RetryPolicy {
  /** Hand-overs before the letter is given up as failed. */
  maxAttempts: number;
  /** Wait after the first failure; doubled after each further one, never more than `maxWaitMinutes`. */
  baseMinutes: number;
  maxWaitMinutes: number;
}

/**
 * After a failed hand-over: back to the queue to wait (base x 2^(attempts-1), capped), or, after `maxAttempts`,
 * failed: kept for an administrator, tried no more. The error is its kind only, no personal data. Returns the new status.
 */
export async function markLetterFailed(q: Queryable, id: number, error: string, p: RetryPolicy): Promise<{ status: 'queued' | 'failed'; attempts: number; nextAttemptAt: Date | null }> {
  const { rows } = await q.query(
    `UPDATE letters SET claimed_at = NULL, last_error = $2,
       status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'queued' END,
       failed_at = CASE WHEN attempts >= $3 THEN now() END,
       next_attempt_at = CASE WHEN attempts >= $3 THEN NULL
         ELSE now() + least($5::float8, $4::float8 * power(2, greatest(attempts - 1, 0))) * interval '1 minute' END
     WHERE id = $1 AND status = 'sending' RETURNING status, attempts, next_attempt_at`,
    [id, error.slice(0, 200), p.maxAttempts, p.baseMinutes, p.maxWaitMinutes],
  );
  return rows[0] ? { status: rows[0].status, attempts: rows[0].attempts, nextAttemptAt: rows[0].next_attempt_at } : { status: 'queued', attempts: 0, nextAttemptAt: null };
}

/** A failed letter back to the queue, by an administrator's (or the protected unit's) decision: its attempts start over. */
export async function requeueLetter(q: Queryable, id: number, by: string): Promise<LetterRow | null> {
  const { rows } = await q.query(
    `UPDATE letters SET status = 'queued', attempts = 0, next_attempt_at = NULL, failed_at = NULL, requeued_by = $2 WHERE id = $1 AND status = 'failed' RETURNING *`,
    [id, by],
  );
  return rows[0] ? toLetter(rows[0]) : null;
}

/** Failed letters, newest first; `excludeStrictlyConfidential`: without those of strictly confidential documents. */
export async function failedLetters(q: Queryable, excludeStrictlyConfidential: boolean, limit: number, offset: number): Promise<{ rows: LetterRow[]; total: number }> {
  const { rows } = await q.query(
    `SELECT l.*, count(*) OVER () AS total FROM letters l JOIN documents d ON d.id = l.document_id
     WHERE l.status = 'failed' AND (NOT $3 OR NOT ${STRICTLY_CONFIDENTIAL_SQL('d')}) ORDER BY l.failed_at DESC, l.id DESC LIMIT $1 OFFSET $2`,
    [limit, offset, excludeStrictlyConfidential],
  );
  return { rows: rows.map(toLetter), total: rows[0] ? Number(rows[0].total) : 0 };
}

/** An ettersendelse cover sheet made for a letter: the case and the claim it belongs to. */
export async function bindFollowUpSheet(q: Queryable, loepenummer: string, caseId: string, followUpTo: string): Promise<void> {
  await q.query('UPDATE foersteside SET case_id = $2, follow_up_to = $3 WHERE loepenummer = $1', [loepenummer, caseId, followUpTo]);
}

export async function followUpBinding(q: Queryable, loepenummer: string): Promise<{ caseId: string; followUpTo: string; personId: string | null; tema: string } | null> {
  const { rows } = await q.query(
    `SELECT f.case_id, f.follow_up_to, c.person_id, c.tema FROM foersteside f JOIN cases c ON c.id = f.case_id
     WHERE f.loepenummer = $1 AND f.follow_up_to IS NOT NULL`,
    [loepenummer],
  );
  return rows[0] ? { caseId: rows[0].case_id, followUpTo: rows[0].follow_up_to, personId: rows[0].person_id, tema: rows[0].tema } : null;
}

/** Days the person has to send what is missing for a tema (the deviation sweep's deadline). */
export async function deadlineDays(q: Queryable, tema: string, fallback: number): Promise<number> {
  const { rows } = await q.query('SELECT deadline_days FROM attachment_expectations WHERE tema = $1', [tema]);
  return rows[0]?.deadline_days ?? fallback;
}

/** What a claim's cover sheet promised and is still missing (not arrived in a later document). */
export async function stillMissing(q: Queryable, documentId: string): Promise<Array<{ caseId: string; attachment: string }>> {
  const { rows } = await q.query(
    `SELECT m.case_id, m.attachment FROM case_missing_attachments m
     LEFT JOIN case_attachment_arrivals a USING (case_id, document_id, attachment)
     WHERE m.document_id = $1 AND a.arrived_in IS NULL ORDER BY m.flagged_at, m.attachment`,
    [documentId],
  );
  return rows.map((r) => ({ caseId: r.case_id, attachment: r.attachment }));
}

/** Closes the claim's open missing-attachment deviation at once, when the last item has come. */
export async function closeMissingAttachmentDeviation(q: Queryable, documentId: string, note: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE deviations SET resolved_at = now(), resolved_by = 'intake', resolution_note = $2
     WHERE kind = 'missing-attachment' AND document_id = $1 AND resolved_at IS NULL`,
    [documentId, note],
  );
  return (rowCount ?? 0) > 0;
}

export interface LetterItemState {
  name: string;
  /** The document it came in, once it has. */
  arrivedIn: string | null;
}

export interface LetterState extends LetterRow {
  itemStates: LetterItemState[];
}

/** The documents' letters with each named item's state (arrived in which document, or still awaited). */
export async function lettersOf(q: Queryable, documentIds: string[]): Promise<LetterState[]> {
  if (documentIds.length === 0) return [];
  const { rows } = await q.query(
    `SELECT l.*, coalesce((SELECT jsonb_agg(jsonb_build_object('name', i.name, 'arrivedIn', a.arrived_in) ORDER BY i.n)
       FROM jsonb_array_elements_text(l.items) WITH ORDINALITY AS i(name, n)
       LEFT JOIN case_attachment_arrivals a ON a.document_id = l.document_id AND a.attachment = i.name), '[]') AS item_states
     FROM letters l WHERE l.document_id = ANY($1) ORDER BY l.created_at, l.id`,
    [documentIds],
  );
  return rows.map((r) => ({ ...toLetter(r), itemStates: r.item_states }));
}
