import { STRICTLY_CONFIDENTIAL_SQL } from './document-access.repository.ts';
import type { Queryable } from './queryable.ts';

export interface ManualItemRow {
  documentId: string;
  batchId: string;
  fileName: string;
  reason: string | null;
  stage: string;
  pages: number | null;
  tema: string | null;
  formNumber: string | null;
  kind: string | null;
  personId: string | null;
  confidence: number | null;
  receivedAt: Date;
}

export type ManualSort = 'oldest' | 'newest' | 'tema' | 'file' | 'reason';

const ORDER: Record<ManualSort, string> = {
  oldest: 'd.received_at, d.id', newest: 'd.received_at DESC, d.id DESC', tema: 'd.tema NULLS LAST, d.received_at, d.id',
  file: 'd.file_name, d.id', reason: 'd.manual_reason NULLS LAST, d.received_at, d.id',
};

export interface ManualFilter {
  /** The mail room's queue (false) or NAV Vikafossen's queue of strictly confidential documents (true). */
  strictlyConfidential: boolean;
  tema?: string;
  /** Words in the file name, the reason, the journalpost id or the pages' text. */
  q?: string;
  sort?: ManualSort;
  limit: number;
  offset: number;
}

export async function listManual(q: Queryable, f: ManualFilter): Promise<{ rows: ManualItemRow[]; total: number }> {
  const where = `d.status = 'manual' AND d.merged_into IS NULL AND ${STRICTLY_CONFIDENTIAL_SQL('d')} = $1
    AND ($2::text IS NULL OR d.tema = $2)
    AND ($3::text IS NULL OR d.file_name ILIKE $3 OR d.manual_reason ILIKE $3 OR d.id ILIKE $3
      OR EXISTS (SELECT 1 FROM pages p WHERE p.document_id = d.id AND p.text ILIKE $3))`;
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const params = [f.strictlyConfidential, f.tema ?? null, like];
  const { rows } = await q.query(
    `SELECT d.id, d.batch_id, d.file_name, d.manual_reason, d.stage, d.page_count, d.tema, d.form_number, d.document_kind, d.person_id, d.confidence, d.received_at
     FROM documents d WHERE ${where} ORDER BY ${ORDER[f.sort ?? 'oldest']} LIMIT $4 OFFSET $5`,
    [...params, f.limit, f.offset],
  );
  const count = await q.query(`SELECT count(*)::int AS n FROM documents d WHERE ${where}`, params);
  return {
    total: count.rows[0].n,
    rows: rows.map((r) => ({
      documentId: r.id, batchId: r.batch_id, fileName: r.file_name, reason: r.manual_reason, stage: r.stage, pages: r.page_count,
      tema: r.tema, formNumber: r.form_number, kind: r.document_kind, personId: r.person_id, confidence: r.confidence, receivedAt: r.received_at,
    })),
  };
}

/** Locks the document's row for the rest of the transaction: two people acting on one item go one after the other. */
export async function lockDocument(q: Queryable, id: string): Promise<{ status: string; mergedInto: string | null } | null> {
  const { rows } = await q.query('SELECT status, merged_into FROM documents WHERE id = $1 FOR UPDATE', [id]);
  return rows[0] ? { status: rows[0].status, mergedInto: rows[0].merged_into } : null;
}

/** The operator's reading replaces the machine's; identification and attachment are done by hand (routing is stamped by the lifecycle). */
export async function applyManualReading(q: Queryable, documentId: string, f: {
  personId: string; tema: string; formNumber: string | null; title: string | null; kind: string; caseId: string; status: 'delivered' | 'manual'; manualReason: string | null;
}): Promise<void> {
  await q.query(
    `UPDATE documents SET person_id = $2, tema = $3, form_number = $4, title = $5, document_kind = $6, case_id = $7,
       status = $8, manual_reason = $9, confidence = 1,
       identified_at = coalesce(identified_at, now()), attached_at = coalesce(attached_at, now()), updated_at = now()
     WHERE id = $1`,
    [documentId, f.personId, f.tema, f.formNumber, f.title, f.kind, f.caseId, f.status, f.manualReason],
  );
}

/** Pages from `fromPage` on become a new document in the manual queue. Returns its id. */
export async function splitOff(q: Queryable, documentId: string, fromPage: number, userId: string): Promise<string> {
  const { rows } = await q.query(
    `INSERT INTO documents (batch_id, file_name, media_type, sha256, original_key, size_bytes, vendor_metadata, external_ref,
       status, stage, manual_reason, page_count, received_at, split_at, ocr_at, split_from, person_id)
     SELECT batch_id, file_name || ' (del fra side ' || $2::int::text || ')', media_type,
       sha256 || ':split:' || $2::int::text || ':' || md5(random()::text), original_key, size_bytes, vendor_metadata, NULL,
       'manual', 'manual', 'delt ut fra ' || id || ' av ' || $3::text, page_count - $2::int + 1, received_at, now(), ocr_at, id,
       person_id -- a part of a protected person's document stays theirs (and as protected)
     FROM documents WHERE id = $1 RETURNING id`,
    [documentId, fromPage, userId],
  );
  const newId: string = rows[0].id;
  await q.query('UPDATE pages SET document_id = $2, page_no = page_no - $3 + 1 WHERE document_id = $1 AND page_no >= $3', [documentId, newId, fromPage]);
  await q.query(
    `UPDATE documents SET page_count = $2::int - 1, archived_at = NULL, archive_key = NULL, updated_at = now() WHERE id = $1`,
    [documentId, fromPage],
  );
  return newId;
}

/** Appends the pages of `sourceId` to `targetId`; the source is closed as merged. */
export async function mergeInto(q: Queryable, targetId: string, sourceId: string): Promise<void> {
  const { rows } = await q.query('SELECT coalesce(max(page_no), 0)::int AS n FROM pages WHERE document_id = $1', [targetId]);
  const offset: number = rows[0].n;
  await q.query('UPDATE pages SET document_id = $2, page_no = page_no + $3 WHERE document_id = $1', [sourceId, targetId, offset]);
  await q.query(
    `UPDATE documents SET page_count = (SELECT count(*) FROM pages WHERE document_id = $1), archived_at = NULL, archive_key = NULL, updated_at = now() WHERE id = $1`,
    [targetId],
  );
  await q.query(
    `UPDATE documents SET merged_into = $2, status = 'archived', stage = 'merged', manual_reason = NULL, page_count = 0, updated_at = now() WHERE id = $1`,
    [sourceId, targetId],
  );
}
