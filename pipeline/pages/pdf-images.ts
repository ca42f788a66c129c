import { createInflate, inflateSync } from 'node:zlib';
import {
  decodePDFRawStream, PDFArray, PDFBool, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream,
  type PDFPage,
} from 'pdf-lib';
import sharp, { type Sharp } from 'sharp';
import { UnreadablePageError, type PageImage, type PageText } from './page-image.ts';
import { checkPageCount, checkPdfStreams, DEFAULT_DECODE_LIMITS, LimitExceededError, tooLargeStreamMessage, type DecodeLimits } from './limits.ts';
import { encodePng } from './normalise.ts';
import { openPdfjs, type PdfjsDocument } from './pdf-render.ts';
import { wrapCcittG4 } from './tiff.ts';

/** Resolution for pages that carry no scan (vector or text pages) and must be rendered. */
export const DEFAULT_RENDER_DPI = 200;
/**
 * Largest page image kept (A2 at 300 dpi, A3 at 400); larger pages are scaled down to it. Every
 * later stage holds the page a few times over (upright, clean-up): at 60 megapixels a worker
 * went past 1 GB (issue 14), at 36 it stays under its bound.
 */
export const MAX_PAGE_PIXELS = 36_000_000;
/** Larger embedded scans are refused rather than decoded: memory stays bounded. */
export const MAX_SOURCE_PIXELS = 400_000_000;
/** A text layer with fewer visible characters than this is not a born-digital page (e.g. a stamp). */
const MIN_TEXT_CHARS = 20;

/**
 * Undoes one row's PNG predictor (`type`, the row's first byte): `src` at `at` holds the row's
 * bytes, `prev` (at `prevAt`) the row above already undone, or null for the first row.
 */
function unfilterRow(type: number, src: Uint8Array, at: number, out: Uint8Array, outAt: number, prev: Uint8Array | null, prevAt: number, rowBytes: number, bpp: number): void {
  for (let x = 0; x < rowBytes; x++) {
    const raw = src[at + x]!;
    const left = x >= bpp ? out[outAt + x - bpp]! : 0;
    const up = prev ? prev[prevAt + x]! : 0;
    const upLeft = prev && x >= bpp ? prev[prevAt + x - bpp]! : 0;
    let v: number;
    if (type === 0) v = raw;
    else if (type === 1) v = raw + left;
    else if (type === 2) v = raw + up;
    else if (type === 3) v = raw + ((left + up) >> 1);
    else {
      const p = left + up - upLeft;
      const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
      v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
    }
    out[outAt + x] = v & 0xff;
  }
}

/** Undoes PNG row predictors (Predictor >= 10) used by some Flate-encoded images. */
export function unpredict(data: Uint8Array, rowBytes: number, bpp: number): Buffer {
  const rows = Math.floor(data.length / (rowBytes + 1));
  const out = Buffer.alloc(rows * rowBytes);
  for (let y = 0; y < rows; y++) {
    unfilterRow(data[y * (rowBytes + 1)]!, data, y * (rowBytes + 1) + 1, out, y * rowBytes, y > 0 ? out : null, (y - 1) * rowBytes, rowBytes, bpp);
  }
  return out;
}

/** Colour rasters larger than this are inflated row by row into grey (a 9 000 × 9 000 scan would hold 243 MB of RGB). */
export const BAND_BYTES = 32 * 1024 ** 2;

// sRGB to linear light and back (tables): the grey libvips makes (toColourspace('b-w')) is the
// luminance of linear light, so a page made row by row looks as one made by sharp.
const TO_LINEAR = Float32Array.from({ length: 256 }, (_, c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
const FROM_LINEAR = Uint8Array.from({ length: 4096 }, (_, i) => {
  const y = i / 4095;
  return Math.round(255 * (y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055));
});

/**
 * A large 8-bit RGB Flate image inflated as a stream, each row made grey as it comes (the
 * luminance of linear light, as libvips makes it), so only the grey raster (a third) and a row
 * or two are held, never the colour one.
 * Null when the stream ends early or is damaged (the renderer reads what it can).
 */
export function inflateRgbToGrey(bytes: Uint8Array, width: number, height: number, predictor: number): Promise<Buffer | null> {
  const rowBytes = width * 3;
  const stride = predictor >= 10 ? rowBytes + 1 : rowBytes;
  const grey = Buffer.alloc(width * height);
  const pending = Buffer.alloc(stride);
  let prev = Buffer.alloc(rowBytes);
  let cur = Buffer.alloc(rowBytes);
  let filled = 0;
  let row = 0;
  return new Promise((resolve) => {
    const z = createInflate({ chunkSize: 256 * 1024 });
    let settled = false;
    const finish = (v: Buffer | null) => {
      if (settled) return;
      settled = true;
      z.removeAllListeners('data');
      z.destroy();
      resolve(v);
    };
    z.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length && row < height;) {
        const n = Math.min(stride - filled, chunk.length - i);
        chunk.copy(pending, filled, i, i + n);
        filled += n;
        i += n;
        if (filled < stride) break;
        if (predictor >= 10) unfilterRow(pending[0]!, pending, 1, cur, 0, row > 0 ? prev : null, 0, rowBytes, 3);
        else pending.copy(cur);
        const o = row * width;
        for (let x = 0, k = 0; x < width; x++, k += 3) {
          const y = 0.2126 * TO_LINEAR[cur[k]!]! + 0.7152 * TO_LINEAR[cur[k + 1]!]! + 0.0722 * TO_LINEAR[cur[k + 2]!]!;
          grey[o + x] = FROM_LINEAR[Math.round(y * 4095)]!;
        }
        [prev, cur] = [cur, prev];
        filled = 0;
        row++;
      }
      if (row >= height) finish(grey);
    });
    z.on('error', () => finish(null));
    z.on('end', () => finish(row >= height ? grey : null));
    z.end(bytes);
  });
}

function nameOf(dict: PDFDict, key: string): string | undefined {
  const v = dict.lookup(PDFName.of(key));
  if (v instanceof PDFName) return v.decodeText();
  if (v instanceof PDFArray && v.size() === 1) {
    const first = v.lookup(0);
    if (first instanceof PDFName) return first.decodeText();
  }
  if (v instanceof PDFArray) return `array:${v.size()}`;
  return undefined;
}

function numberOf(dict: PDFDict | undefined, key: string): number | undefined {
  const v = dict?.lookup(PDFName.of(key));
  return v instanceof PDFNumber ? v.asNumber() : undefined;
}

function boolOf(dict: PDFDict | undefined, key: string): boolean | undefined {
  const v = dict?.lookup(PDFName.of(key));
  return v instanceof PDFBool ? v.asBoolean() : undefined;
}

/** Components per pixel of an image colour space; 0 when not a plain grey/RGB space. */
function channelsOf(dict: PDFDict): number {
  const cs = dict.lookup(PDFName.of('ColorSpace'));
  if (cs instanceof PDFName) return cs.decodeText() === 'DeviceGray' ? 1 : cs.decodeText() === 'DeviceRGB' ? 3 : 0;
  if (cs instanceof PDFArray && cs.size() === 2 && cs.lookup(0) instanceof PDFName && (cs.lookup(0) as PDFName).decodeText() === 'ICCBased') {
    const icc = cs.lookup(1);
    const n = icc instanceof PDFStream ? numberOf(icc.dict, 'N') : undefined;
    return n === 1 || n === 3 ? n : 0;
  }
  return 0;
}

type Matrix = [number, number, number, number, number, number];
const mul = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5],
];

// Operators a scanner's page may use besides q/Q/cm/Do: clipping to the page, colours, states.
const HARMLESS = new Set(['re', 'W', 'W*', 'n', 'g', 'G', 'rg', 'RG', 'k', 'K', 'gs', 'i', 'w', 'J', 'j', 'M', 'd', 'ri', 'cs', 'CS']);

/**
 * The images a content stream paints and where, if the stream only paints images (no text,
 * paths or inline images); null otherwise.
 */
export function paintedImages(content: string): Array<{ name: string; ctm: Matrix }> | null {
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const operands: Array<number | string> = [];
  const out: Array<{ name: string; ctm: Matrix }> = [];
  const re = /\s*(?:%[^\r\n]*|(\/[^\s/<>[\]()%{}]*)|([+-]?(?:\d+\.?\d*|\.\d+))|([A-Za-z'"*]+\*?)|([[\]()<>{}]))/y;
  let i = 0;
  while (i < content.length) {
    re.lastIndex = i;
    const m = re.exec(content);
    if (!m) {
      if (/^\s*$/.test(content.slice(i))) break;
      return null;
    }
    i = re.lastIndex;
    if (m[1] !== undefined) operands.push(m[1].slice(1));
    else if (m[2] !== undefined) operands.push(Number(m[2]));
    else if (m[4] !== undefined) return null; // strings, arrays, dicts: text or paths
    else if (m[3] !== undefined) {
      const op = m[3];
      if (op === 'q') stack.push(ctm);
      else if (op === 'Q') ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
      else if (op === 'cm') {
        const n = operands.slice(-6).map(Number);
        if (n.length !== 6 || n.some((v) => !Number.isFinite(v))) return null;
        ctm = mul(n as Matrix, ctm);
      } else if (op === 'Do') {
        const name = operands[operands.length - 1];
        if (typeof name !== 'string') return null;
        out.push({ name, ctm });
      } else if (!HARMLESS.has(op)) return null;
      operands.length = 0;
    }
  }
  return out;
}

function contentText(page: PDFPage): string | null {
  const contents = page.node.Contents();
  const streams: PDFRawStream[] = [];
  if (contents instanceof PDFRawStream) streams.push(contents);
  else if (contents instanceof PDFArray) {
    for (let i = 0; i < contents.size(); i++) {
      const s = contents.lookup(i);
      if (s instanceof PDFRawStream) streams.push(s);
      else return null;
    }
  } else return null;
  try {
    return streams.map((s) => Buffer.from(decodePDFRawStream(s).decode()).toString('latin1')).join('\n');
  } catch {
    return null;
  }
}

/** The page's /UserUnit (PDF 1.6): the size of one unit in 1/72 inch. */
function userUnit(page: PDFPage): number {
  const v = page.node.lookup(PDFName.of('UserUnit'));
  return v instanceof PDFNumber && v.asNumber() > 0 ? v.asNumber() : 1;
}

interface PaintedScan {
  stream: PDFRawStream;
  /** Painted size in inches. */
  widthIn: number;
  heightIn: number;
}

/**
 * The scanned image of a page when the page is that: one image painted upright (no flips or
 * rotation in the matrix) over most of the page. A scan placed with a margin (a poster page,
 * a small scan on a large sheet) is taken as is too: the margin is empty paper. Anything else
 * (several strips, text, vector graphics) is rendered.
 */
function fullPageImage(page: PDFPage): PaintedScan | null {
  const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return null;
  const content = contentText(page);
  if (content === null) return null;
  const painted = paintedImages(content);
  if (!painted || painted.length !== 1) return null;
  const ref = xobjects.get(PDFName.of(painted[0]!.name));
  const obj = ref instanceof PDFRef ? page.doc.context.lookup(ref) : ref;
  if (!(obj instanceof PDFRawStream) || nameOf(obj.dict, 'Subtype') !== 'Image') return null;
  const [a, b, c, d] = painted[0]!.ctm;
  const box = page.getMediaBox();
  const near = (x: number, y: number, tol: number) => Math.abs(x - y) <= tol;
  if (!(near(b, 0, 0.01) && near(c, 0, 0.01) && a > 0 && d > 0)) return null;
  if (a * d < 0.5 * box.width * box.height) return null;
  const unit = userUnit(page);
  return { stream: obj, widthIn: (a * unit) / 72, heightIn: (d * unit) / 72 };
}

/** 1-bit rows (1 = white) as 8-bit grey, eight pixels a byte read: the split's hottest loop on black-and-white scans. */
export function expandBits(raw: Uint8Array, width: number, height: number, rowBytes: number): Buffer {
  const grey = Buffer.alloc(width * height);
  const whole = width >> 3;
  for (let y = 0; y < height; y++) {
    const src = y * rowBytes;
    let o = y * width;
    for (let bx = 0; bx < whole; bx++, o += 8) {
      const b = raw[src + bx]!;
      if (b === 0) continue; // all black: already 0
      grey[o] = b & 0x80 ? 255 : 0;
      grey[o + 1] = b & 0x40 ? 255 : 0;
      grey[o + 2] = b & 0x20 ? 255 : 0;
      grey[o + 3] = b & 0x10 ? 255 : 0;
      grey[o + 4] = b & 0x08 ? 255 : 0;
      grey[o + 5] = b & 0x04 ? 255 : 0;
      grey[o + 6] = b & 0x02 ? 255 : 0;
      grey[o + 7] = b & 0x01 ? 255 : 0;
    }
    for (let x = whole * 8; x < width; x++, o++) grey[o] = (raw[src + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 255 : 0;
  }
  return grey;
}

/** Decodes the embedded image when that is exact and cheap; null means: render the page instead. */
async function decodeDirect(stream: PDFRawStream, maxBytes: number): Promise<Sharp | null> {
  const d = stream.dict;
  const filter = nameOf(d, 'Filter');
  const width = numberOf(d, 'Width');
  const height = numberOf(d, 'Height');
  if (!width || !height) return null;
  const limitInputPixels = width * height + 1;
  // Masks and decode arrays change what the pixels mean: leave them to the renderer.
  if (d.has(PDFName.of('SMask')) || d.has(PDFName.of('Mask')) || d.has(PDFName.of('Decode')) || boolOf(d, 'ImageMask')) return null;
  const parmsObj = d.lookup(PDFName.of('DecodeParms'));
  const parms = parmsObj instanceof PDFDict ? parmsObj : parmsObj instanceof PDFArray && parmsObj.lookup(0) instanceof PDFDict ? (parmsObj.lookup(0) as PDFDict) : undefined;
  const bytes = stream.contents;
  if (filter === 'DCTDecode') {
    return sharp(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { failOn: 'error', limitInputPixels });
  }
  if (filter === 'CCITTFaxDecode') {
    const k = numberOf(parms, 'K') ?? 0;
    if (k >= 0 || boolOf(parms, 'EncodedByteAlign')) return null;
    const cols = numberOf(parms, 'Columns') ?? 1728;
    if (cols !== width) return null;
    const tiff = wrapCcittG4(bytes, { width, height: numberOf(parms, 'Rows') ?? height, k, blackIs1: boolOf(parms, 'BlackIs1') ?? false });
    return sharp(tiff, { failOn: 'error', limitInputPixels });
  }
  if (filter === 'FlateDecode') {
    const channels = channelsOf(d);
    const bpc = numberOf(d, 'BitsPerComponent') ?? 8;
    if (!channels || (bpc !== 8 && !(bpc === 1 && channels === 1))) return null;
    const rowBytes = Math.ceil((width * channels * bpc) / 8);
    const predictorOf = numberOf(parms, 'Predictor') ?? 1;
    if (channels === 3 && bpc === 8 && rowBytes * height > BAND_BYTES && (predictorOf === 1 || predictorOf >= 10)) {
      const grey = await inflateRgbToGrey(bytes, width, height, predictorOf);
      return grey ? sharp(grey, { raw: { width, height, channels: 1 } }) : null;
    }
    // Never more than the image needs (rows + predictor bytes) and never over the stream limit.
    const need = (rowBytes + 1) * height;
    let raw: Buffer;
    try {
      raw = inflateSync(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { maxOutputLength: Math.min(maxBytes, need + 1024) });
    } catch (err) {
      if (err instanceof RangeError && need > maxBytes) throw new LimitExceededError(tooLargeStreamMessage(maxBytes), 'stream');
      return null; // more than the image holds, or damaged: the renderer reads what it needs
    }
    const predictor = numberOf(parms, 'Predictor') ?? 1;
    if (predictor >= 10) raw = unpredict(raw, rowBytes, Math.max(1, (channels * bpc) / 8));
    else if (predictor !== 1) return null;
    if (raw.length < rowBytes * height) return null;
    if (bpc === 1) return sharp(expandBits(raw, width, height, rowBytes), { raw: { width, height, channels: 1 } });
    return sharp(raw.subarray(0, rowBytes * height), { raw: { width, height, channels: channels as 1 | 3 } });
  }
  return null; // JBIG2, JPX, LZW, run length, filter chains: rendered
}

/**
 * The page as 8-bit grey PNG. Pixels that are not square (a scan at 200 x 100 dpi) are made
 * square at the finer resolution; a page larger than MAX_PAGE_PIXELS is scaled down to it, and
 * the note says so.
 */
async function toPageImage(img: Sharp, size: { width: number; height: number; xDpi: number; yDpi: number }, source: PageImage['source']): Promise<PageImage> {
  let { width: w, height: h } = size;
  let dpi = Math.max(size.xDpi, size.yDpi);
  const notes: string[] = [];
  if (Math.abs(size.xDpi / size.yDpi - 1) > 0.03) {
    w = Math.round((w * dpi) / size.xDpi);
    h = Math.round((h * dpi) / size.yDpi);
  }
  if (w * h > MAX_PAGE_PIXELS) {
    const k = Math.sqrt(MAX_PAGE_PIXELS / (w * h));
    notes.push(`siden var ${megapixels(size.width * size.height)} megapiksler og er skalert ned til ${megapixels(MAX_PAGE_PIXELS)} for lesing`);
    w = Math.max(1, Math.floor(w * k));
    h = Math.max(1, Math.floor(h * k));
    dpi *= k;
  }
  if (w !== size.width || h !== size.height) img = img.resize(w, h, { fit: 'fill', kernel: w < size.width ? 'lanczos3' : 'cubic' });
  const { png, grey } = await greyAndPng(img.flatten({ background: '#ffffff' }).toColourspace('b-w'));
  return { png, grey, width: grey.width, height: grey.height, dpi: Math.round(dpi), source, ...(notes.length ? { notes } : {}) };
}

/** A page's grey pixels and its PNG, from one decoding (the barcode reader takes the pixels). */
export async function greyAndPng(img: Sharp): Promise<{ png: Buffer; grey: { data: Buffer; width: number; height: number } }> {
  const { data, info } = await img.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const grey = { data, width: info.width, height: info.height };
  const png = await encodePng(grey);
  return { png, grey };
}

const megapixels = (px: number) => (px / 1e6).toLocaleString('nb-NO', { maximumFractionDigits: 0 });

function visibleChars(t: PageText | null): number {
  return t ? t.text.replace(/\s/g, '').length : 0;
}

function hasFonts(page: PDFPage): boolean {
  const fonts = page.node.Resources()?.lookup(PDFName.of('Font'));
  if (fonts instanceof PDFDict && fonts.keys().length > 0) return true;
  // Forms (XObjects) may carry their own text.
  const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return false;
  return xobjects.values().some((v) => {
    const o = v instanceof PDFRef ? page.doc.context.lookup(v) : v;
    return o instanceof PDFRawStream && nameOf(o.dict, 'Subtype') === 'Form';
  });
}

export interface PdfPagesOptions {
  /** Resolution for rendered pages without a scan. @defaultValue DEFAULT_RENDER_DPI */
  renderDpi?: number;
  /** Stream and page limits. @defaultValue DEFAULT_DECODE_LIMITS */
  limits?: DecodeLimits;
  /** Only these pages (1-based, inclusive). @defaultValue every page */
  pages?: PageRange;
  /** Keep the parsed file open under this key for the next range of the same file (a split in parts). */
  shareAs?: string;
}

/**
 * A file's bytes, or how to fetch them: a page job of a long file passes the fetch, so that a
 * file this process has open already (openShared) is not read from the store again for every
 * range (a 42 MB PDF, 80 times over, two at a time: issue 14).
 */
export type FileBytes = Buffer | (() => Promise<Buffer>);
export const bytesOf = async (data: FileBytes): Promise<Buffer> => (typeof data === 'function' ? data() : data);

/** Pages `first` to `last` of a file, 1-based and inclusive. */
export interface PageRange {
  first: number;
  last: number;
}

/** Every page at once (for tools and tests); the split stage uses pdfPages, one page at a time. */
export async function pdfPageImages(data: Buffer, opts: PdfPagesOptions = {}): Promise<PageImage[]> {
  const pages: PageImage[] = [];
  for await (const { grey: _, ...p } of pdfPages(data, opts)) pages.push(p);
  return pages;
}

/** A PDF opened for its pages: pdf-lib where it can read the file, pdf.js (opened when needed) otherwise. */
interface OpenPdf {
  doc: PDFDocument | null;
  count: number;
  pdfjs(): Promise<PdfjsDocument>;
  close(): Promise<void>;
}

/**
 * Opens a PDF after its streams are measured (pdf-lib inflates object streams while loading),
 * and refuses it over the page cap. Closes what it opened when it throws.
 */
async function openPdf(data: Buffer, limits: DecodeLimits): Promise<OpenPdf> {
  await checkPdfStreams(data, limits);
  let doc: PDFDocument | null = null;
  let count = 0;
  try {
    doc = await PDFDocument.load(data, { ignoreEncryption: false, updateMetadata: false, throwOnInvalidObject: false });
    count = doc.getPageCount();
  } catch {
    doc = null; // encrypted or damaged: pdf.js may still read it
  }
  let js: PdfjsDocument | null = null;
  const open: OpenPdf = {
    doc,
    count,
    async pdfjs() {
      if (!js) {
        try {
          js = await openPdfjs(data);
        } catch {
          throw new UnreadablePageError(NOT_A_PDF);
        }
      }
      return js;
    },
    async close() {
      if (js) await (js as PdfjsDocument).close();
    },
  };
  try {
    if (!doc) open.count = (await open.pdfjs()).pageCount;
    if (open.count === 0) throw new UnreadablePageError('PDF-filen har ingen sider.');
    checkPageCount(open.count, limits);
  } catch (err) {
    await open.close();
    throw err;
  }
  return open;
}

interface Shared {
  pdf: Promise<OpenPdf>;
  users: number;
  timer?: NodeJS.Timeout;
}
/** PDFs kept open for the next range of the same file (by the original's key): one parse for all its page jobs in a process. */
const shared = new Map<string, Shared>();
/** How long a shared PDF stays open without a user. */
const SHARED_IDLE_MS = 20_000;

/**
 * openPdf, shared by the page jobs of one file in this process: a 2 000-page PDF takes pdf-lib
 * seconds to parse, once per range otherwise. Kept open SHARED_IDLE_MS after its last user.
 */
async function openShared(key: string, data: FileBytes, limits: DecodeLimits): Promise<OpenPdf> {
  let s = shared.get(key);
  if (!s) {
    s = { pdf: bytesOf(data).then((bytes) => openPdf(bytes, limits)), users: 0 };
    shared.set(key, s);
    s.pdf.catch(() => shared.delete(key));
  }
  clearTimeout(s.timer);
  s.users++;
  const entry = s;
  const pdf = await entry.pdf.catch((err: unknown) => {
    entry.users--;
    throw err;
  });
  return {
    ...pdf,
    async close() {
      if (--entry.users > 0) return;
      entry.timer = setTimeout(() => {
        if (entry.users > 0 || shared.get(key) !== entry) return;
        shared.delete(key);
        void pdf.close();
      }, SHARED_IDLE_MS);
      entry.timer.unref();
    },
  };
}

/** The number of pages of a PDF, after the same checks as pdfPages (streams, page cap): what a split plans by. */
export async function pdfPageCount(data: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, shareAs?: string): Promise<number> {
  // Shared: the page jobs that follow in this process make their pages from this parse.
  const pdf = shareAs ? await openShared(shareAs, data, limits) : await openPdf(data, limits);
  await pdf.close();
  return pdf.count;
}

/**
 * Pages of a PDF as greyscale images at their true resolution. A page that is one scanned
 * image is taken as is (JPEG, Flate, CCITT G4); other pages are rendered with pdf.js. Pages
 * that carry text (born-digital) keep that text and need no OCR. `pages`: only these (a range
 * of a long file, made by its own job).
 */
export async function* pdfPages(data: FileBytes, opts: PdfPagesOptions = {}): AsyncGenerator<PageImage, void, undefined> {
  const renderDpi = opts.renderDpi ?? DEFAULT_RENDER_DPI;
  const limits = opts.limits ?? DEFAULT_DECODE_LIMITS;
  const pdf = opts.shareAs ? await openShared(opts.shareAs, data, limits) : await openPdf(await bytesOf(data), limits);
  const { doc, count } = pdf;
  const pdfjs = () => pdf.pdfjs();
  try {
    const first = Math.max(1, opts.pages?.first ?? 1);
    const last = Math.min(count, opts.pages?.last ?? count);
    for (let i = first - 1; i < last; i++) {
      const page = doc?.getPage(i);
      let image: PageImage | null = null;
      let scanDpi: number | undefined;
      if (page) {
        const scan = fullPageImage(page);
        if (scan) {
          const width = numberOf(scan.stream.dict, 'Width')!;
          const height = numberOf(scan.stream.dict, 'Height')!;
          if (width * height > MAX_SOURCE_PIXELS) {
            throw new UnreadablePageError(
              `Side ${i + 1} er for stor til å leses maskinelt (${width.toLocaleString('nb-NO')} × ${height.toLocaleString('nb-NO')} punkter, ` +
                `${megapixels(width * height)} megapiksler; grensen er ${megapixels(MAX_SOURCE_PIXELS)}). Skann siden på nytt med lavere oppløsning.`,
            );
          }
          const rotate = ((page.getRotation().angle % 360) + 360) % 360;
          // True resolution: image pixels over the painted size in inches (before /Rotate).
          const xDpi = width / scan.widthIn;
          const yDpi = height / scan.heightIn;
          scanDpi = Math.max(xDpi, yDpi);
          const img = await decodeDirect(scan.stream, limits.maxStreamBytes);
          if (img) {
            const quarter = rotate === 90 || rotate === 270;
            const size = quarter ? { width: height, height: width, xDpi: yDpi, yDpi: xDpi } : { width, height, xDpi, yDpi };
            // Resolution between 100 and 600 as stated; OCR judges the print itself (ocr/read-page.ts).
            const clampDpi = (v: number) => Math.min(600, Math.max(100, v));
            const k = clampDpi(scanDpi) / scanDpi;
            image = await toPageImage(rotate ? img.rotate(rotate) : img, { ...size, xDpi: size.xDpi * k, yDpi: size.yDpi * k }, 'pdf-image');
          }
        }
      }
      const dpi = Math.min(600, Math.max(100, Math.round(scanDpi ?? (page && imageDpi(page)) ?? renderDpi)));
      if (!image) {
        const r = await (await pdfjs()).render(i + 1, dpi, MAX_PAGE_PIXELS);
        image = await toPageImage(sharp(r.data, { raw: { width: r.width, height: r.height, channels: 1 } }), { width: r.width, height: r.height, xDpi: r.dpi, yDpi: r.dpi }, 'pdf-render');
        if (r.dpi < dpi - 0.5) (image.notes ??= []).push(`siden er svært stor og er gjengitt med ${Math.round(r.dpi)} dpi`);
      }
      if (!page || hasFonts(page)) {
        const text = await (await pdfjs()).text(i + 1, image.dpi);
        if (visibleChars(text) >= MIN_TEXT_CHARS) image.text = text!;
      }
      yield image;
    }
  } finally {
    await pdf.close();
  }
}

/**
 * The resolution of the largest image on a page that must be rendered (a scan drawn turned, in
 * strips or with a mask): its long side over the page's long side. Rendering finer adds nothing,
 * coarser throws away what the scanner saw.
 */
function imageDpi(page: PDFPage): number | undefined {
  const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return undefined;
  const box = page.getMediaBox();
  const unit = userUnit(page);
  const bw = (box.width * unit) / 72;
  const bh = (box.height * unit) / 72;
  const sizes: Array<[number, number]> = [];
  for (const v of xobjects.values()) {
    const o = v instanceof PDFRef ? page.doc.context.lookup(v) : v;
    if (!(o instanceof PDFRawStream) || nameOf(o.dict, 'Subtype') !== 'Image') continue;
    sizes.push([numberOf(o.dict, 'Width') ?? 0, numberOf(o.dict, 'Height') ?? 0]);
  }
  if (!sizes.length) return undefined;
  // One image drawn turned (a portrait scan on a landscape page) spans the page the other way;
  // several images are strips of one scan, full width: their resolution is across the page.
  if (sizes.length === 1) {
    const [w, h] = sizes[0]!;
    return (w > h) === (bw > bh) ? Math.max(w / bw, h / bh) : Math.max(w / bh, h / bw);
  }
  return Math.max(...sizes.map(([w]) => w / bw)) || undefined;
}

/** What the mail room is told about a file that is not a readable PDF. */
export const NOT_A_PDF = 'Filen er ikke en lesbar PDF: den er skadet eller ufullstendig (kanskje avbrutt under overføring). Be om filen på nytt, eller skann papiret igjen.';
