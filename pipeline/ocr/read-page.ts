import sharp from 'sharp';
import { glyphHeight, type GreyRaster } from '../pages/analyse.ts';
import { cleanRaster, type CleanLevel } from '../pages/clean.ts';
import type { Word } from '../pages/page-image.ts';
import { findPersonIds, hasIdLabel, labelWithoutId } from '../identify/person-id.ts';
import { rescueId, type Bitmap } from './id-rescue.ts';
import { OcrTimeoutError, type OcrEngine } from './ocr-engine.ts';
import { textScore } from './text-score.ts';

export interface PageRead {
  /** ok: read; manual: hit the time limit twice (or failed), a person must look at it. */
  status: 'ok' | 'manual';
  text: string | null;
  confidence: number | null;
  words: Word[];
  textPdf?: Buffer;
  /** OCR time over all attempts. */
  ms: number;
  attempts: number;
  reason?: string;
  /** The clean-up level of the reading kept. */
  level?: CleanLevel;
}

/**
 * Resolution OCR works at: body text (8-12 pt) has an x-height of 11-16 px at 200 dpi, where
 * tesseract reads best; a 300 dpi scan only adds pixels for the layout analysis to wade through.
 */
export const OCR_DPI = 200;

/** Mean word confidence below which a page is read a second way (see readPage). */
const POOR_READING = 66;

/**
 * A reading with less text than this (textScore: about five sure words) is poor whatever its
 * confidence: print faded below the normal level's threshold (a bad copy) leaves a heading or two
 * read with full confidence and the rest of the page dropped.
 */
const LITTLE_TEXT = 25;

/** Median character height (pixels) tesseract reads best: 10-12 pt body text at OCR_DPI. */
const GLYPH_PX = 17;
/** Below or above these heights (after scaling by the stated resolution) the stated resolution is not believed. */
const GLYPH_MIN = 10;
const GLYPH_MAX = 48;

/**
 * Median character height of a page in its own pixels, measured on a copy about 1 200 px wide;
 * null (not measured) when the stated resolution is an ordinary scanner's and the page has an
 * ordinary paper size at it: then the resolution is believed as it is.
 */
export async function pageGlyphHeight(page: GreyRaster, dpi?: number, trustDpi = true): Promise<number | null> {
  if (trustDpi && dpi !== undefined && dpi >= 150 && dpi <= 400) {
    const longIn = Math.max(page.width, page.height) / dpi;
    if (longIn >= 5 && longIn <= 18) return null;
  }
  const k = Math.min(1, 1200 / page.width);
  if (k === 1) return glyphHeight(page);
  const { data, info } = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 1 } })
    .resize(Math.round(page.width * k), null, { kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const g = glyphHeight({ data, width: info.width, height: info.height });
  return g === null ? null : g / (info.width / page.width);
}

/**
 * How to scale a page for OCR: to OCR_DPI by its stated resolution, unless its print would then
 * be too small or too large to read (a wrong or missing resolution; very small or very large
 * print): then by the print itself, so the true resolution is never thrown away.
 */
export function ocrScale(dpi: number, glyphPx: number | null): { scale: number; dpi: number } {
  const byDpi = dpi > OCR_DPI * 1.15 ? OCR_DPI / dpi : 1;
  if (glyphPx === null) return { scale: byDpi, dpi: dpi * byDpi };
  const h = glyphPx * byDpi;
  if (h >= GLYPH_MIN && h <= GLYPH_MAX) return { scale: byDpi, dpi: dpi * byDpi };
  const scale = Math.min(3, GLYPH_PX / glyphPx);
  return { scale, dpi: OCR_DPI };
}

/** The print is larger than form text at its true resolution (ocrScale shrinks it by its glyphs). */
export function largePrint(dpi: number, glyphPx: number | null): boolean {
  const byDpi = dpi > OCR_DPI * 1.15 ? OCR_DPI / dpi : 1;
  return glyphPx !== null && glyphPx * byDpi > GLYPH_MAX;
}

interface OcrInput {
  image: Buffer;
  dpi: number;
  /** Page pixels per OCR pixel. */
  scale: number;
  width: number;
  height: number;
}

/**
 * Most pixels an OCR input may have: A3 at 200 dpi (7.8 megapixels) and a little more. A poster
 * page (enormous.pdf: 36 megapixels stored, 22 at 200 dpi) is read smaller, its print is large:
 * tesseract's memory grows with the image and its WASM heap never gives it back.
 */
export const OCR_MAX_PIXELS = 9_000_000;

/** ocrScale, and no more than OCR_MAX_PIXELS for the page's `pixels`. */
export function cappedOcrScale(dpi: number, glyphPx: number | null, pixels: number): { scale: number; dpi: number } {
  const s = ocrScale(dpi, glyphPx);
  const out = pixels * s.scale * s.scale;
  if (out <= OCR_MAX_PIXELS) return s;
  const k = Math.sqrt(OCR_MAX_PIXELS / out);
  return { scale: s.scale * k, dpi: s.dpi * k };
}

/** Cleaned OCR input, scaled as cappedOcrScale says, and the factor back to the page's pixels. */
async function ocrInput(page: GreyRaster, dpi: number, level: CleanLevel, glyphPx: number | null): Promise<OcrInput> {
  const s = cappedOcrScale(dpi, glyphPx, page.width * page.height);
  const c = await cleanRaster(page, dpi, level, OCR_DPI, s);
  return { image: c.pbm, dpi: c.dpi, scale: page.width / c.width, width: c.width, height: c.height };
}

const bitmapOf = (i: OcrInput): Bitmap => ({ pbm: i.image, width: i.width, height: i.height, dpi: i.dpi });

const scaleWords = (words: Word[], k: number): Word[] =>
  k === 1 ? words : words.map((w) => ({ ...w, x0: Math.round(w.x0 * k), y0: Math.round(w.y0 * k), x1: Math.round(w.x1 * k), y1: Math.round(w.y1 * k) }));

/**
 * A page whose text names a fødselsnummer but holds no valid one is read once more as one
 * uniform block of text: the automatic layout analysis breaks digits printed in boxes (NAV's forms
 * print the id that way) into pieces, the block reading keeps them on their line. Its text is
 * added after the first reading's; the word boxes stay the first reading's.
 */
async function secondOpinion(engine: OcrEngine, input: { image: Buffer; dpi: number }, text: string): Promise<string> {
  if (!labelWithoutId(text)) return text;
  try {
    const again = await engine.recognize(input.image, { dpi: input.dpi, psm: '6' });
    return `${text}\n${again.text}`;
  } catch (err) {
    if (err instanceof OcrTimeoutError) return text;
    throw err;
  }
}

/**
 * A page that should carry the fødselsnummer: a label, a NAV form's heading, or the section about
 * the person. Not a form number alone: every page of a form prints it, the id only the first.
 */
export function shouldCarryId(text: string): boolean {
  return hasIdLabel(text) || /arbeids-?\s*og\s*velferds/i.test(text) || /opplysninger\s+om\s+(deg|søker)|personopplysninger|personalia|about\s+you/i.test(text);
}

/**
 * The text of a page reading, with its fødselsnummer read again when the reading holds no valid
 * one but other people's: the id's field (id-rescue.ts), else the whole page as one block (digits
 * in boxes). Only readings without an applicant's id cost more. `made` is the cleaned input the reading used, when at hand.
 */
export async function withIdRescue(engine: OcrEngine, page: GreyRaster, dpi: number, read: PageRead, made?: { input: OcrInput; glyphs: number | null }): Promise<string> {
  const text = read.text ?? '';
  // Someone else's id (a child's, a partner's) read while the applicant's was not is no reason to stop.
  if (read.status !== 'ok' || findPersonIds(text).some((h) => h.role !== 'other')) return text;
  const used = read.level ?? 'normal';
  const glyphs = made ? made.glyphs : await pageGlyphHeight(page, dpi);
  // The page cleaned at each level once: the reading's own, the others when asked for.
  const inputs = new Map<CleanLevel, Promise<OcrInput>>();
  if (made) inputs.set(used, Promise.resolve(made.input));
  const input = (l: CleanLevel) => inputs.get(l) ?? inputs.set(l, ocrInput(page, dpi, l, glyphs)).get(l)!;
  const extra = await rescueId(engine, async (l) => bitmapOf(await input(l)), page, read.words, shouldCarryId(text), used);
  if (extra) return `${text}\n${extra}`;
  return secondOpinion(engine, await input(used), text);
}

/**
 * Full-text OCR of one upright page: normal clean-up first; after a timeout the worker has
 * been replaced and the page is tried once more with hard clean-up (less speckle, less for
 * tesseract to chew on); a second timeout leaves the page to a person.
 */
export async function readPage(engine: OcrEngine, page: GreyRaster, dpi: number, opts: { textPdf?: boolean; rescue?: boolean } = {}): Promise<PageRead> {
  let ms = 0;
  let attempts = 0;
  const glyphs = await pageGlyphHeight(page, dpi);
  for (const level of ['normal', 'hard'] as const) {
    attempts++;
    const started = performance.now();
    try {
      let input = await ocrInput(page, dpi, level, glyphs);
      let r = await engine.recognize(input.image, { dpi: input.dpi, textPdf: opts.textPdf });
      let used: CleanLevel = level;
      // Read the page again at another clean-up level; keep that reading if it has clearly more
      // real words. A time-out of the extra reading keeps the one already made.
      const tryLevel = async (other: CleanLevel): Promise<void> => {
        const otherInput = await ocrInput(page, dpi, other, glyphs);
        const again = await engine.recognize(otherInput.image, { dpi: otherInput.dpi, textPdf: opts.textPdf }).catch((err: unknown) => {
          if (err instanceof OcrTimeoutError) return null;
          throw err;
        });
        if (again && textScore(again.words) > textScore(r.words) * 1.1) {
          r = again;
          input = otherInput;
          used = other;
        }
      };
      if (level === 'normal' && (r.confidence < POOR_READING || textScore(r.words) < LITTLE_TEXT)) {
        // A poor reading: thin or pale strokes are often broken by the normal level. Read once
        // more with more of the grey taken as print.
        await tryLevel('bold');
        // Still poor: grain and speckle (a noisy scanner) rather than pale print; the median of
        // the hard level takes out what the normal level leaves as specks.
        if (r.confidence < POOR_READING) await tryLevel('hard');
        // Print larger than a form's (hand lettering, a notice): its strokes are as long as the
        // cell walls that clean-up removes. Read it once more with the ruling left in.
        if (r.confidence < POOR_READING && largePrint(dpi, glyphs ?? (await pageGlyphHeight(page, dpi, false)))) await tryLevel('keep-rules');
      }
      const words = scaleWords(r.words, input.scale);
      const read: PageRead = { status: 'ok', text: r.text, confidence: r.confidence, words, textPdf: r.textPdf, ms: 0, attempts, level: used };
      const text = opts.rescue === false ? r.text : await withIdRescue(engine, page, dpi, read, { input, glyphs });
      ms += performance.now() - started;
      // Boxes in the stored page's pixels; the text layer PDF has the page's size in points already.
      return { ...read, text, ms: Math.round(ms) };
    } catch (err) {
      ms += performance.now() - started;
      if (!(err instanceof OcrTimeoutError)) throw err;
    }
  }
  return { status: 'manual', text: null, confidence: null, words: [], ms: Math.round(ms), attempts, reason: `Siden kunne ikke leses maskinelt innenfor tidsgrensen (to forsøk på ${Math.round(engine.timeoutMs / 1000)} sekunder). Les siden og registrer opplysningene manuelt.` };
}

/** Share of the page height read for routing: the header (form number, title, fødselsnummer). */
export const HEADER_TOP = 0.4;
/** And the footer, where NAV's own forms print the form number. */
export const HEADER_BOTTOM = 0.08;

/** The header and footer bands of a page stacked into one smaller raster. */
export function headerBands(page: GreyRaster, top = HEADER_TOP, bottom = HEADER_BOTTOM): GreyRaster {
  const w = page.width;
  const topRows = Math.round(page.height * top);
  const bottomRows = Math.round(page.height * bottom);
  const gap = Math.round(page.height * 0.02);
  const h = topRows + gap + bottomRows;
  const data = Buffer.alloc(w * h, 255);
  Buffer.from(page.data.buffer, page.data.byteOffset, w * topRows).copy(data, 0);
  const from = (page.height - bottomRows) * w;
  Buffer.from(page.data.buffer, page.data.byteOffset + from, w * bottomRows).copy(data, (topRows + gap) * w);
  return { data, width: w, height: h };
}

export interface HeaderRead {
  text: string;
  confidence: number;
  ms: number;
}

/** Reads only a page's header and footer, ahead of full-text pages (the routing fast path). */
export async function readHeader(engine: OcrEngine, page: GreyRaster, dpi: number): Promise<HeaderRead> {
  const started = performance.now();
  const input = await ocrInput(headerBands(page), dpi, 'normal', await pageGlyphHeight(page, dpi));
  const r = await engine.recognize(input.image, { dpi: input.dpi, priority: 'high' });
  const text = await secondOpinion(engine, input, r.text);
  return { text, confidence: r.confidence, ms: Math.round(performance.now() - started) };
}
