import type { Word } from '../../pipeline/pages/page-image.ts';
import type { Queryable } from './queryable.ts';

export type OcrStatus = 'done' | 'pdf-text' | 'blank' | 'manual';

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
  sourceKey: string | null;
  normalisedAt: Date | null;
  blank: boolean;
  orientation: number | null;
  skew: number | null;
  ocrStatus: OcrStatus | null;
  ocrAttempts: number;
  manualReason: string | null;
  textPdfKey: string | null;
  headerText: string | null;
  headerConfidence: number | null;
  headerMs: number | null;
}

/** Stored compactly: [x0, y0, x1, y1, conf, text]. */
type WordTuple = [number, number, number, number, number, string];

const COLUMNS = `document_id, page_no, image_key, width, height, dpi, text, confidence, ocr_ms, ocr_at, source_key,
  normalised_at, blank, orientation, skew, ocr_status, ocr_attempts, manual_reason, text_pdf_key, header_text,
  header_confidence, header_ms`;

const toRow = (r: Record<string, any>): PageRow => ({
  documentId: r.document_id, pageNo: r.page_no, imageKey: r.image_key, width: r.width, height: r.height, dpi: r.dpi,
  text: r.text, confidence: r.confidence, ocrMs: r.ocr_ms, ocrAt: r.ocr_at, sourceKey: r.source_key,
  normalisedAt: r.normalised_at, blank: r.blank, orientation: r.orientation, skew: r.skew, ocrStatus: r.ocr_status,
  ocrAttempts: r.ocr_attempts, manualReason: r.manual_reason, textPdfKey: r.text_pdf_key, headerText: r.header_text,
  headerConfidence: r.header_confidence, headerMs: r.header_ms,
});

export async function upsertPage(q: Queryable, p: Pick<PageRow, 'documentId' | 'pageNo' | 'imageKey' | 'width' | 'height' | 'dpi'>): Promise<void> {
  await q.query(
    `INSERT INTO pages (document_id, page_no, image_key, width, height, dpi) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (document_id, page_no) DO UPDATE SET image_key = EXCLUDED.image_key, width = EXCLUDED.width,
       height = EXCLUDED.height, dpi = EXCLUDED.dpi
     WHERE pages.normalised_at IS NULL`,
    [p.documentId, p.pageNo, p.imageKey, p.width, p.height, p.dpi],
  );
}

export async function getPage(q: Queryable, documentId: string, pageNo: number): Promise<PageRow | null> {
  const { rows } = await q.query(`SELECT ${COLUMNS} FROM pages WHERE document_id = $1 AND page_no = $2`, [documentId, pageNo]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function listPages(q: Queryable, documentId: string): Promise<PageRow[]> {
  const { rows } = await q.query(`SELECT ${COLUMNS} FROM pages WHERE document_id = $1 ORDER BY page_no`, [documentId]);
  return rows.map(toRow);
}

export async function countUnread(q: Queryable, documentId: string): Promise<number> {
  const { rows } = await q.query('SELECT count(*)::int AS n FROM pages WHERE document_id = $1 AND ocr_at IS NULL', [documentId]);
  return rows[0].n;
}

export const packWords = (words: Word[]): WordTuple[] => words.map((w) => [w.x0, w.y0, w.x1, w.y1, w.conf, w.text]);
export const unpackWords = (t: WordTuple[] | null | undefined): Word[] =>
  (t ?? []).map(([x0, y0, x1, y1, conf, text]) => ({ x0, y0, x1, y1, conf, text }));

export async function getWords(q: Queryable, documentId: string, pageNo: number): Promise<Word[]> {
  const { rows } = await q.query('SELECT words FROM pages WHERE document_id = $1 AND page_no = $2', [documentId, pageNo]);
  return unpackWords(rows[0]?.words);
}

export interface OcrSave {
  text: string | null;
  confidence: number | null;
  ms: number;
  status?: OcrStatus;
  words?: Word[];
  attempts?: number;
  manualReason?: string | null;
  textPdfKey?: string | null;
}

/** Stores a page's text once (OCR, PDF text, blank or manual); returns how many pages still wait. */
export async function saveOcr(q: Queryable, documentId: string, pageNo: number, r: OcrSave): Promise<number> {
  await q.query(
    `UPDATE pages SET text = $3, confidence = $4, ocr_ms = $5, ocr_at = now(), ocr_status = $6, words = $7,
       ocr_attempts = $8, manual_reason = $9, text_pdf_key = $10
     WHERE document_id = $1 AND page_no = $2 AND ocr_at IS NULL`,
    [documentId, pageNo, r.text, r.confidence, r.ms, r.status ?? 'done', r.words ? JSON.stringify(packWords(r.words)) : null,
      r.attempts ?? 1, r.manualReason ?? null, r.textPdfKey ?? null],
  );
  return countUnread(q, documentId);
}

export interface Normalisation {
  imageKey: string;
  width: number;
  height: number;
  blank: boolean;
  orientation: number;
  skew: number;
}

/**
 * Records the upright page once; the extracted image stays reachable as source_key. Returns
 * false when another run got there first (both computed the same, so either result stands).
 */
export async function saveNormalisation(q: Queryable, documentId: string, pageNo: number, n: Normalisation): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE pages SET source_key = image_key, image_key = $3, width = $4, height = $5, blank = $6, orientation = $7,
       skew = $8, normalised_at = now()
     WHERE document_id = $1 AND page_no = $2 AND normalised_at IS NULL`,
    [documentId, pageNo, n.imageKey, n.width, n.height, n.blank, n.orientation, n.skew],
  );
  return rowCount === 1;
}

export async function saveHeader(q: Queryable, documentId: string, pageNo: number, h: { text: string; confidence: number | null; ms: number }): Promise<void> {
  await q.query(
    'UPDATE pages SET header_text = $3, header_confidence = $4, header_ms = $5 WHERE document_id = $1 AND page_no = $2',
    [documentId, pageNo, h.text, h.confidence, h.ms],
  );
}

/**
 * Stamps OCR done once, with where the text came from (the lifecycle runner calls it when the
 * last page is read, and sets the stage column).
 */
export async function markOcrDone(q: Queryable, documentId: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE documents d SET ocr_at = now(), updated_at = now(),
       text_source = (SELECT CASE
           WHEN bool_and(p.ocr_status IN ('blank')) THEN 'none'
           WHEN bool_and(p.ocr_status IN ('pdf-text', 'blank')) THEN 'pdf'
           WHEN bool_or(p.ocr_status = 'pdf-text') THEN 'mixed'
           ELSE 'ocr' END
         FROM pages p WHERE p.document_id = d.id)
     WHERE d.id = $1 AND d.ocr_at IS NULL`,
    [documentId],
  );
  return rowCount === 1;
}
