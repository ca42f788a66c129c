import type { Queryable } from './queryable.ts';

/** Letters to persons (the outbox, schemas/migrations/0009_letters.sql). */

export type LetterStatus = 'queued' | 'sending' | 'sent';

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
  pdfKey: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

const toLetter = (r: Record<string, any>): LetterRow => ({
  id: Number(r.id), kind: r.kind, documentId: r.document_id, caseId: r.case_id, language: r.language, followUpSheet: r.follow_up_sheet,
  items: r.items, deadline: r.deadline, status: r.status, channel: r.channel, attempts: r.attempts, pdfKey: r.pdf_key,
  createdAt: r.created_at, sentAt: r.sent_at,
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

/** Letters not yet handed over (oldest first), optionally for one document. */
export async function unsentLetterIds(q: Queryable, documentId: string | null, limit = 100): Promise<number[]> {
  const { rows } = await q.query(
    `SELECT id FROM letters WHERE status <> 'sent' AND ($1::text IS NULL OR document_id = $1) ORDER BY created_at, id LIMIT $2`,
    [documentId, limit],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Takes a letter for sending: queued, or left "sending" by a process that died (after `staleMinutes`).
 * Null when another process has it or it is sent.
 */
export async function claimLetter(q: Queryable, id: number, staleMinutes = 10): Promise<LetterRow | null> {
  const { rows } = await q.query(
    `UPDATE letters SET status = 'sending', claimed_at = now(), attempts = attempts + 1
     WHERE id = $1 AND (status = 'queued' OR (status = 'sending' AND claimed_at < now() - make_interval(mins => $2))) RETURNING *`,
    [id, staleMinutes],
  );
  return rows[0] ? toLetter(rows[0]) : null;
}

export async function markLetterSent(q: Queryable, id: number, s: { channel: 'print' | 'protected'; pdfKey: string; adapterRef: string }): Promise<void> {
  await q.query(
    `UPDATE letters SET status = 'sent', sent_at = now(), channel = $2, pdf_key = $3, adapter_ref = $4, last_error = NULL WHERE id = $1`,
    [id, s.channel, s.pdfKey, s.adapterRef],
  );
}

/** Back to the queue after a failed hand-over; the sweep tries again. The error is a short technical text, no personal data. */
export async function markLetterFailed(q: Queryable, id: number, error: string): Promise<void> {
  await q.query(`UPDATE letters SET status = 'queued', claimed_at = NULL, last_error = $2 WHERE id = $1`, [id, error.slice(0, 200)]);
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
