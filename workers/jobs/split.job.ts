import type { MediaType } from '../../pipeline/ingest/detect.ts';
import { extractPages } from '../../pipeline/pages/extract-pages.ts';
import { UnreadablePageError } from '../../pipeline/pages/page-image.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import { completeStage, getDocument } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { listPages, saveOcr, upsertPage } from '../../storage/repositories/pages.repository.ts';
import type { Context } from '../../app/context.ts';
import { sendToManual } from './manual.ts';
import { enqueueSplitOcr, splitIntoDocuments } from './segment.ts';

export async function splitJob(ctx: Context, { documentId }: DocumentJob): Promise<void> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new Error(`document ${documentId} not found`);
  if (!doc.splitAt) {
    const original = await ctx.store.get(doc.originalKey);
    let pages;
    try {
      pages = await extractPages(original, doc.mediaType as MediaType);
    } catch (err) {
      if (err instanceof UnreadablePageError) return sendToManual(ctx, documentId, 'split', err.message);
      throw err;
    }
    // Cover sheets and separator sheets: one file may become several documents (workers/jobs/segment.ts).
    if (await splitIntoDocuments(ctx, doc, pages)) return;
    for (const [i, page] of pages.entries()) {
      const key = `pages/${documentId}/${i + 1}.png`;
      await ctx.store.put(key, page.png, 'image/png');
      await upsertPage(ctx.db, { documentId, pageNo: i + 1, imageKey: key, width: page.width, height: page.height, dpi: page.dpi });
      // Born-digital page: the PDF's own text, no OCR (the ocr job skips pages already read).
      if (page.text) await saveOcr(ctx.db, documentId, i + 1, { text: page.text.text, confidence: 100, ms: 0, status: 'pdf-text', words: page.text.words, attempts: 0 });
    }
    await inTransaction(ctx.db, async (tx) => {
      if (await completeStage(tx, documentId, 'split_at', { pageCount: pages.length, stage: 'ocr' })) {
        await appendEvent(tx, documentId, 'split', { pages: pages.length, dpi: pages.map((p) => p.dpi) });
      }
    });
  }
  // Re-enqueueing is harmless (job ids are per page), so a retry after a crash here is safe.
  // The header read for routing goes first; full-text OCR of every page follows.
  await ctx.queues.enqueue('header', { documentId });
  for (const page of await listPages(ctx.db, documentId)) {
    if (!page.ocrAt) await ctx.queues.enqueue('ocr', { documentId, pageNo: page.pageNo });
  }
  await enqueueSplitOcr(ctx, documentId);
}
