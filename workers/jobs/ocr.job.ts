import { classify } from '../../pipeline/identify/classify.ts';
import { possibleIds } from '../../pipeline/identify/person-id.ts';
import { OcrTimeoutError } from '../../pipeline/ocr/ocr-engine.ts';
import { readHeader, readPage } from '../../pipeline/ocr/read-page.ts';
import type { GreyRaster } from '../../pipeline/pages/analyse.ts';
import { uprightPage as uprightByText } from '../../pipeline/ocr/upright.ts';
import { encodePng, toGrey } from '../../pipeline/pages/normalise.ts';
import type { DocumentJob, PageJob } from '../../pipeline/stages.ts';
import type { SkanningMetadata } from '../../schemas/vendor-metadata.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import {
  countUnread, getPage, listPages, markHeaderRead, markOcrDone, saveHeader, saveNormalisation, saveOcr, type PageRow,
} from '../../storage/repositories/pages.repository.ts';
import type { Context } from '../../app/context.ts';
import { archiveJob } from './archive.job.ts';
import { vendorHints } from '../../pipeline/ingest/vendor-ocr.ts';

interface UprightPage {
  raster: GreyRaster;
  dpi: number;
  blank: boolean;
}

/**
 * The page upright and deskewed, with blank pages marked. Done once per page (by whichever of
 * the header and OCR jobs comes first); normalising is deterministic, so two runs racing store
 * the same image under the same key and the second database update is a no-op.
 */
async function uprightPage(ctx: Context, page: PageRow): Promise<UprightPage> {
  const image = await toGrey(await ctx.store.get(page.imageKey));
  if (page.normalisedAt) return { raster: image, dpi: page.dpi, blank: page.blank };
  const n = await uprightByText(await ctx.ocr(), image, page.dpi);
  let key = page.imageKey;
  if (n.orientation !== 0 || n.skew !== 0) {
    key = `pages/${page.documentId}/${page.pageNo}.upright.png`;
    await ctx.store.put(key, await encodePng(n.raster, n.dpi), 'image/png');
  }
  await saveNormalisation(ctx.db, page.documentId, page.pageNo, {
    imageKey: key, width: n.raster.width, height: n.raster.height, blank: n.blank, orientation: n.orientation, skew: n.skew,
  });
  return { raster: n.raster, dpi: n.dpi, blank: n.blank };
}

/** Pages whose header the fast path reads. */
const HEADER_PAGES = 2;

/**
 * Routing fast path: reads only the header and footer of the first page (and the second, if the
 * first did not name both person and form or tema), ahead of full-text pages, and starts
 * identify as soon as that is enough. Otherwise identify waits for the full text (ocr job).
 */
export async function headerJob(ctx: Context, { documentId }: DocumentJob): Promise<void> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new Error(`document ${documentId} not found`);
  if (doc.status === 'manual' || doc.identifiedAt || !doc.splitAt) return;
  const pages = await listPages(ctx.db, documentId);
  const texts: string[] = [];
  let read = 0;
  let ms = 0;
  let enough = false;
  const vendor = vendorHints(doc.vendorMetadata as SkanningMetadata | null);
  for (const page of pages.slice(0, HEADER_PAGES + 1)) {
    if (read >= HEADER_PAGES) break;
    let text: string;
    if (page.ocrStatus === 'pdf-text' || page.ocrStatus === 'done') {
      text = page.text ?? '';
    } else if (page.headerText !== null) {
      text = page.headerText;
    } else {
      const up = await uprightPage(ctx, page);
      if (up.blank) continue;
      try {
        const h = await readHeader(await ctx.ocr(), up.raster, up.dpi);
        await saveHeader(ctx.db, documentId, page.pageNo, h);
        text = h.text;
        ms += h.ms;
      } catch (err) {
        if (!(err instanceof OcrTimeoutError)) throw err;
        break; // the full-text path (with its retry) takes over
      }
    }
    read++;
    texts.push(text);
    const known = await ctx.persons.lookup(possibleIds(texts.join('\n')));
    const c = classify({
      pageTexts: texts,
      vendor,
      forms: ctx.reference.forms,
      temaCodes: new Set(ctx.reference.tema.keys()),
      isKnownPerson: (id) => known.has(id),
    });
    if (c.personId && c.tema !== 'UKJ' && !c.needsManual) {
      enough = true;
      break;
    }
  }
  // Queue identify before stamping: a crash in between only repeats the header read.
  if (enough) await ctx.queues.enqueue('identify', { documentId });
  await markHeaderRead(ctx.db, documentId);
  ctx.log.debug({ documentId, pages: read, ms: Math.round(ms), enough }, 'header read');
  // A born-digital document has every page's text from the split already: no ocr job will come.
  await finishOcr(ctx, documentId);
}

/** Full-text OCR of one page; the last page to finish hands the document on. */
export async function ocrJob(ctx: Context, { documentId, pageNo }: PageJob): Promise<void> {
  const page = await getPage(ctx.db, documentId, pageNo);
  if (!page) throw new Error(`page ${pageNo} of ${documentId} not found`);
  // Documents made by splitting a file on cover sheets get their header read this way too.
  if (pageNo === 1) await ctx.queues.enqueue('header', { documentId });
  if (!page.ocrAt) {
    const up = await uprightPage(ctx, page);
    if (up.blank) {
      await saveOcr(ctx.db, documentId, pageNo, { text: '', confidence: null, ms: 0, status: 'blank', attempts: 0 });
    } else {
      const r = await readPage(await ctx.ocr(), up.raster, up.dpi, { textPdf: true });
      let textPdfKey: string | null = null;
      if (r.textPdf) {
        textPdfKey = `pages/${documentId}/${pageNo}.text.pdf`;
        await ctx.store.put(textPdfKey, r.textPdf, 'application/pdf');
      }
      await inTransaction(ctx.db, async (tx) => {
        await saveOcr(tx, documentId, pageNo, {
          text: r.text, confidence: r.confidence, ms: r.ms, status: r.status === 'ok' ? 'done' : 'manual', words: r.words,
          attempts: r.attempts, manualReason: r.reason ?? null, textPdfKey,
        });
        if (r.status === 'manual') await appendEvent(tx, documentId, 'page-needs-manual', { pageNo, reason: r.reason, attempts: r.attempts });
      });
      ctx.log.debug({ documentId, pageNo, ms: r.ms, attempts: r.attempts, status: r.status, confidence: Math.round(r.confidence ?? 0) }, 'page read');
    }
  }
  await finishOcr(ctx, documentId);
}

/** When every page has its text: stamp OCR done, start identify, and build the archive if routing was first. */
async function finishOcr(ctx: Context, documentId: string): Promise<void> {
  if ((await countUnread(ctx.db, documentId)) > 0) return;
  // Last page read: whichever job gets here first records it; the rest is idempotent.
  const pages = await listPages(ctx.db, documentId);
  await inTransaction(ctx.db, async (tx) => {
    if (await markOcrDone(tx, documentId)) {
      const read = pages.filter((p) => p.ocrStatus === 'done');
      await appendEvent(tx, documentId, 'ocr-done', {
        pages: pages.length,
        meanConfidence: Math.round(read.reduce((s, p) => s + (p.confidence ?? 0), 0) / Math.max(1, read.length)),
        ms: pages.reduce((s, p) => s + (p.ocrMs ?? 0), 0),
        blank: pages.filter((p) => p.ocrStatus === 'blank').length,
        manual: pages.filter((p) => p.ocrStatus === 'manual').length,
        pdfText: pages.filter((p) => p.ocrStatus === 'pdf-text').length,
      });
    }
  });
  // Without a sufficient header read, identify starts now (a no-op if it ran already).
  await ctx.queues.enqueue('identify', { documentId });
  // Routing may have finished first: then the archive waited for this.
  const doc = await getDocument(ctx.db, documentId);
  if (doc?.routedAt && !doc.archivedAt) await archiveJob(ctx, { documentId });
}
