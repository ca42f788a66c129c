import { classify } from '../../pipeline/identify/classify.ts';
import { possibleIds } from '../../pipeline/identify/person-id.ts';
import { readPage, type PageRead } from '../../pipeline/ocr/read-page.ts';
import { readUprightPage } from '../../pipeline/ocr/upright.ts';
import { encodePng, toGrey } from '../../pipeline/pages/normalise.ts';
import { FIRST_PAGES, type DocumentJob, type PageJob } from '../../pipeline/stages.ts';
import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { SkanningMetadata } from '../../schemas/vendor-metadata.ts';
import type { Tx } from '../../storage/db/pool.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import {
  getPage, listPages, saveNormalisation, saveOcr, type PageRow,
} from '../../storage/repositories/pages.repository.ts';
import type { Context } from '../../app/context.ts';
import { vendorHints } from '../../pipeline/ingest/vendor-ocr.ts';

/**
 * The page made upright and read in full, once (pipeline/ocr/upright.ts readUprightPage: the
 * orientation check reuses the page's own reading where it can). The upright image is stored
 * when it differs from the split's; a page normalised before (by an earlier attempt) is read as stored.
 */
async function readUpright(ctx: Context, page: PageRow): Promise<{ blank: boolean; read: PageRead | null }> {
  const image = await toGrey(await ctx.store.get(page.imageKey));
  const engine = await ctx.ocr();
  if (page.normalisedAt) return { blank: page.blank, read: page.blank ? null : await readPage(engine, image, page.dpi, { textPdf: true }) };
  const { page: n, read } = await readUprightPage(engine, image, page.dpi, { textPdf: true });
  let key = page.imageKey;
  if (n.orientation !== 0 || n.skew !== 0) {
    key = `pages/${page.documentId}/${page.pageNo}.upright.png`;
    await ctx.store.put(key, await encodePng(n.raster, n.dpi), 'image/png');
  }
  await saveNormalisation(ctx.db, page.documentId, page.pageNo, {
    imageKey: key, width: n.raster.width, height: n.raster.height, blank: n.blank, orientation: n.orientation, skew: n.skew,
  });
  return { blank: n.blank, read };
}

/**
 * Routing fast path: do the first pages (FIRST_PAGES, blank ones skipped) name the person and the
 * form or tema? Decided from text already there (full-text OCR, or a born-digital page's own
 * text); nothing is read here, so no page is read twice. `pending` pages (not read yet, or the
 * one being read now, given as its text) make the answer "not yet".
 */
async function firstPagesEnough(ctx: Context, documentId: string, justRead?: { pageNo: number; text: string | null; blank: boolean }): Promise<boolean> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc || doc.status === 'manual' || doc.identifiedAt) return false;
  const pages = await listPages(ctx.db, documentId);
  const texts: string[] = [];
  const vendor = vendorHints(doc.vendorMetadata as SkanningMetadata | null);
  for (const page of pages) {
    if (texts.length >= FIRST_PAGES) break;
    const now = justRead?.pageNo === page.pageNo ? justRead : null;
    if (now ? now.blank : page.ocrStatus === 'blank') continue;
    if (!now && !page.ocrAt) return false; // not read yet: its own ocr job asks again
    texts.push((now ? now.text : page.text) ?? '');
    const known = await ctx.persons.lookup(possibleIds(texts.join('\n')));
    const c = classify({
      pageTexts: texts,
      vendor,
      forms: ctx.reference.forms,
      temaCodes: new Set(ctx.reference.tema.keys()),
      isKnownPerson: (id) => known.has(id),
    });
    if (c.personId && c.tema !== 'UKJ' && !c.needsManual) return true;
  }
  return false;
}

/**
 * The fast path for text that needs no OCR (born-digital pages, or pages read already): `enough`
 * starts identify at once. Reads nothing; for scanned pages the ocr jobs of pages 1-2 decide the
 * same when they are done. Always ends done, so the header stamp (`header_at`) is set.
 */
export async function headerJob(ctx: Context, { documentId }: DocumentJob): Promise<Outcome> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new FunctionalError(`dokumentet ${documentId} finnes ikke`);
  if (doc.status === 'manual' || doc.identifiedAt || doc.headerAt) return { kind: 'done', enough: false };
  const enough = await firstPagesEnough(ctx, documentId);
  ctx.log.debug({ documentId, enough }, 'first pages decided (header)');
  return { kind: 'done', enough };
}

/** Full-text OCR of one page; pages 1-2 may start identify (`enough`); the runner completes the document's OCR when the last page is in. */
export async function ocrJob(ctx: Context, { documentId, pageNo }: PageJob): Promise<Outcome<Tx>> {
  const page = await getPage(ctx.db, documentId, pageNo);
  // A person moved the page to another document (split or merge): it is read there.
  if (!page) return { kind: 'wait', for: 'the page in its new document' };
  if (page.ocrAt) return { kind: 'done' };
  const { blank, read: r } = await readUpright(ctx, page);
  // A blank page or two among the first may push the deciding pages back.
  const decides = pageNo <= FIRST_PAGES + 2;
  if (blank || !r) {
    const enough = decides && (await firstPagesEnough(ctx, documentId, { pageNo, text: '', blank: true }));
    return { kind: 'done', enough, write: async (tx) => { await saveOcr(tx, documentId, pageNo, { text: '', confidence: null, ms: 0, status: 'blank', attempts: 0 }); } };
  }
  let textPdfKey: string | null = null;
  if (r.textPdf) {
    textPdfKey = `pages/${documentId}/${pageNo}.text.pdf`;
    await ctx.store.put(textPdfKey, r.textPdf, 'application/pdf');
  }
  const enough = decides && (await firstPagesEnough(ctx, documentId, { pageNo, text: r.text, blank: false }));
  ctx.log.debug({ documentId, pageNo, ms: r.ms, attempts: r.attempts, status: r.status, confidence: Math.round(r.confidence ?? 0), enough }, 'page read');
  return {
    kind: 'done',
    enough,
    events: r.status === 'manual' ? [{ type: 'page-needs-manual', detail: { pageNo, reason: r.reason, attempts: r.attempts } }] : [],
    write: async (tx) => {
      await saveOcr(tx, documentId, pageNo, {
        text: r.text, confidence: r.confidence, ms: r.ms, status: r.status === 'ok' ? 'done' : 'manual', words: r.words,
        attempts: r.attempts, manualReason: r.reason ?? null, textPdfKey,
      });
    },
  };
}
