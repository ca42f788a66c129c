import { readPageMarks, type PageMarks } from '../../pipeline/foersteside/barcode.ts';
import type { PageImage } from '../../pipeline/pages/page-image.ts';
import { segmentPages, type Segment } from '../../pipeline/segment/segment.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import { completeStage, type DocumentRow } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { listPages, saveOcr, upsertPage } from '../../storage/repositories/pages.repository.ts';
import { ensureSplitDocuments, getSegmentInfo, listSplitDocuments, setSegmentInfo } from '../../storage/repositories/segments.repository.ts';
import type { Context } from '../../app/context.ts';
import { sendToManual } from './manual.ts';

/**
 * Part of the split stage: reads the page barcodes; a loose file (no vendor XML) holding cover
 * sheets or separator sheets becomes one document per segment. Returns true when it has done
 * the split stage's work itself (stored pages, stamped the stage, queued OCR).
 */
export async function splitIntoDocuments(ctx: Context, doc: DocumentRow, pages: PageImage[]): Promise<boolean> {
  const marks: PageMarks[] = [];
  for (const p of pages) marks.push(await readPageMarks(p.png));
  const vendor = doc.vendorMetadata !== null;
  const segments: Segment[] = vendor
    ? [{ pages: pages.map((_, i) => i), coverSheet: marks.find((m) => m.coverSheet)?.coverSheet ?? null, startedBy: 'start' }]
    : segmentPages(marks);
  if (segments.length === 0) {
    await sendToManual(ctx, doc.id, 'split', 'only separator sheets in the file');
    return true;
  }
  const single = segments.length === 1 && segments[0]!.pages.length === pages.length;
  if (single && !segments[0]!.coverSheet) return false;

  const children = await inTransaction(ctx.db, async (tx) => {
    const made = await ensureSplitDocuments(tx, doc, segments.length);
    for (const [k, c] of made.entries()) {
      if (c.created) {
        await appendEvent(tx, c.id, 'received', { batchId: doc.batchId, splitFrom: doc.id, sourcePages: segments[k + 1]!.pages.map((i) => i + 1) });
      }
    }
    return made;
  });
  const ids = [doc.id, ...children.map((c) => c.id)];
  for (const [k, seg] of segments.entries()) {
    const id = ids[k]!;
    for (const [n, i] of seg.pages.entries()) {
      const page = pages[i]!;
      const key = `pages/${id}/${n + 1}.png`;
      await ctx.store.put(key, page.png, 'image/png');
      await upsertPage(ctx.db, { documentId: id, pageNo: n + 1, imageKey: key, width: page.width, height: page.height, dpi: page.dpi });
      // Born-digital page: its own text, as split.job stores it (the ocr job skips pages already read).
      if (page.text) await saveOcr(ctx.db, id, n + 1, { text: page.text.text, confidence: 100, ms: 0, status: 'pdf-text', words: page.text.words, attempts: 0 });
    }
    const coverAt = seg.coverSheet ? seg.pages.findIndex((i) => marks[i]!.coverSheet === seg.coverSheet) : -1;
    await inTransaction(ctx.db, async (tx) => {
      await setSegmentInfo(tx, id, {
        coverSheet: seg.coverSheet,
        coverSheetPage: coverAt >= 0 ? coverAt + 1 : null,
        splitFrom: k === 0 ? null : doc.id,
        sourcePages: seg.pages.map((i) => i + 1),
      });
      if (await completeStage(tx, id, 'split_at', { pageCount: seg.pages.length, stage: 'ocr' })) {
        await appendEvent(tx, id, 'split', {
          pages: seg.pages.length,
          sourcePages: seg.pages.map((i) => i + 1),
          coverSheet: seg.coverSheet,
          ...(k === 0 && segments.length > 1 ? { documents: segments.length, splitInto: ids } : {}),
        });
      }
    });
  }
  await enqueueSplitOcr(ctx, doc.id);
  return true;
}

/** Queues the header read and OCR for a split file's documents (safe to repeat: job ids are per document and page). */
export async function enqueueSplitOcr(ctx: Context, parentId: string): Promise<void> {
  const children = await listSplitDocuments(ctx.db, parentId);
  if (children.length === 0 && !(await getSegmentInfo(ctx.db, parentId))?.coverSheet) return; // not split here: split.job queues it
  for (const id of [parentId, ...children]) {
    await ctx.queues.enqueue('header', { documentId: id });
    for (const page of await listPages(ctx.db, id)) if (!page.ocrAt) await ctx.queues.enqueue('ocr', { documentId: id, pageNo: page.pageNo });
  }
}
