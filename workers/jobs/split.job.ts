import type { MediaType } from '../../pipeline/ingest/detect.ts';
import { pageCount } from '../../pipeline/pages/extract-pages.ts';
import { UnreadablePageError } from '../../pipeline/pages/page-image.ts';
import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import type { Tx } from '../../storage/db/pool.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { saveOcr, upsertPage } from '../../storage/repositories/pages.repository.ts';
import { listSplitPages, planSplit, type StoredPage } from '../../storage/repositories/split-pages.repository.ts';
import type { Context } from '../../app/context.ts';
import { limitsOf, splitIntoDocuments, storePages } from './segment.ts';

/**
 * Pages out of the original; a file with cover or separator sheets becomes several documents
 * (segment.ts). A file of more than SPLIT_PAGES_PER_JOB pages is split in parts: this job only
 * counts its pages (the page cap and stream limits apply before anything is decoded) and the
 * `page` jobs make the images, a range each; the last of them runs split again, which then makes
 * the documents from the stored pages.
 */
export async function splitJob(ctx: Context, { documentId }: DocumentJob): Promise<Outcome<Tx>> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new FunctionalError(`dokumentet ${documentId} finnes ikke`);
  if (doc.splitAt) return { kind: 'done' };
  let pages: StoredPage[];
  try {
    const planned = await listSplitPages(ctx.db, documentId);
    if (planned.length > 0) {
      // Split again by the last page job; asked too early (a repeat), the page jobs still run.
      if (planned.some((p) => !p.made)) return { kind: 'in-parts', write: async () => {} };
      pages = planned.map((p) => p.made!);
    } else {
      const original = await ctx.store.get(doc.originalKey);
      // Parsed once: page jobs of this file that run in this process make their pages from it.
      const count = await pageCount(original, doc.mediaType as MediaType, limitsOf(ctx), doc.originalKey);
      if (count > ctx.config.SPLIT_PAGES_PER_JOB) {
        return { kind: 'in-parts', write: (tx) => planSplit(tx, documentId, count, ctx.config.SPLIT_PAGES_PER_JOB) };
      }
      // One page at a time: each page image is stored as soon as it is made (bounded memory).
      pages = await storePages(ctx, documentId, original, doc.mediaType as MediaType, undefined, doc.originalKey);
    }
  } catch (err) {
    if (err instanceof UnreadablePageError) throw new FunctionalError(err.message);
    throw err;
  }
  const segmented = await splitIntoDocuments(ctx, doc, pages);
  if (segmented) return segmented;
  // Pages are stored before the stage is stamped: a crash in between only repeats this (same keys, upserts).
  for (const [i, page] of pages.entries()) {
    await upsertPage(ctx.db, { documentId, pageNo: i + 1, imageKey: page.imageKey, width: page.width, height: page.height, dpi: page.dpi });
    // Born-digital page: the PDF's own text, no OCR (the stage table starts OCR only for pages not read).
    if (page.text) await saveOcr(ctx.db, documentId, i + 1, { text: page.text.text, confidence: 100, ms: 0, status: 'pdf-text', words: page.text.words, attempts: 0 });
  }
  return {
    kind: 'done',
    fields: { pageCount: pages.length },
    events: [{ type: 'split', detail: { pages: pages.length, dpi: pages.map((p) => p.dpi) } }],
  };
}
