import type { MediaType } from '../../pipeline/ingest/detect.ts';
import { extractPages } from '../../pipeline/pages/extract-pages.ts';
import { UnreadablePageError } from '../../pipeline/pages/page-image.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import { completeStage, getDocument } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { listPages, upsertPage } from '../../storage/repositories/pages.repository.ts';
import type { Context } from '../context.ts';
import { sendToManual } from './manual.ts';

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
    for (const [i, page] of pages.entries()) {
      const key = `pages/${documentId}/${i + 1}.png`;
      await ctx.store.put(key, page.png, 'image/png');
      await upsertPage(ctx.db, { documentId, pageNo: i + 1, imageKey: key, width: page.width, height: page.height, dpi: page.dpi });
    }
    await inTransaction(ctx.db, async (tx) => {
      if (await completeStage(tx, documentId, 'split_at', { pageCount: pages.length, stage: 'ocr' })) {
        await appendEvent(tx, documentId, 'split', { pages: pages.length, dpi: pages.map((p) => p.dpi) });
      }
    });
  }
  // Re-enqueueing is harmless (job ids are per page), so a retry after a crash here is safe.
  for (const page of await listPages(ctx.db, documentId)) {
    if (!page.ocrAt) await ctx.queues.enqueue('ocr', { documentId, pageNo: page.pageNo });
  }
}
