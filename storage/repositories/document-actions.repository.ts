import { COVER_MISSING_SQL, TEMA_RULE_MISSING_SQL } from './missing-attachments.repository.ts';
import { STRICTLY_CONFIDENTIAL_SQL } from './document-access.repository.ts';
import type { Queryable } from './queryable.ts';

export interface InboxItemRow {
  documentId: string;
  title: string | null;
  tema: string | null;
  formNumber: string | null;
  kind: string | null;
  caseId: string | null;
  personId: string | null;
  pages: number | null;
  receivedAt: Date;
  deliveredAt: Date;
  takenBy: string | null;
  takenAt: Date | null;
  expectedAttachment: string | null;
  missingAttachment: boolean;
  /** Attachments the cover sheet listed that have not come (empty without a cover sheet). */
  missingAttachments: string[];
}

export type InboxSort = 'oldest' | 'newest' | 'tema' | 'case';
const INBOX_ORDER: Record<InboxSort, string> = {
  oldest: 'd.received_at, d.id', newest: 'd.received_at DESC, d.id DESC', tema: 'd.tema NULLS LAST, d.received_at, d.id', case: 'd.case_id NULLS LAST, d.received_at, d.id',
};

export interface InboxFilter {
  state: 'new' | 'taken' | 'all';
  /** Leave out strictly confidential documents (for everyone but NAV Vikafossen, whose inbox they are). */
  hideStrictlyConfidential: boolean;
  tema?: string;
  /** Words in the title, form, case, id or the pages' text. */
  q?: string;
  sort?: InboxSort;
  limit: number;
  offset: number;
}

export async function listInbox(q: Queryable, unitId: string, f: InboxFilter): Promise<{ rows: InboxItemRow[]; total: number }> {
  const where = `dl.unit_id = $1 AND dl.returned_at IS NULL AND d.merged_into IS NULL
    AND ($2 = 'all' OR ($2 = 'new' AND dl.taken_at IS NULL) OR ($2 = 'taken' AND dl.taken_at IS NOT NULL))
    AND (NOT $3 OR NOT ${STRICTLY_CONFIDENTIAL_SQL('d')})
    AND ($4::text IS NULL OR d.tema = $4)
    AND ($5::text IS NULL OR d.title ILIKE $5 OR d.form_number ILIKE $5 OR d.case_id ILIKE $5 OR d.id ILIKE $5
      OR EXISTS (SELECT 1 FROM pages p WHERE p.document_id = d.id AND p.text ILIKE $5))`;
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const params = [unitId, f.state, f.hideStrictlyConfidential, f.tema ?? null, like];
  const { rows } = await q.query(
    `SELECT d.id, d.title, d.tema, d.form_number, d.document_kind, d.case_id, d.person_id, d.page_count, d.received_at,
       dl.delivered_at, dl.taken_by, dl.taken_at, ae.description AS expected, ${TEMA_RULE_MISSING_SQL('d')} AS missing, ${COVER_MISSING_SQL('d')} AS cover_missing
     FROM deliveries dl JOIN documents d ON d.id = dl.document_id LEFT JOIN attachment_expectations ae ON ae.tema = d.tema
     WHERE ${where} ORDER BY ${INBOX_ORDER[f.sort ?? 'oldest']} LIMIT $6 OFFSET $7`,
    [...params, f.limit, f.offset],
  );
  const count = await q.query(`SELECT count(*)::int AS n FROM deliveries dl JOIN documents d ON d.id = dl.document_id WHERE ${where}`, params);
  return {
    total: count.rows[0].n,
    rows: rows.map((r) => ({
      documentId: r.id, title: r.title, tema: r.tema, formNumber: r.form_number, kind: r.document_kind, caseId: r.case_id,
      personId: r.person_id, pages: r.page_count, receivedAt: r.received_at, deliveredAt: r.delivered_at,
      takenBy: r.taken_by, takenAt: r.taken_at, expectedAttachment: r.expected,
      missingAttachment: Boolean(r.missing) || r.cover_missing.length > 0, missingAttachments: r.cover_missing,
    })),
  };
}

export interface DeliveryRow {
  documentId: string;
  unitId: string;
  deliveredAt: Date;
  takenBy: string | null;
  takenAt: Date | null;
  returnedBy: string | null;
  returnedAt: Date | null;
  returnReason: string | null;
}

export async function listDeliveries(q: Queryable, documentId: string): Promise<DeliveryRow[]> {
  const { rows } = await q.query('SELECT * FROM deliveries WHERE document_id = $1 ORDER BY delivered_at', [documentId]);
  return rows.map((r) => ({
    documentId: r.document_id, unitId: r.unit_id, deliveredAt: r.delivered_at, takenBy: r.taken_by, takenAt: r.taken_at,
    returnedBy: r.returned_by, returnedAt: r.returned_at, returnReason: r.return_reason,
  }));
}

/** Marks the delivery taken; false when it is not open in that unit or already taken. */
export async function takeDelivery(q: Queryable, documentId: string, unitId: string, userId: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE deliveries SET taken_by = $3, taken_at = now()
     WHERE document_id = $1 AND unit_id = $2 AND returned_at IS NULL AND taken_at IS NULL`,
    [documentId, unitId, userId],
  );
  return rowCount === 1;
}

export async function returnDelivery(q: Queryable, documentId: string, unitId: string, userId: string, reason: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE deliveries SET returned_by = $3, returned_at = now(), return_reason = $4
     WHERE document_id = $1 AND unit_id = $2 AND returned_at IS NULL`,
    [documentId, unitId, userId, reason],
  );
  return rowCount === 1;
}

/** How many times units have sent the document back. */
export async function countReturns(q: Queryable, documentId: string): Promise<number> {
  const { rows } = await q.query(
    `SELECT count(*)::int AS n FROM document_events WHERE document_id = $1 AND type = 'returned-misrouted'`,
    [documentId],
  );
  return rows[0].n;
}

