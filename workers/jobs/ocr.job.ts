import { classify } from '../../pipeline/identify/classify.ts';
import { possibleIds } from '../../pipeline/identify/person-id.ts';
import { OcrTimeoutError } from '../../pipeline/ocr/ocr-engine.ts';
import { readHeader, readPage } from '../../pipeline/ocr/read-page.ts';
import type { GreyRaster } from '../../pipeline/pages/analyse.ts';
import { uprightPage as uprightByText } from '../../pipeline/ocr/upright.ts';
import { encodePng, toGrey } from '../../pipeline/pages/normalise.ts';
import type { DocumentJob, PageJob } from '../../pipeline/stages.ts';
import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { SkanningMetadata } from '../../schemas/vendor-metadata.ts';
import type { Tx } from '../../storage/db/pool.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import {
  getPage, listPages, saveHeader, saveNormalisation, saveOcr, type PageRow,
} from '../../storage/repositories/pages.repository.ts';
import type { Context } from '../../app/context.ts';
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
 * first did not name both person and form or tema), ahead of full-text pages; `enough` starts
 * identify at once. Otherwise identify waits for the full text. Always ends done, so the header
 * stamp (`header_at`) is set even when there was nothing left to read (identified already, or
 * waiting for a person): "what is missing" queries must not see a gap there.
 */
export async function headerJob(ctx: Context, { documentId }: DocumentJob): Promise<Outcome> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new FunctionalError(`dokumentet ${documentId} finnes ikke`);
  if (doc.status === 'manual' || doc.identifiedAt || doc.headerAt) return { kind: 'done', enough: false };
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
  ctx.log.debug({ documentId, pages: read, ms: Math.round(ms), enough }, 'header read');
  return { kind: 'done', enough };
}

/** Full-text OCR of one page; the runner completes the document's OCR when the last page is in. */
export async function ocrJob(ctx: Context, { documentId, pageNo }: PageJob): Promise<Outcome<Tx>> {
  const page = await getPage(ctx.db, documentId, pageNo);
  // A person moved the page to another document (split or merge): it is read there.
  if (!page) return { kind: 'wait', for: 'the page in its new document' };
  if (page.ocrAt) return { kind: 'done' };
  const up = await uprightPage(ctx, page);
  if (up.blank) {
    return { kind: 'done', write: async (tx) => { await saveOcr(tx, documentId, pageNo, { text: '', confidence: null, ms: 0, status: 'blank', attempts: 0 }); } };
  }
  const r = await readPage(await ctx.ocr(), up.raster, up.dpi, { textPdf: true });
  let textPdfKey: string | null = null;
  if (r.textPdf) {
    textPdfKey = `pages/${documentId}/${pageNo}.text.pdf`;
    await ctx.store.put(textPdfKey, r.textPdf, 'application/pdf');
  }
  ctx.log.debug({ documentId, pageNo, ms: r.ms, attempts: r.attempts, status: r.status, confidence: Math.round(r.confidence ?? 0) }, 'page read');
  return {
    kind: 'done',
    events: r.status === 'manual' ? [{ type: 'page-needs-manual', detail: { pageNo, reason: r.reason, attempts: r.attempts } }] : [],
    write: async (tx) => {
      await saveOcr(tx, documentId, pageNo, {
        text: r.text, confidence: r.confidence, ms: r.ms, status: r.status === 'ok' ? 'done' : 'manual', words: r.words,
        attempts: r.attempts, manualReason: r.reason ?? null, textPdfKey,
      });
    },
  };
}
