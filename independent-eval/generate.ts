/**
 * The independent evaluation set: scan-like NAV documents made without any of fixtures/'s code,
 * fonts, paper or noise, one family of real degradation per document, with the truth for each.
 *
 *   const set = await generateIndependentSet({ seed: 1001, docs: 170 });
 *   // set.files: Array<{ name, data }>, set.truth: one IndependentTruth per file,
 *   // set.register: the country-sized person register the documents' people are drawn from.
 *
 * Seeds below 1000 are for tuning (looked at while building); 1000 and above are held out
 * (benchmarks/RESULTS-eval-independent.md says which runs used which).
 */
import { createCanvas } from '@napi-rs/canvas';
import sharp from 'sharp';
import type { DocumentKind } from '../schemas/reference.ts';
import { documentFor, type DocSpec, type DocType } from './content.ts';
import {
  FAMILIES, badPhotocopy, bleedInk, bleedThrough, composePaper, creases, dirtyDrum, edgeShadow, fadeToner, faxDown,
  halftoneInk, lowContrast, punchHoles, scan, scannerBilevel, stampAndHand, type Family, type Grey, type PaperModel, type SensorModel,
} from './degrade.ts';
import { encodeFile, type FileFormat, type ScanPage } from './encode.ts';
import { facesOf, HAND_FAMILY, loadFaces, type FontStyle } from './fonts.ts';
import { PopulationRegister } from './register.ts';
import { renderInk, type RenderStyle } from './render.ts';
import { makeRng, type Rng } from './rng.ts';

export { FAMILIES, type Family } from './degrade.ts';

/** The first seed that is held out: seeds below it may be looked at while building. */
export const FIRST_HELD_OUT_SEED = 1000;

export interface IndependentTruth {
  file: string;
  family: Family;
  fontStyle: FontStyle;
  docType: DocType;
  tema: string;
  kind: DocumentKind;
  formNumber: string | null;
  personId: string;
  language: 'nb' | 'en';
  pages: number;
  /** Clockwise quarter turn the page was scanned with (the reader must undo it). */
  turn: 0 | 90 | 180 | 270;
  skewDeg: number;
  xDpi: number;
  yDpi: number;
  format: FileFormat;
}

export interface IndependentSet {
  seed: number;
  files: Array<{ name: string; data: Buffer }>;
  truth: IndependentTruth[];
  register: PopulationRegister;
}

export interface IndependentOptions {
  seed: number;
  /** Documents (one per file). */
  docs: number;
  /** Persons in the register (the applicants are drawn from it). @defaultValue 200 000 */
  registerSize?: number;
  /** Only these families (default: all, in turn). */
  families?: readonly Family[];
  /** Only these documents (1-based numbers, as in the file names); the others are skipped, not changed. */
  only?: number[];
  onProgress?: (done: number, total: number) => void;
}

const STYLES: FontStyle[] = ['serif', 'sans', 'mono', 'typewriter'];

function pickType(r: Rng): DocType {
  const x = r.next();
  return x < 0.4 ? 'form' : x < 0.52 ? 'nave' : x < 0.9 ? 'letter' : 'follow-up-letter';
}

function pickFormat(r: Rng, family: Family, pages: number): FileFormat {
  if (family === 'fax') return 'tiff-fax';
  if (family === 'jpeg-artefacts') return r.pick(['jpeg', 'pdf-jpeg'] as const);
  const f = r.pick<FileFormat>(['pdf-jpeg', 'pdf-jpeg', 'pdf-flate', 'pdf-bilevel', 'png', 'jpeg', 'tiff-lzw', 'tiff-g4']);
  return pages > 1 && (f === 'png' || f === 'jpeg') ? 'pdf-jpeg' : f;
}

const STAMPS = ['MOTTATT', 'NAV SKANNING', 'INNKOMMET', 'KOPI'];
const NOTES = ['haster!', 'se vedlegg', 'kopi til saksbeh.', 'OK', 'mangler signatur?', 'ring bruker', 'ettersendt', 'jf. tlf.'];

/** Stamp and handwritten notes as coverage over the page (multiplied into the print). */
function overlay(r: Rng) {
  return (dpi: number, w: number, h: number): Float32Array => {
    const c = createCanvas(w, h);
    const ctx = c.getContext('2d');
    const k = dpi / 25.4;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, w, h);
    const ink = (g: number) => {
      const v = Math.round(255 * g);
      return `rgb(${v},${v},${v})`;
    };
    // Stamp: double frame, two lines, a date; a coloured stamp scans as mid grey.
    ctx.save();
    const sx = r.float(60, 150) * k;
    const sy = r.float(20, 150) * k;
    ctx.translate(sx, sy);
    ctx.rotate(r.float(-0.3, 0.3));
    const col = ink(r.float(0.3, 0.55));
    ctx.strokeStyle = col;
    ctx.fillStyle = col;
    ctx.lineWidth = 0.6 * k;
    ctx.strokeRect(-30 * k, -10 * k, 60 * k, 20 * k);
    ctx.strokeRect(-28.5 * k, -8.5 * k, 57 * k, 17 * k);
    ctx.textAlign = 'center';
    ctx.font = `${(5 * k).toFixed(1)}px "${loadFaces().find((f) => f.style === 'sans')!.bold}"`;
    ctx.fillText(r.pick(STAMPS), 0, -1.5 * k);
    ctx.fillText(`${r.int(1, 28)} ${r.pick(['JAN', 'MAR', 'JUN', 'SEP', 'NOV'])} 2026`, 0, 5.5 * k);
    ctx.restore();
    // Handwriting: a note or two in the margin or over the text, an underline, a circled word.
    for (let n = r.int(1, 3); n > 0; n--) {
      ctx.save();
      ctx.translate(r.float(20, 150) * k, r.float(30, 270) * k);
      ctx.rotate(r.float(-0.25, 0.15));
      ctx.fillStyle = ink(r.float(0.55, 0.85));
      ctx.font = `${(r.float(5, 8) * k).toFixed(1)}px "${HAND_FAMILY}"`;
      ctx.fillText(r.pick(NOTES), 0, 0);
      ctx.restore();
    }
    ctx.strokeStyle = ink(r.float(0.5, 0.8));
    ctx.lineWidth = r.float(0.3, 0.6) * k;
    ctx.beginPath();
    const ux = r.float(20, 120) * k;
    const uy = r.float(40, 250) * k;
    ctx.moveTo(ux, uy);
    ctx.bezierCurveTo(ux + 20 * k, uy + r.float(-2, 2) * k, ux + 40 * k, uy + r.float(-2, 2) * k, ux + r.float(40, 70) * k, uy + r.float(-3, 3) * k);
    ctx.stroke();
    ctx.beginPath();
    ctx.ellipse(r.float(40, 160) * k, r.float(40, 250) * k, r.float(12, 30) * k, r.float(4, 8) * k, r.float(-0.2, 0.2), 0, Math.PI * 2);
    ctx.stroke();
    const rgba = ctx.getImageData(0, 0, w, h).data;
    const out = new Float32Array(w * h);
    for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4]! / 255;
    return out;
  };
}

async function turnAndSkew(g: Grey, quarter: number, skew: number): Promise<Grey> {
  if (quarter === 0 && Math.abs(skew) < 0.01) return g;
  const u8 = new Uint8Array(g.px.length);
  for (let i = 0; i < u8.length; i++) u8[i] = g.px[i]! < 0 ? 0 : g.px[i]! > 255 ? 255 : g.px[i]!;
  let img = sharp(u8, { raw: { width: g.width, height: g.height, channels: 1 } });
  if (quarter) img = sharp(await img.rotate(quarter).toColourspace('b-w').raw().toBuffer(), { raw: { width: quarter % 180 ? g.height : g.width, height: quarter % 180 ? g.width : g.height, channels: 1 } });
  const [w, h] = quarter % 180 ? [g.height, g.width] : [g.width, g.height];
  let data: Buffer;
  let iw = w;
  let ih = h;
  if (Math.abs(skew) >= 0.01) {
    const res = await img.rotate(skew, { background: { r: 255, g: 255, b: 255 } }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    data = res.data;
    iw = res.info.width;
    ih = res.info.height;
  } else data = await img.raw().toBuffer();
  // The scanner sees its bed: the middle w x h of the turned sheet.
  const px = new Float32Array(w * h).fill(255);
  const left = Math.floor((iw - w) / 2);
  const top = Math.floor((ih - h) / 2);
  const ch = data.length / (iw * ih);
  for (let y = 0; y < h; y++) {
    const sy = y + top;
    if (sy < 0 || sy >= ih) continue;
    for (let x = 0; x < w; x++) {
      const sx = x + left;
      if (sx >= 0 && sx < iw) px[y * w + x] = data[(sy * iw + sx) * ch]!;
    }
  }
  return { px, width: w, height: h };
}

/** One page through the ink, paper, placement and scanner phases of its family. */
async function scanPage(doc: DocSpec, pageNo: number, family: Family, style: RenderStyle, dpi: number, quarter: number, skew: number, r: Rng, backside: () => DocSpec): Promise<ScanPage> {
  const ink = renderInk(doc.pages[pageNo]!, dpi, style, r);
  if (family === 'faded-toner') fadeToner(ink, r);
  if (family === 'ink-bleed') bleedInk(ink, r);
  if (family === 'halftone') halftoneInk(ink, r);
  const paper: PaperModel = { base: r.float(236, 252), inkDark: r.float(0.82, 0.95), mottle: r.float(1, 4), fibres: 0, halftoneTint: 0 };
  if (family === 'textured-paper') Object.assign(paper, { base: r.float(212, 238), mottle: r.float(14, 28), fibres: r.float(1, 3) });
  if (family === 'halftone') paper.halftoneTint = r.float(0.15, 0.35);
  if (family === 'rotated-noisy') Object.assign(paper, { base: r.float(215, 240), mottle: r.float(6, 14) });
  let g = composePaper(ink, r, paper);
  if (family === 'bleed-through') {
    const back = backside();
    bleedThrough(g, renderInk(back.pages[0]!, dpi, style, r), r);
  }
  if (family === 'dirty-drum') dirtyDrum(g, dpi, r);
  if (family === 'bad-photocopy') badPhotocopy(g, dpi, r);
  if (family === 'low-contrast') lowContrast(g, r);
  if (family === 'creases-folds') creases(g, dpi, r);
  if (family === 'stamps-handwriting') stampAndHand(g, dpi, r, overlay(r));
  if (family === 'punch-holes') punchHoles(g, dpi, r);
  g = await turnAndSkew(g, quarter, skew);
  if (family === 'edge-shadow') edgeShadow(g, dpi, r);
  const sensor: SensorModel = { grain: r.float(1.5, 4), speckle: r.float(0, 0.00008), blurPx: (dpi / 300) * r.float(0, 1.2) };
  if (family === 'rotated-noisy') Object.assign(sensor, { grain: r.float(14, 24), speckle: r.float(0.008, 0.02), blurPx: (dpi / 300) * r.float(1, 1.8) });
  if (family === 'bad-photocopy') sensor.grain = r.float(5, 9);
  const px = scan(g, r, sensor);
  if (family === 'fax') {
    const f = faxDown(px, g.width, g.height, dpi, r);
    return { data: f.data, width: f.width, height: f.height, xDpi: 204, yDpi: 98 };
  }
  return { data: px, width: g.width, height: g.height, xDpi: dpi, yDpi: dpi, jpegQuality: family === 'jpeg-artefacts' ? r.int(8, 22) : r.int(60, 85) };
}

export interface IndependentDocument {
  name: string;
  data: Buffer;
  truth: IndependentTruth;
}

/** The set's register: built once per (seed, size); applicants are drawn from it. */
export function independentRegister(seed: number, size = 200_000): PopulationRegister {
  return PopulationRegister.build(size, seed);
}

/**
 * The documents one at a time (a reader can start on the first while the next is made);
 * deterministic for (seed, docs, register, families).
 */
export async function* independentDocuments(opts: IndependentOptions & { register?: PopulationRegister }): AsyncGenerator<IndependentDocument> {
  loadFaces();
  const register = opts.register ?? independentRegister(opts.seed, opts.registerSize);
  const families = opts.families ?? FAMILIES;
  const order = makeRng(opts.seed, 0xfa).shuffle(Array.from({ length: opts.docs }, (_, i) => families[i % families.length]!));
  for (let i = 0; i < opts.docs; i++) {
    if (opts.only && !opts.only.includes(i + 1)) continue;
    const r = makeRng(opts.seed, 0xd0c, i);
    const family = order[i]!;
    const fontStyle = r.pick(STYLES);
    const face = r.pick(facesOf(fontStyle));
    const style: RenderStyle = { face, typewriter: fontStyle === 'typewriter', handInk: r.float(0.5, 0.85) };
    // One in twenty is a person whose address or employment decides the route before the benefit.
    const person = r.chance(0.05) ? register.sampleWhere(r, (p) => p.addressProtection !== 'none' || p.skjermet) : register.sample(r);
    const type = pickType(r);
    const doc = documentFor(r, person, type, 2);
    const dpi = family === 'fax' ? 204 : r.pick([200, 300, 300]);
    const quarter = family === 'rotated-noisy' ? r.pick([90, 180, 270] as const) : 0;
    const skew = family === 'skew' ? r.pick([-1, 1]) * r.float(3, 10) : family === 'rotated-noisy' ? r.float(-2, 2) : r.float(-0.8, 0.8);
    const format = pickFormat(r, family, doc.pages.length);
    const pages: ScanPage[] = [];
    for (let p = 0; p < doc.pages.length; p++) {
      const back = () => documentFor(makeRng(opts.seed, 0xbac, i), register.sample(r), 'letter', 1);
      let page = await scanPage(doc, p, family, style, dpi, quarter, skew, r, back);
      if (format === 'pdf-bilevel' || format === 'tiff-g4') page = { ...page, data: scannerBilevel(page.data, page.width, page.height, dpi) };
      pages.push(page);
    }
    const { data, ext } = await encodeFile(pages, format);
    const name = `ind_${opts.seed}_${String(i + 1).padStart(4, '0')}_${family}.${ext}`;
    yield {
      name,
      data,
      truth: {
        file: name, family, fontStyle, docType: type, tema: doc.tema, kind: doc.kind, formNumber: doc.formNumber, personId: person.id,
        language: doc.language, pages: doc.pages.length, turn: quarter, skewDeg: Math.round(skew * 100) / 100,
        xDpi: pages[0]!.xDpi, yDpi: pages[0]!.yDpi, format,
      },
    };
  }
}

/** The whole set in memory (for small sets and tests; the benchmark streams). */
export async function generateIndependentSet(opts: IndependentOptions): Promise<IndependentSet> {
  const register = independentRegister(opts.seed, opts.registerSize);
  const files: IndependentSet['files'] = [];
  const truth: IndependentTruth[] = [];
  for await (const d of independentDocuments({ ...opts, register })) {
    files.push({ name: d.name, data: d.data });
    truth.push(d.truth);
    opts.onProgress?.(files.length, opts.docs);
  }
  return { seed: opts.seed, files, truth, register };
}
