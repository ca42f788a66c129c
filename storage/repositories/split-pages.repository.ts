import type { PageMarks } from '../../pipeline/foersteside/barcode.ts';
import type { PageImage, PageText } from '../../pipeline/pages/page-image.ts';
import type { Queryable } from './queryable.ts';

/** A page image of a file in the object store, with what segmenting needs to know of it. */
export interface StoredPage extends Omit<PageImage, 'png'> {
  /** 1-based, in the file. */
  pageNo: number;
  imageKey: string;
  marks: PageMarks;
}

/** A page of a split in parts (split_pages): made once its image is stored. */
export interface SplitPageRow {
  pageNo: number;
  rangeStart: number;
  made: StoredPage | null;
}

/**
 * Plans a split in parts: one row per page of the file, in ranges of `perJob` pages (a range's
 * first page is its page step's page number). Planning again adds nothing.
 */
export async function planSplit(q: Queryable, documentId: string, pages: number, perJob: number): Promise<void> {
  await q.query(
    `INSERT INTO split_pages (document_id, page_no, range_start)
     SELECT $1, g, ((g - 1) / $3) * $3 + 1 FROM generate_series(1, $2::int) g
     ON CONFLICT DO NOTHING`,
    [documentId, pages, perJob],
  );
}

const toRow = (r: Record<string, any>): SplitPageRow => ({
  pageNo: r.page_no,
  rangeStart: r.range_start,
  made: r.made_at
    ? {
        pageNo: r.page_no, imageKey: r.image_key, width: r.width, height: r.height, dpi: r.dpi, marks: r.marks,
        ...(r.source ? { source: r.source } : {}), ...(r.notes ? { notes: r.notes as string[] } : {}), ...(r.page_text ? { text: r.page_text as PageText } : {}),
      }
    : null,
});

/** Every page of a split in parts, in order (none: the file was not split in parts). */
export async function listSplitPages(q: Queryable, documentId: string): Promise<SplitPageRow[]> {
  const { rows } = await q.query('SELECT * FROM split_pages WHERE document_id = $1 ORDER BY page_no', [documentId]);
  return rows.map(toRow);
}

/** The pages of one range. */
export async function rangePages(q: Queryable, documentId: string, rangeStart: number): Promise<SplitPageRow[]> {
  const { rows } = await q.query('SELECT * FROM split_pages WHERE document_id = $1 AND range_start = $2 ORDER BY page_no', [documentId, rangeStart]);
  return rows.map(toRow);
}

/** A range's pages are made: their images are stored (the page step's own writes, in the runner's transaction). */
export async function markMade(q: Queryable, documentId: string, pages: StoredPage[]): Promise<void> {
  if (pages.length === 0) return;
  await q.query(
    `UPDATE split_pages s SET image_key = p.image_key, width = p.width, height = p.height, dpi = p.dpi, source = p.source,
       notes = p.notes, page_text = p.page_text, marks = p.marks, made_at = now()
     FROM jsonb_to_recordset($2::jsonb) AS p(page_no int, image_key text, width int, height int, dpi int, source text, notes jsonb, page_text jsonb, marks jsonb)
     WHERE s.document_id = $1 AND s.page_no = p.page_no`,
    [documentId, JSON.stringify(pages.map((p) => ({
      page_no: p.pageNo, image_key: p.imageKey, width: p.width, height: p.height, dpi: p.dpi, source: p.source ?? null,
      notes: p.notes ?? null, page_text: p.text ?? null, marks: p.marks,
    })))],
  );
}
