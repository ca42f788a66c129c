import { histogram, inkThreshold, type GreyRaster, type Orientation } from '../pages/analyse.ts';
import { cleanRaster } from '../pages/clean.ts';
import { normalisePage, rotateRaster, type NormalisedPage } from '../pages/normalise.ts';
import type { Word } from '../pages/page-image.ts';
import { cappedOcrScale, OCR_DPI, pageGlyphHeight, readPage, withIdRescue, type PageRead } from './read-page.ts';
import { OcrTimeoutError, type OcrEngine } from './ocr-engine.ts';
import { textScore } from './text-score.ts';

export { textScore } from './text-score.ts';

/**
 * Orientation decided by the page's text. The layout analysis (pages/analyse.ts) finds the
 * direction of the text lines well, but its up/down vote (ascender against descender ink) is
 * fooled by forms (boxes, digits, capitals) and by heavy noise. When that vote is not clearly
 * sure, a band of the page is read in both directions (and sideways, when the line direction is
 * in doubt too) and the reading with more real words wins. Upright pages the vote is sure of
 * cost nothing extra; a page is never turned on the vote alone.
 */

/** Up/down votes at least this sure (|ln(ascender / descender ink)|) are taken without reading. */
export const SURE_ORIENTATION = 0.55;
/** Share of the page height read for each probe. */
const BAND = 0.16;

export interface UprightPage extends NormalisedPage {
  /** The text decided the orientation (the vote alone was not sure). */
  probed: boolean;
}

/** The rows (from, to) of the band with the most ink-to-paper changes: the densest text. */
export function densestBand(r: GreyRaster, share: number, dpi: number): [number, number] {
  const thr = inkThreshold(histogram(r.data)) + 1;
  const { width: w, height: h, data } = r;
  const margin = Math.round(w * 0.03);
  const rows = new Float64Array(h);
  const step = Math.max(1, Math.floor(h / 800));
  for (let y = 0; y < h; y += step) {
    let t = 0;
    let prev = false;
    const row = y * w;
    for (let x = margin; x < w - margin; x++) {
      const ink = data[row + x]! < thr;
      if (ink !== prev) t++;
      prev = ink;
    }
    for (let k = 0; k < step && y + k < h; k++) rows[y + k] = t;
  }
  // At least two inches: a band of a small page must still hold a few lines.
  const bh = Math.min(h, Math.max(1, Math.round(h * share), Math.round(2 * dpi)));
  let sum = 0;
  for (let y = 0; y < bh; y++) sum += rows[y]!;
  let best = sum;
  let at = 0;
  for (let y = bh; y < h; y++) {
    sum += rows[y]! - rows[y - bh]!;
    if (sum > best) {
      best = sum;
      at = y - bh + 1;
    }
  }
  return [at, at + bh];
}

/** A probe that scores below this read no line of print either way (a line of text scores 40-100). */
const NOTHING_READ = 20;

/** densestBand of the page as cleaned for OCR (screen, grain and ruling removed), in the page's rows. */
export async function printBand(r: GreyRaster, dpi: number): Promise<[number, number]> {
  const c = await cleanRaster(r, dpi, 'normal', OCR_DPI, cappedOcrScale(dpi, await pageGlyphHeight(r, dpi), r.width * r.height));
  const grey = Buffer.alloc(c.width * c.height, 255);
  const rowBytes = Math.ceil(c.width / 8);
  const at = c.pbm.length - rowBytes * c.height;
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) if (c.pbm[at + y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7))) grey[y * c.width + x] = 0;
  }
  const [f, t] = densestBand({ data: grey, width: c.width, height: c.height }, BAND, c.dpi);
  const k = r.height / c.height;
  return [Math.max(0, Math.round(f * k)), Math.min(r.height, Math.round(t * k))];
}

function band(r: GreyRaster, from: number, to: number): GreyRaster {
  return { data: r.data.subarray(from * r.width, to * r.width), width: r.width, height: to - from };
}

function halfTurn(r: GreyRaster): GreyRaster {
  const data = Buffer.from(r.data);
  data.reverse();
  return { data, width: r.width, height: r.height };
}

async function probe(engine: OcrEngine, r: GreyRaster, dpi: number): Promise<number> {
  const c = await cleanRaster(r, dpi, 'normal', OCR_DPI, cappedOcrScale(dpi, await pageGlyphHeight(r, dpi), r.width * r.height));
  // One uniform block: in automatic layout mode tesseract reads sideways lines as vertical text,
  // which would make a page turned 90 degrees look as good as an upright one.
  try {
    const res = await engine.recognize(c.pbm, { dpi: c.dpi, priority: 'high', psm: '6' });
    return textScore(res.words);
  } catch (err) {
    // A probe over the time limit reads as nothing; the page's own read has its retry.
    if (err instanceof OcrTimeoutError) return 0;
    throw err;
  }
}

/**
 * A full reading that shows its page is upright: at least 20 words of three or more letters read
 * with confidence 80 or more, laid out as horizontal lines, holding at least 40 % of the
 * letters read. Upside-down print reads as short, unsure fragments (at most 14 such words and
 * 13 % of the letters on the pages measured); a sideways page that tesseract's automatic layout
 * reads as vertical text gives confident words in boxes taller than wide, which do not count.
 */
export function readsUpright(words: Word[]): boolean {
  let letters = 0;
  let good = 0;
  let goodWords = 0;
  let tall = 0;
  for (const w of words) {
    const l = w.text.replace(/[^\p{L}\p{N}]/gu, '');
    if (l.length < 2) continue;
    letters += l.length;
    if (l.length < 3 || !/^\p{L}+$/u.test(l) || w.conf < 80) continue;
    if (w.y1 - w.y0 > w.x1 - w.x0) tall++;
    else {
      good += l.length;
      goodWords++;
    }
  }
  return goodWords >= 20 && good >= letters * 0.4 && tall * 10 <= goodWords;
}

/** The up/down (and sideways) decision by reading bands of the page, when the vote is unsure. */
async function decideByText(engine: OcrEngine, n: NormalisedPage): Promise<UprightPage> {
  let [from, to] = densestBand(n.raster, BAND, n.dpi);
  let b = band(n.raster, from, to);
  let asIs = await probe(engine, b, n.dpi);
  let flipped = await probe(engine, halfTurn(b), n.dpi);
  if (Math.max(asIs, flipped) < NOTHING_READ) {
    // The band with the most ink-to-paper changes held no print: a tint's dot screen or heavy
    // grain has more changes than text. Choose the band again on the page as cleaned for OCR,
    // where the screen and grain are gone, and probe that band too.
    const [f2, t2] = await printBand(n.raster, n.dpi);
    if (Math.abs(f2 - from) > (to - from) / 2) {
      const b2 = band(n.raster, f2, t2);
      const asIs2 = await probe(engine, b2, n.dpi);
      const flipped2 = await probe(engine, halfTurn(b2), n.dpi);
      // The band that reads more decides.
      if (Math.max(asIs2, flipped2) > Math.max(asIs, flipped)) [from, to, b, asIs, flipped] = [f2, t2, b2, asIs2, flipped2];
    }
  }
  let best = { turn: 0, score: asIs };
  if (flipped > asIs) best = { turn: 180, score: flipped };
  // Neither direction reads like text: the lines may run the other way.
  if (best.score < 40) {
    const side = await rotateRaster(n.raster, 90);
    const [f2, t2] = densestBand(side, BAND, n.dpi);
    const sb = band(side, f2, t2);
    const s90 = await probe(engine, sb, n.dpi);
    const s270 = await probe(engine, halfTurn(sb), n.dpi);
    // Sideways only when that reads clearly better: a page with one short line (a picture and
    // its caption) reads little either way, and garbage must not win by a hair.
    const enough = (x: number) => x >= 20 && x > best.score * 2;
    if (enough(s90) && s90 >= s270) best = { turn: 90, score: s90 };
    else if (enough(s270)) best = { turn: 270, score: s270 };
  }
  if (best.turn === 0) return { ...n, probed: true };
  const raster = await rotateRaster(n.raster, best.turn);
  const orientation = (((n.orientation + best.turn) % 360) as Orientation);
  return { ...n, raster, orientation, probed: true };
}

/** A vote this sure of upright is taken without reading. */
const voteSure = (n: NormalisedPage) => n.orientation === 0 && n.orientationConfidence >= SURE_ORIENTATION;

/**
 * The page upright and deskewed (pages/normalise.ts), with the up/down decision checked by
 * reading when the layout vote is unsure. `probed` tells whether it was.
 */
export async function uprightPage(engine: OcrEngine, page: GreyRaster, dpi: number): Promise<UprightPage> {
  const n = await normalisePage(page, dpi);
  // An upright page the vote is sure of is taken as it is: the common case costs nothing. A turn
  // is never made on the vote alone (a chart, a form or a page of capitals can fool it).
  if (n.blank || voteSure(n)) return { ...n, probed: false };
  return decideByText(engine, n);
}

export interface UprightRead {
  page: UprightPage;
  /** The full reading of the upright page; null for a blank page. */
  read: PageRead | null;
}

/**
 * The page made upright and read in full, with one reading where the page allows: when the
 * layout vote is unsure or wants a turn, the page is read in the vote's direction first and
 * that reading is kept if it clearly reads as upright text (readsUpright). Only otherwise are
 * bands read both ways (uprightPage's check), and the page read again if that turns it. Most
 * turned pages thus cost one reading instead of two band probes and a reading.
 */
export async function readUprightPage(engine: OcrEngine, page: GreyRaster, dpi: number, opts: { textPdf?: boolean } = {}): Promise<UprightRead> {
  const n = await normalisePage(page, dpi);
  if (n.blank) return { page: { ...n, probed: false }, read: null };
  if (voteSure(n)) return { page: { ...n, probed: false }, read: await readPage(engine, n.raster, n.dpi, opts) };
  // The id is read again (readPage's rescue) only on the reading that is kept, never on a page
  // still upside down.
  const first = await readPage(engine, n.raster, n.dpi, { ...opts, rescue: false });
  const kept = async (): Promise<PageRead> => {
    const started = performance.now();
    const text = await withIdRescue(engine, n.raster, n.dpi, first);
    return { ...first, text, ms: first.ms + Math.round(performance.now() - started) };
  };
  if (first.status === 'ok' && readsUpright(first.words)) return { page: { ...n, probed: true }, read: await kept() };
  const up = await decideByText(engine, n);
  if (up.orientation === n.orientation) return { page: up, read: await kept() };
  return { page: up, read: await readPage(engine, up.raster, up.dpi, opts) };
}
