import { cleanForOcr } from '../../pipeline/pages/clean.ts';
import type { PageJob } from '../../pipeline/stages.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import { completeStage } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { getPage, listPages, saveOcr } from '../../storage/repositories/pages.repository.ts';
import type { Context } from '../context.ts';

export async function ocrJob(ctx: Context, { documentId, pageNo }: PageJob): Promise<void> {
  const page = await getPage(ctx.db, documentId, pageNo);
  if (!page) throw new Error(`page ${pageNo} of ${documentId} not found`);
  let remaining = 0;
  if (!page.ocrAt) {
    const image = await cleanForOcr(await ctx.store.get(page.imageKey));
    const result = await (await ctx.ocr()).recognize(image, page.dpi);
    remaining = await saveOcr(ctx.db, documentId, pageNo, result);
    ctx.log.debug({ documentId, pageNo, ms: result.ms, confidence: Math.round(result.confidence) }, 'page read');
  } else {
    remaining = (await listPages(ctx.db, documentId)).filter((p) => !p.ocrAt).length;
  }
  if (remaining > 0) return;
  // Last page read: whichever page job gets here first records it; identify is enqueued idempotently.
  const pages = await listPages(ctx.db, documentId);
  await inTransaction(ctx.db, async (tx) => {
    if (await completeStage(tx, documentId, 'ocr_at', { stage: 'identify' })) {
      const mean = pages.reduce((s, p) => s + (p.confidence ?? 0), 0) / pages.length;
      await appendEvent(tx, documentId, 'ocr-done', {
        pages: pages.length,
        meanConfidence: Math.round(mean),
        ms: pages.reduce((s, p) => s + (p.ocrMs ?? 0), 0),
      });
    }
  });
  await ctx.queues.enqueue('identify', { documentId });
}
