import { createHash } from 'node:crypto';
import type { DocumentRow } from './documents.repository.ts';
import type { Queryable } from './queryable.ts';

export interface SegmentInfo {
  coverSheet: string | null;
  coverSheetPage: number | null; // 1-based page of the document
  splitFrom: string | null;
  sourcePages: number[] | null; // 1-based pages of the original file
}

/**
 * The documents a loose file is split into, after the first (which keeps the ingested row).
 * Keyed by an external reference per segment, so a retried split finds the rows it made before.
 */
export async function ensureSplitDocuments(q: Queryable, parent: DocumentRow, count: number): Promise<Array<{ id: string; created: boolean }>> {
  const out: Array<{ id: string; created: boolean }> = [];
  for (let k = 1; k < count; k++) {
    const ref = `split:${parent.id}:${k + 1}`;
    const sha = createHash('sha256').update(`${parent.sha256}:${k + 1}`).digest('hex');
    const inserted = await q.query(
      `INSERT INTO documents (batch_id, file_name, media_type, sha256, original_key, size_bytes, vendor_metadata, external_ref, split_from)
       VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
      [parent.batchId, `${parent.fileName} (${k + 1}/${count})`, parent.mediaType, sha, parent.originalKey, parent.sizeBytes, ref, parent.id],
    );
    if (inserted.rows[0]) out.push({ id: inserted.rows[0].id, created: true });
    else {
      const { rows } = await q.query('SELECT id FROM documents WHERE external_ref = $1', [ref]);
      if (!rows[0]) throw new Error(`split document ${ref} neither inserted nor found`);
      out.push({ id: rows[0].id, created: false });
    }
  }
  return out;
}

export async function setSegmentInfo(q: Queryable, id: string, s: SegmentInfo): Promise<void> {
  await q.query(
    'UPDATE documents SET cover_sheet = $2, cover_sheet_page = $3, split_from = $4, source_pages = $5, updated_at = now() WHERE id = $1',
    [id, s.coverSheet, s.coverSheetPage, s.splitFrom, s.sourcePages],
  );
}

export async function getSegmentInfo(q: Queryable, id: string): Promise<SegmentInfo | null> {
  const { rows } = await q.query('SELECT cover_sheet, cover_sheet_page, split_from, source_pages FROM documents WHERE id = $1', [id]);
  const r = rows[0];
  return r ? { coverSheet: r.cover_sheet, coverSheetPage: r.cover_sheet_page, splitFrom: r.split_from, sourcePages: r.source_pages } : null;
}

export async function listSplitDocuments(q: Queryable, parentId: string): Promise<string[]> {
  const { rows } = await q.query('SELECT id FROM documents WHERE split_from = $1 ORDER BY external_ref', [parentId]);
  return rows.map((r) => r.id);
}

/** Ids of the register that are among `ids`: one query for every candidate in a document. */
export async function knownPersonIds(q: Queryable, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await q.query('SELECT id FROM persons WHERE id = ANY($1)', [ids]);
  return new Set(rows.map((r) => r.id as string));
}
