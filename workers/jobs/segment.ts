import { readPageMarks } from '../../pipeline/foersteside/barcode.ts';
import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { MediaType } from '../../pipeline/ingest/detect.ts';
import { pageImages } from '../../pipeline/pages/extract-pages.ts';
import type { FileBytes, PageRange } from '../../pipeline/pages/pdf-images.ts';
import { segmentPages, type Segment } from '../../pipeline/segment/segment.ts';
import { inTransaction, type Tx } from '../../storage/db/pool.ts';
import type { DocumentRow } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { saveOcr, upsertPage } from '../../storage/repositories/pages.repository.ts';
import { ensureSplitDocuments, setSegmentInfo } from '../../storage/repositories/segments.repository.ts';
import type { StoredPage } from '../../storage/repositories/split-pages.repository.ts';
import type { Context } from '../../app/context.ts';

/** The configured decode limits (stream size, page cap). */
export const limitsOf = (ctx: Context) => ({ maxStreamBytes: ctx.config.MAX_STREAM_BYTES, maxPages: ctx.config.MAX_PAGES_PER_FILE });

/**
 * Makes the file's page images (or a range's) one at a time, stores each at once and reads its
 * barcodes, so a 2 000-page file never holds more than one page image (the configured limits apply).
 */
export async function storePages(ctx: Context, documentId: string, original: FileBytes, mediaType: MediaType, range?: PageRange, shareAs?: string): Promise<StoredPage[]> {
  const out: StoredPage[] = [];
  let pageNo = range?.first ?? 1;
  for await (const { png, grey, ...page } of pageImages(original, mediaType, limitsOf(ctx), range, shareAs)) {
    const imageKey = `pages/${documentId}/${pageNo}.png`;
    await ctx.store.put(imageKey, png, 'image/png');
    out.push({ ...page, pageNo: pageNo++, imageKey, marks: await readPageMarks(grey ?? png) });
    ctx.metrics.pages.inc({ stage: 'split' });
  }
  return out;
}

/**
 * Part of the split stage: reads the page barcodes; a loose file (no vendor XML) holding cover
 * sheets or separator sheets becomes one document per segment. Returns the split's outcome with
 * every document made (the runner stamps each and starts their reading: the fan-out), or null
 * when the file is one plain document.
 */
export async function splitIntoDocuments(ctx: Context, doc: DocumentRow, pages: StoredPage[]): Promise<Outcome<Tx> | null> {
  const marks = pages.map((p) => p.marks);
  const vendor = doc.vendorMetadata !== null;
  const segments: Segment[] = vendor
    ? [{ pages: pages.map((_, i) => i), coverSheet: marks.find((m) => m.coverSheet)?.coverSheet ?? null, startedBy: 'start' }]
    : segmentPages(marks);
  if (segments.length === 0) throw new FunctionalError('only separator sheets in the file');
  const single = segments.length === 1 && segments[0]!.pages.length === pages.length;
  if (single && !segments[0]!.coverSheet) return null;

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
      // The image stays where storePages put it (under the file's first document): no copy.
      await upsertPage(ctx.db, { documentId: id, pageNo: n + 1, imageKey: page.imageKey, width: page.width, height: page.height, dpi: page.dpi });
      // Born-digital page: its own text, as split.job stores it (OCR starts only for pages not read).
      if (page.text) await saveOcr(ctx.db, id, n + 1, { text: page.text.text, confidence: 100, ms: 0, status: 'pdf-text', words: page.text.words, attempts: 0 });
    }
  }
  const made = segments.map((seg, k) => ({
    documentId: ids[k]!,
    fields: { pageCount: seg.pages.length },
    events: [{
      type: 'split' as const,
      detail: {
        pages: seg.pages.length,
        sourcePages: seg.pages.map((i) => i + 1),
        coverSheet: seg.coverSheet,
        ...(k === 0 && segments.length > 1 ? { documents: segments.length, splitInto: ids } : {}),
      },
    }],
  }));
  return {
    kind: 'done',
    fields: made[0]!.fields,
    events: made[0]!.events,
    parts: made.slice(1),
    write: async (tx) => {
      for (const [k, seg] of segments.entries()) {
        const coverAt = seg.coverSheet ? seg.pages.findIndex((i) => marks[i]!.coverSheet === seg.coverSheet) : -1;
        await setSegmentInfo(tx, ids[k]!, {
          coverSheet: seg.coverSheet,
          coverSheetPage: coverAt >= 0 ? coverAt + 1 : null,
          splitFrom: k === 0 ? null : doc.id,
          sourcePages: seg.pages.map((i) => i + 1),
        });
      }
    },
  };
}
