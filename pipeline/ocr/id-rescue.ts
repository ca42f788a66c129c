import sharp from 'sharp';
import type { CleanLevel } from '../pages/clean.ts';
import { greyPgm } from '../pages/pgm.ts';
import type { Word } from '../pages/page-image.ts';
import { findPersonIds, hasIdLabel, idsWithBoxWalls } from '../identify/person-id.ts';
import { OcrTimeoutError, type OcrEngine } from './ocr-engine.ts';

/**
 * A second, targeted reading of the fødselsnummer when the page's full reading holds none: the
 * field is found from the first reading's words (its label, or a run of digits that is not a
 * valid id), cut out, enlarged and read as digits at three clean-up levels. A page that should
 * carry an id (a NAV form, a label) but gave no clue where is read once more in its upper half.
 * Nothing here chooses a person: it adds readings to the page's text, and the identification
 * (checksums, the register, the roles) decides as for any text.
 */

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface IdRegion {
  box: Box;
  /** The words before the id on the page (its label, "Barnets fødselsnummer"), digits left out. */
  context: string;
  /** One line of digits, or a small block (a field under its label). */
  psm: '6' | '7';
  /** Regions of one label share a group: once one of them gives the id, the others are not read. */
  group: number;
}

/** Nine or more digit-like characters in a row: a fødselsnummer that was not read right (a phone number has eight). */
const DIGIT_RUN = /(?<!\p{L})[0-9OoIl|SB%$#&?*§](?:[ .,'|/-]{0,2}[0-9OoIl|SB%$#&?*§]){8,}(?!\p{L})/gu;
/** A date, on nearly every letter: not an id. */
const DATE = /^\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?(?:19|20)\d{2}$/;

/** Words grouped into lines (a word joins the line its vertical middle falls in), top to bottom, each left to right. */
export function wordLines(words: Word[]): Word[][] {
  const lines: Array<{ y0: number; y1: number; words: Word[] }> = [];
  for (const w of [...words].sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1))) {
    const mid = (w.y0 + w.y1) / 2;
    const line = lines.find((l) => mid >= l.y0 && mid <= l.y1);
    if (line) {
      line.words.push(w);
      line.y0 = Math.min(line.y0, w.y0);
      line.y1 = Math.max(line.y1, w.y1);
    } else lines.push({ y0: w.y0, y1: w.y1, words: [w] });
  }
  return lines.sort((a, b) => a.y0 - b.y0).map((l) => l.words.sort((a, b) => a.x0 - b.x0));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const noDigits = (ws: Word[]) => ws.map((w) => w.text).join(' ').replace(/[0-9]/g, '').replace(/\s+/g, ' ').trim();

/**
 * Where the id should be, from the words of a reading (page pixels): right of and under each
 * fødselsnummer label, and each run of eight or more digits. At most `max` regions, labels first.
 */
export function idRegions(words: Word[], width: number, height: number, max = 4): IdRegion[] {
  const out: IdRegion[] = [];
  const runs: IdRegion[] = [];
  const lines = wordLines(words);
  for (const [i, line] of lines.entries()) {
    const h = Math.max(4, median(line.map((w) => w.y1 - w.y0)));
    const y0 = Math.min(...line.map((w) => w.y0));
    const y1 = Math.max(...line.map((w) => w.y1));
    const k = line.findIndex((w, j) => hasIdLabel(w.text) || (j > 0 && hasIdLabel(`${line[j - 1]!.text} ${w.text}`)));
    if (k >= 0) {
      const label = line[k]!;
      const context = noDigits(line.slice(0, k + 1));
      // Eleven digits and two spaces fit in 14 line heights; further right is other fields or noise.
      out.push({ box: { x0: label.x1, y0: y0 - h * 0.6, x1: label.x1 + h * 14, y1: y1 + h * 0.6 }, context, psm: '7', group: i });
      // A form's field: the label small above its box, the digits larger inside it.
      out.push({ box: { x0: label.x0 - h, y0: y1, x1: label.x0 + width * 0.45, y1: y1 + h * 4 }, context, psm: '6', group: i });
      continue;
    }
    const text = line.map((w) => w.text).join(' ');
    const m = [...text.matchAll(DIGIT_RUN)].find((x) => !DATE.test(x[0].trim()));
    if (!m) continue;
    // The words the run spans, up to the one that completes eleven digits: a form's id field and
    // the phone number field beside it read as one run, and the phone's digits only disturb the
    // field's reading.
    let at = 0;
    let digits = 0;
    const inRun = line.filter((w) => {
      const from = text.indexOf(w.text, at);
      at = from + w.text.length;
      if (digits >= 11 || !(from + w.text.length > m.index! && from < m.index! + m[0].length)) return false;
      digits += (w.text.match(/[0-9OoIl|SB%$#&?*§]/gu) ?? []).length;
      return true;
    });
    const before = i > 0 && hasIdLabel(lines[i - 1]!.map((w) => w.text).join(' ')) ? noDigits(lines[i - 1]!) : '';
    const context = `${before} ${noDigits(line.filter((w) => w.x1 <= inRun[0]!.x0))}`.trim();
    runs.push({ box: { x0: inRun[0]!.x0 - h, y0: y0 - h * 0.6, x1: inRun[inRun.length - 1]!.x1 + h * 2, y1: y1 + h * 0.6 }, context, psm: '7', group: i });
  }
  const clip = (r: IdRegion): IdRegion => ({
    ...r,
    box: { x0: Math.max(0, Math.round(r.box.x0)), y0: Math.max(0, Math.round(r.box.y0)), x1: Math.min(width, Math.round(r.box.x1)), y1: Math.min(height, Math.round(r.box.y1)) },
  });
  return [...out, ...runs]
    .map(clip)
    .filter((r) => r.box.x1 - r.box.x0 >= 8 && r.box.y1 - r.box.y0 >= 4)
    .slice(0, max);
}

/** A cleaned page (1-bit PBM, as clean-up gives it to OCR). */
export interface Bitmap {
  pbm: Buffer;
  width: number;
  height: number;
  dpi: number;
}

/**
 * A box of a cleaned page as an 8-bit grey image (PGM) `zoom` times larger, with `pad` pixels of
 * white around it. The page's own binarisation is kept: a small crop cleaned on its own would
 * take its noise for print.
 */
export async function cropBitmap(page: Bitmap, box: Box, pad: number, zoom: number): Promise<Buffer> {
  const x0 = Math.max(0, Math.min(page.width, box.x0));
  const x1 = Math.max(x0, Math.min(page.width, box.x1));
  const y0 = Math.max(0, Math.min(page.height, box.y0));
  const y1 = Math.max(y0, Math.min(page.height, box.y1));
  const w = x1 - x0 + 2 * pad;
  const h = y1 - y0 + 2 * pad;
  const grey = Buffer.alloc(w * h, 255);
  const rowBytes = Math.ceil(page.width / 8);
  const at = page.pbm.length - rowBytes * page.height;
  for (let y = y0; y < y1; y++) {
    const row = at + y * rowBytes;
    const out = (y - y0 + pad) * w + pad - x0;
    for (let x = x0; x < x1; x++) if (page.pbm[row + (x >> 3)]! & (0x80 >> (x & 7))) grey[out + x] = 0;
  }
  const zw = Math.max(1, Math.round(w * zoom));
  const { data, info } = await sharp(grey, { raw: { width: w, height: h, channels: 1 } })
    .resize(zw, null, { kernel: 'cubic' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return greyPgm(data, info.width, info.height);
}

/**
 * The id the readings of one field agree on: the only valid id any of them read. Readings that
 * read two different valid ids give none, however the votes fall: a doubt goes to a person, not
 * to whichever reading came first or most often.
 */
export function agreedId(readings: string[][]): string | null {
  const ids = new Set(readings.flat());
  return ids.size === 1 ? [...ids][0]! : null;
}

const LEVELS: CleanLevel[] = ['normal', 'hard', 'bold'];
/** A field's digits are read twice the size of the page's reading: small print gains, large loses nothing. */
const ZOOM = 2;

/** The page cleaned at a level, in OCR pixels (made once per level and kept by the caller). */
export type CleanedAt = (level: CleanLevel) => Promise<Bitmap>;

const scaled = (b: Box, k: number): Box => ({ x0: Math.floor(b.x0 * k), y0: Math.floor(b.y0 * k), x1: Math.ceil(b.x1 * k), y1: Math.ceil(b.y1 * k) });

/**
 * The rows of a box that hold its main line of print: the run of rows with ink (gaps of a quarter
 * millimetre bridged) that holds the most ink. A field's box taken from the first reading's word
 * heights also holds the label above it and the rule under it (digit boxes make those words
 * tall); read as one line, tesseract then reads neither.
 */
export function mainLine(page: Bitmap, box: Box): Box {
  const rowBytes = Math.ceil(page.width / 8);
  const at = page.pbm.length - rowBytes * page.height;
  const x0 = Math.max(0, box.x0);
  const x1 = Math.min(page.width, box.x1);
  const y0 = Math.max(0, box.y0);
  const y1 = Math.min(page.height, box.y1);
  const ink: number[] = [];
  for (let y = y0; y < y1; y++) {
    let n = 0;
    for (let x = x0; x < x1; x++) if (page.pbm[at + y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7))) n++;
    ink.push(n);
  }
  const gap = Math.max(1, Math.round((0.25 / 25.4) * page.dpi));
  let best: [number, number, number] | null = null;
  for (let i = 0; i < ink.length; ) {
    if (!ink[i]) {
      i++;
      continue;
    }
    let j = i;
    let sum = 0;
    let last = i;
    while (j < ink.length && j - last <= gap) {
      if (ink[j]) {
        last = j;
        sum += ink[j]!;
      }
      j++;
    }
    if (!best || sum > best[2]) best = [i, last + 1, sum];
    i = j;
  }
  // A line is at least 1.5 mm tall: less is a rule or a row of specks; keep the box as it was.
  if (!best || best[1] - best[0] < (1.5 / 25.4) * page.dpi) return box;
  const pad = Math.round((0.5 / 25.4) * page.dpi);
  return { x0: box.x0, x1: box.x1, y0: Math.max(y0, y0 + best[0] - pad), y1: Math.min(y1, y0 + best[1] + pad) };
}

async function readField(engine: OcrEngine, cleaned: CleanedAt, pageWidth: number, r: IdRegion): Promise<string | null> {
  const readings: string[][] = [];
  for (const level of LEVELS) {
    const c = await cleaned(level);
    const pad = Math.round((3 / 25.4) * c.dpi);
    const box = scaled(r.box, c.width / pageWidth);
    // One line is read as one line: the label above it and the rule under it are left out.
    const image = await cropBitmap(c, r.psm === '7' ? mainLine(c, box) : box, pad, ZOOM);
    try {
      const res = await engine.recognize(image, { dpi: c.dpi * ZOOM, psm: r.psm, whitelist: '0123456789 -' });
      readings.push(findPersonIds(res.text).map((h) => h.id));
    } catch (err) {
      if (!(err instanceof OcrTimeoutError)) throw err;
    }
    const id = agreedId(readings);
    // Two levels read the same id and nothing else: the third is not needed.
    if (id && readings.filter((x) => x.includes(id)).length >= 2) return id;
    if (!id && new Set(readings.flat()).size > 1) return null;
  }
  return agreedId(readings);
}

/** The lines of a text that hold a valid id, each with the line before it (its label). */
export function idLines(text: string): string {
  const lines = text.split('\n');
  const keep = new Set<number>();
  for (const [i, l] of lines.entries()) {
    if (!idsWithBoxWalls(l).length) continue;
    if (i > 0) keep.add(i - 1);
    keep.add(i);
  }
  return [...keep].sort((a, b) => a - b).map((i) => lines[i]).join('\n');
}

/**
 * Lines to add to a page's text when its reading holds no valid id: "<label> <id>" for each field
 * whose digits the targeted readings agree on; '' when none. `words` are the first reading's, in
 * the page's pixels (`pageWidth` wide); `formLike` says the page should carry an id even when no
 * field was found: then its upper half is read again at another clean-up level than `firstLevel`.
 */
export async function rescueId(engine: OcrEngine, cleaned: CleanedAt, page: { width: number; height: number }, words: Word[], formLike: boolean, firstLevel: CleanLevel): Promise<string> {
  const found: string[] = [];
  const done = new Set<number>();
  for (const r of idRegions(words, page.width, page.height)) {
    if (done.has(r.group)) continue;
    const id = await readField(engine, cleaned, page.width, r);
    if (!id) continue;
    done.add(r.group);
    if (!found.some((l) => l.endsWith(id))) found.push(`${r.context} ${id}`.trim());
  }
  if (found.length || !formLike) return found.join('\n');
  const c = await cleaned(firstLevel === 'normal' ? 'bold' : 'normal');
  const image = await cropBitmap(c, { x0: 0, y0: 0, x1: c.width, y1: Math.round(c.height * 0.5) }, 0, 1);
  try {
    const res = await engine.recognize(image, { dpi: c.dpi });
    return idLines(res.text);
  } catch (err) {
    if (err instanceof OcrTimeoutError) return '';
    throw err;
  }
}
