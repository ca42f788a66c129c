import type { Queryable } from './queryable.ts';

export type DocumentStatus = 'processing' | 'manual' | 'delivered' | 'archived';

export interface DocumentRow {
  id: string;
  batchId: string;
  fileName: string;
  mediaType: string;
  sha256: string;
  originalKey: string;
  sizeBytes: number;
  vendorMetadata: Record<string, unknown> | null;
  externalRef: string | null;
  status: DocumentStatus;
  stage: string;
  manualReason: string | null;
  pageCount: number | null;
  formNumber: string | null;
  title: string | null;
  tema: string | null;
  documentKind: string | null;
  personId: string | null;
  confidence: number | null;
  classification: Record<string, unknown> | null;
  caseId: string | null;
  archiveKey: string | null;
  receivedAt: Date;
  splitAt: Date | null;
  /** The header stage ended (read, or nothing left to read). */
  headerAt: Date | null;
  ocrAt: Date | null;
  identifiedAt: Date | null;
  attachedAt: Date | null;
  routedAt: Date | null;
  archivedAt: Date | null;
}

const COLUMNS = `id, batch_id, file_name, media_type, sha256, original_key, size_bytes, vendor_metadata, external_ref,
  status, stage, manual_reason, page_count, form_number, title, tema, document_kind, person_id, confidence,
  classification, case_id, archive_key, received_at, split_at, header_at, ocr_at, identified_at, attached_at, routed_at, archived_at`;

function toRow(r: Record<string, any>): DocumentRow {
  return {
    id: r.id, batchId: r.batch_id, fileName: r.file_name, mediaType: r.media_type, sha256: r.sha256,
    originalKey: r.original_key, sizeBytes: Number(r.size_bytes), vendorMetadata: r.vendor_metadata,
    externalRef: r.external_ref, status: r.status, stage: r.stage, manualReason: r.manual_reason,
    pageCount: r.page_count, formNumber: r.form_number, title: r.title, tema: r.tema,
    documentKind: r.document_kind, personId: r.person_id, confidence: r.confidence,
    classification: r.classification, caseId: r.case_id, archiveKey: r.archive_key, receivedAt: r.received_at,
    splitAt: r.split_at, headerAt: r.header_at, ocrAt: r.ocr_at, identifiedAt: r.identified_at, attachedAt: r.attached_at,
    routedAt: r.routed_at, archivedAt: r.archived_at,
  };
}

export interface NewDocument {
  batchId: string;
  fileName: string;
  mediaType: string;
  sha256: string;
  originalKey: string;
  sizeBytes: number;
  vendorMetadata: Record<string, unknown> | null;
  externalRef: string | null;
}

/** Inserts the document unless its external reference (or, for a loose file, its content hash) is known; returns null then. */
export async function insertDocument(q: Queryable, d: NewDocument): Promise<DocumentRow | null> {
  const { rows } = await q.query(
    `INSERT INTO documents (batch_id, file_name, media_type, sha256, original_key, size_bytes, vendor_metadata, external_ref)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [d.batchId, d.fileName, d.mediaType, d.sha256, d.originalKey, d.sizeBytes, d.vendorMetadata, d.externalRef],
  );
  return rows[0] ? toRow(rows[0]) : null;
}

/**
 * The document a new arrival duplicates: a vendor pair by its external reference only (NAV's
 * eksternReferanseId), a loose file by its bytes among loose files.
 */
export async function findDuplicate(q: Queryable, sha256: string, externalRef: string | null): Promise<DocumentRow | null> {
  const { rows } = externalRef
    ? await q.query(`SELECT ${COLUMNS} FROM documents WHERE external_ref = $1`, [externalRef])
    : await q.query(`SELECT ${COLUMNS} FROM documents WHERE sha256 = $1 AND external_ref IS NULL LIMIT 1`, [sha256]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function getDocument(q: Queryable, id: string): Promise<DocumentRow | null> {
  const { rows } = await q.query(`SELECT ${COLUMNS} FROM documents WHERE id = $1`, [id]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function listDocuments(q: Queryable, where: { batchId?: string; caseId?: string }): Promise<DocumentRow[]> {
  const { rows } = await q.query(
    `SELECT ${COLUMNS} FROM documents WHERE ($1::text IS NULL OR batch_id = $1) AND ($2::text IS NULL OR case_id = $2)
     ORDER BY received_at, id`,
    [where.batchId ?? null, where.caseId ?? null],
  );
  return rows.map(toRow);
}

/**
 * How far a batch is, in one query: its documents, those finished (archived, or waiting in the
 * mail room without a route: batchSummary's "done") and its pages.
 */
export async function batchProgress(q: Queryable, batchId: string): Promise<{ documents: number; finished: number; pages: number }> {
  const { rows } = await q.query(
    `SELECT count(*)::int AS documents,
       (count(*) FILTER (WHERE archived_at IS NOT NULL OR (status = 'manual' AND routed_at IS NULL)))::int AS finished,
       coalesce(sum(page_count), 0)::int AS pages
     FROM documents WHERE batch_id = $1`,
    [batchId],
  );
  return rows[0];
}

type Updatable = Partial<Pick<DocumentRow,
  'status' | 'stage' | 'manualReason' | 'pageCount' | 'formNumber' | 'title' | 'tema' | 'documentKind' | 'personId' |
  'confidence' | 'classification' | 'caseId' | 'archiveKey'>>;

const COLUMN_OF: Record<keyof Updatable, string> = {
  status: 'status', stage: 'stage', manualReason: 'manual_reason', pageCount: 'page_count', formNumber: 'form_number',
  title: 'title', tema: 'tema', documentKind: 'document_kind', personId: 'person_id', confidence: 'confidence',
  classification: 'classification', caseId: 'case_id', archiveKey: 'archive_key',
};

export async function updateDocument(q: Queryable, id: string, fields: Updatable): Promise<void> {
  const entries = Object.entries(fields) as Array<[keyof Updatable, unknown]>;
  if (entries.length === 0) return;
  const sets = entries.map(([k], i) => `${COLUMN_OF[k]} = $${i + 2}`);
  await q.query(`UPDATE documents SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1`, [id, ...entries.map(([, v]) => v)]);
}
