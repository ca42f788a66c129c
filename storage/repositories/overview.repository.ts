import { STRICTLY_CONFIDENTIAL_SQL } from './document-access.repository.ts';
import type { Queryable } from './queryable.ts';

/**
 * Aggregates only: no ids of persons or documents leave these queries. Strictly confidential
 * documents are not counted at all (the overview is the mail room's and administrators'), nor is
 * anything delivered to the special unit.
 */
const NOT_PROTECTED = (d: string) => `NOT ${STRICTLY_CONFIDENTIAL_SQL(d)}`;

export async function pagesPerHour(q: Queryable, hours: number): Promise<Array<{ hour: Date; pages: number }>> {
  const { rows } = await q.query(
    `SELECT date_trunc('hour', p.ocr_at) AS hour, count(*)::int AS pages FROM pages p JOIN documents d ON d.id = p.document_id
     WHERE p.ocr_at > now() - make_interval(hours => $1) AND ${NOT_PROTECTED('d')} GROUP BY 1 ORDER BY 1`,
    [hours],
  );
  return rows.map((r) => ({ hour: r.hour, pages: r.pages }));
}

export async function documentsPerStage(q: Queryable): Promise<Array<{ status: string; stage: string; documents: number }>> {
  const { rows } = await q.query(
    `SELECT status, stage, count(*)::int AS n FROM documents d WHERE status IN ('processing', 'manual') AND merged_into IS NULL AND ${NOT_PROTECTED('d')} GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ status: r.status, stage: r.stage, documents: r.n }));
}

export async function documentsPerUnitAndTema(q: Queryable): Promise<Array<{ unitId: string; tema: string; documents: number }>> {
  const { rows } = await q.query(
    `SELECT dl.unit_id, coalesce(d.tema, 'UKJ') AS tema, count(*)::int AS n FROM deliveries dl JOIN documents d ON d.id = dl.document_id
       JOIN units u ON u.id = dl.unit_id
     WHERE u.type NOT IN ('vikafossen', 'manual') AND ${NOT_PROTECTED('d')}
     GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ unitId: r.unit_id, tema: r.tema, documents: r.n }));
}

/** Seconds from receipt (scan) to first delivery, p50 and p95, overall and per tema. */
export async function scanToDelivery(q: Queryable): Promise<Array<{ tema: string | null; documents: number; p50: number | null; p95: number | null }>> {
  const { rows } = await q.query(
    `WITH first AS (SELECT document_id, min(delivered_at) AS at FROM deliveries GROUP BY 1),
     t AS (SELECT d.tema, extract(epoch FROM f.at - d.received_at) AS s FROM first f JOIN documents d ON d.id = f.document_id WHERE ${NOT_PROTECTED('d')})
     SELECT tema, count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY s) AS p95
     FROM t GROUP BY GROUPING SETS ((), (tema)) ORDER BY tema NULLS FIRST`,
  );
  return rows.map((r) => ({ tema: r.tema, documents: r.n, p50: r.p50 === null ? null : Number(r.p50), p95: r.p95 === null ? null : Number(r.p95) }));
}

export interface BatchCountsRow {
  id: string;
  name: string;
  source: string;
  createdAt: Date;
  documents: number;
  processing: number;
  manual: number;
  delivered: number;
  archived: number;
  setAside: number;
  duplicates: number;
  pages: number;
  pagesRead: number;
}

const BATCH_COUNTS = `SELECT b.id, b.name, b.source, b.created_at,
  (SELECT count(*) FROM documents d WHERE d.batch_id = b.id AND d.split_from IS NULL)::int AS documents,
  (SELECT count(*) FROM documents d WHERE d.batch_id = b.id AND d.status = 'processing')::int AS processing,
  (SELECT count(*) FROM documents d WHERE d.batch_id = b.id AND d.status = 'manual' AND d.merged_into IS NULL)::int AS manual,
  (SELECT count(*) FROM documents d WHERE d.batch_id = b.id AND d.status = 'delivered')::int AS delivered,
  (SELECT count(*) FROM documents d WHERE d.batch_id = b.id AND d.archived_at IS NOT NULL)::int AS archived,
  (SELECT count(*) FROM set_aside s WHERE s.batch_id = b.id)::int AS set_aside,
  (SELECT count(*) FROM document_events e WHERE e.type = 'duplicate-received' AND e.detail->>'batchId' = b.id)::int AS duplicates,
  (SELECT coalesce(sum(d.page_count), 0) FROM documents d WHERE d.batch_id = b.id)::int AS pages,
  (SELECT count(*) FROM pages p JOIN documents d ON d.id = p.document_id WHERE d.batch_id = b.id AND p.ocr_at IS NOT NULL)::int AS pages_read
  FROM batches b`;

const toBatch = (r: Record<string, any>): BatchCountsRow => ({
  id: r.id, name: r.name, source: r.source, createdAt: r.created_at, documents: r.documents, processing: r.processing, manual: r.manual,
  delivered: r.delivered, archived: r.archived, setAside: r.set_aside, duplicates: r.duplicates, pages: r.pages, pagesRead: r.pages_read,
});

export async function listBatchCounts(q: Queryable, f: { limit: number; offset: number }): Promise<{ rows: BatchCountsRow[]; total: number }> {
  const { rows } = await q.query(`${BATCH_COUNTS} ORDER BY b.created_at DESC, b.id DESC LIMIT $1 OFFSET $2`, [f.limit, f.offset]);
  const count = await q.query('SELECT count(*)::int AS n FROM batches');
  return { rows: rows.map(toBatch), total: count.rows[0].n };
}

export async function batchCounts(q: Queryable, id: string): Promise<BatchCountsRow | null> {
  const { rows } = await q.query(`${BATCH_COUNTS} WHERE b.id = $1`, [id]);
  return rows[0] ? toBatch(rows[0]) : null;
}
