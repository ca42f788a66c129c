import type { MediaType } from '../../pipeline/ingest/detect.ts';
import { UnreadablePageError } from '../../pipeline/pages/page-image.ts';
import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { saveOcr, upsertPage } from '../../storage/repositories/pages.repository.ts';
import type { Context } from '../../app/context.ts';
import { splitIntoDocuments, storePages } from './segment.ts';

/** Pages out of the original; a file with cover or separator sheets becomes several documents (segment.ts). */
export async function splitJob(ctx: Context, { documentId }: DocumentJob): Promise<Outcome> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new FunctionalError(`dokumentet ${documentId} finnes ikke`);
  if (doc.splitAt) return { kind: 'done' };
  let pages;
  try {
    // One page at a time: each page image is stored as soon as it is made (bounded memory; a
    // file over the page cap or a stream over the limit is refused before any page is made).
    pages = await storePages(ctx, documentId, await ctx.store.get(doc.originalKey), doc.mediaType as MediaType);
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
