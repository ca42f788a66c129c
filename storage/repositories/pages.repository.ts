import type { Queryable } from './queryable.ts';

export interface PageRow {
  documentId: string;
  pageNo: number;
  imageKey: string;
  width: number;
  height: number;
  dpi: number;
  text: string | null;
  confidence: number | null;
  ocrMs: number | null;
  ocrAt: Date | null;
}

const toRow = (r: Record<string, any>): PageRow => ({
  documentId: r.document_id, pageNo: r.page_no, imageKey: r.image_key, width: r.width, height: r.height, dpi: r.dpi,
  text: r.text, confidence: r.confidence, ocrMs: r.ocr_ms, ocrAt: r.ocr_at,
});

export async function upsertPage(q: Queryable, p: Pick<PageRow, 'documentId' | 'pageNo' | 'imageKey' | 'width' | 'height' | 'dpi'>): Promise<void> {
  await q.query(
    `INSERT INTO pages (document_id, page_no, image_key, width, height, dpi) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (document_id, page_no) DO UPDATE SET image_key = EXCLUDED.image_key, width = EXCLUDED.width,
       height = EXCLUDED.height, dpi = EXCLUDED.dpi`,
    [p.documentId, p.pageNo, p.imageKey, p.width, p.height, p.dpi],
  );
}

export async function getPage(q: Queryable, documentId: string, pageNo: number): Promise<PageRow | null> {
  const { rows } = await q.query('SELECT * FROM pages WHERE document_id = $1 AND page_no = $2', [documentId, pageNo]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function listPages(q: Queryable, documentId: string): Promise<PageRow[]> {
  const { rows } = await q.query('SELECT * FROM pages WHERE document_id = $1 ORDER BY page_no', [documentId]);
  return rows.map(toRow);
}

/** Stores a page's OCR once; returns how many pages of the document still wait for OCR. */
export async function saveOcr(q: Queryable, documentId: string, pageNo: number, r: { text: string; confidence: number; ms: number }): Promise<number> {
  await q.query(
    `UPDATE pages SET text = $3, confidence = $4, ocr_ms = $5, ocr_at = now()
     WHERE document_id = $1 AND page_no = $2 AND ocr_at IS NULL`,
    [documentId, pageNo, r.text, r.confidence, r.ms],
  );
  const { rows } = await q.query('SELECT count(*)::int AS n FROM pages WHERE document_id = $1 AND ocr_at IS NULL', [documentId]);
  return rows[0].n;
}
