import type { Queryable } from './queryable.ts';

/**
 * Expected attachments: what a cover sheet promised (case_missing_attachments, written when the
 * document is attached) and did not come, unless it arrived later (case_attachment_arrivals).
 * Claims without a cover sheet fall back on the per-tema expectation (attachment_expectations).
 */

/** Days a unit waits for an expected attachment when its tema has no deadline of its own. */
export const DEFAULT_DEADLINE_DAYS = 14;

/** Cover-sheet attachments still missing for the document aliased `doc` (text[], empty when none). */
export const COVER_MISSING_SQL = (doc: string) => `coalesce((SELECT array_agg(m.attachment ORDER BY m.attachment)
  FROM case_missing_attachments m LEFT JOIN case_attachment_arrivals a USING (case_id, document_id, attachment)
  WHERE m.document_id = ${doc}.id AND a.arrived_in IS NULL), '{}')`;

/** The document came with a cover sheet: the sheet's list, not the tema rule, says what is missing. */
export const HAS_COVER_SHEET_SQL = (doc: string) => `(${doc}.cover_sheet IS NOT NULL OR coalesce(${doc}.classification->>'coverSheet', '') <> ''
  OR EXISTS (SELECT 1 FROM case_missing_attachments m WHERE m.document_id = ${doc}.id))`;

/**
 * Fallback for a case without cover-sheet rows: the tema expects an attachment (alias `ae`), there
 * is no attachment document in the case and its claim is a single page.
 */
export const TEMA_RULE_MISSING_SQL = (doc: string) => `(ae.tema IS NOT NULL AND ${doc}.case_id IS NOT NULL AND NOT ${HAS_COVER_SHEET_SQL(doc)}
  AND NOT EXISTS (SELECT 1 FROM case_missing_attachments m WHERE m.case_id = ${doc}.case_id)
  AND NOT EXISTS (SELECT 1 FROM documents a WHERE a.case_id = ${doc}.case_id AND a.document_kind = 'attachment' AND a.merged_into IS NULL)
  AND EXISTS (SELECT 1 FROM documents c WHERE c.case_id = ${doc}.case_id AND c.document_kind = 'claim' AND coalesce(c.page_count, 0) < 2))`;

export interface PendingAttachment {
  caseId: string;
  documentId: string;
  attachment: string;
}

/** Promised attachments not yet seen, grouped by the document that promised them. */
export async function pendingAttachments(q: Queryable, limit = 5000): Promise<PendingAttachment[]> {
  const { rows } = await q.query(
    `SELECT m.case_id, m.document_id, m.attachment FROM case_missing_attachments m
     LEFT JOIN case_attachment_arrivals a USING (case_id, document_id, attachment)
     WHERE a.arrived_in IS NULL ORDER BY m.document_id, m.attachment LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ caseId: r.case_id, documentId: r.document_id, attachment: r.attachment }));
}

/** Later documents of the case (read by OCR), with their title and page texts. */
export async function laterCaseDocuments(q: Queryable, caseId: string, afterDocumentId: string): Promise<Array<{ documentId: string; title: string | null; pages: string[] }>> {
  const { rows } = await q.query(
    `SELECT d.id, d.title, coalesce(array_agg(coalesce(p.text, '') ORDER BY p.page_no) FILTER (WHERE p.page_no IS NOT NULL), '{}') AS pages
     FROM documents d LEFT JOIN pages p ON p.document_id = d.id
     WHERE d.case_id = $1 AND d.id <> $2 AND d.merged_into IS NULL AND d.ocr_at IS NOT NULL
       AND d.received_at >= (SELECT received_at FROM documents WHERE id = $2)
     GROUP BY d.id ORDER BY d.received_at, d.id`,
    [caseId, afterDocumentId],
  );
  return rows.map((r) => ({ documentId: r.id, title: r.title, pages: r.pages }));
}

export async function recordArrival(q: Queryable, p: PendingAttachment, arrivedIn: string): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO case_attachment_arrivals (case_id, document_id, attachment, arrived_in) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [p.caseId, p.documentId, p.attachment, arrivedIn],
  );
  return (r.rowCount ?? 0) > 0;
}
