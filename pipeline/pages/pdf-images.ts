import { inflateSync } from 'node:zlib';
import {
  PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, type PDFPage,
} from 'pdf-lib';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { UnreadablePageError, type PageImage } from './page-image.ts';

/** Undoes PNG row predictors (Predictor >= 10) used by some Flate-encoded images. */
function unpredict(data: Buffer, columns: number, bpp: number): Buffer {
  const row = columns * bpp;
  const rows = Math.floor(data.length / (row + 1));
  const out = Buffer.alloc(rows * row);
  for (let y = 0; y < rows; y++) {
    const type = data[y * (row + 1)]!;
    const src = y * (row + 1) + 1;
    const dst = y * row;
    for (let x = 0; x < row; x++) {
      const raw = data[src + x]!;
      const left = x >= bpp ? out[dst + x - bpp]! : 0;
      const up = y > 0 ? out[dst - row + x]! : 0;
      const upLeft = y > 0 && x >= bpp ? out[dst - row + x - bpp]! : 0;
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
      out[dst + x] = v & 0xff;
    }
  }
  return out;
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

/** The largest image XObject painted on the page (scanned pages carry one). */
function pageImageStream(page: PDFPage): PDFRawStream | null {
  const resources = page.node.Resources();
  const xobjects = resources?.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return null;
  let best: PDFRawStream | null = null;
  let bestArea = 0;
  for (const [, ref] of xobjects.entries()) {
    const obj = ref instanceof PDFRef ? page.doc.context.lookup(ref) : ref;
    if (!(obj instanceof PDFRawStream)) continue;
    if (nameOf(obj.dict, 'Subtype') !== 'Image') continue;
    const area = (numberOf(obj.dict, 'Width') ?? 0) * (numberOf(obj.dict, 'Height') ?? 0);
    if (area > bestArea) {
      best = obj;
      bestArea = area;
    }
  }
  return best;
}

async function decodeImage(stream: PDFRawStream): Promise<Sharp> {
  const d = stream.dict;
  const filter = nameOf(d, 'Filter');
  const width = numberOf(d, 'Width')!;
  const height = numberOf(d, 'Height')!;
  if (filter === 'DCTDecode') return sharp(Buffer.from(stream.contents));
  if (filter === 'FlateDecode') {
    const cs = nameOf(d, 'ColorSpace');
    const bpc = numberOf(d, 'BitsPerComponent') ?? 8;
    const channels = cs === 'DeviceRGB' ? 3 : cs === 'DeviceGray' ? 1 : 0;
    if (!channels || bpc !== 8) throw new UnreadablePageError(`unsupported Flate image (${cs ?? 'no colour space'}, ${bpc} bit)`);
    let raw: Buffer = inflateSync(Buffer.from(stream.contents));
    const parms = d.lookup(PDFName.of('DecodeParms'));
    const predictor = parms instanceof PDFDict ? numberOf(parms, 'Predictor') : undefined;
    if (predictor && predictor >= 10) raw = unpredict(raw, width, channels);
    return sharp(raw, { raw: { width, height, channels: channels as 1 | 3 } });
  }
  throw new UnreadablePageError(`page image encoding ${filter ?? 'none'} is not supported yet`);
}

/** Pages of a PDF made of scanned images, extracted exactly (no re-rendering). */
export async function pdfPageImages(data: Buffer): Promise<PageImage[]> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(data, { ignoreEncryption: false, updateMetadata: false });
  } catch (err) {
    throw new UnreadablePageError(`not a readable PDF: ${(err as Error).message.slice(0, 200)}`);
  }
  const pages: PageImage[] = [];
  for (const [i, page] of doc.getPages().entries()) {
    const stream = pageImageStream(page);
    if (!stream) throw new UnreadablePageError(`page ${i + 1} has no scanned image (text-only PDFs are not supported yet)`);
    const rotate = ((page.getRotation().angle % 360) + 360) % 360;
    const img = (await decodeImage(stream)).rotate(rotate).grayscale();
    const { data: png, info } = await img.png().toBuffer({ resolveWithObject: true });
    // True resolution: image pixels over the page's width in inches (rotation swaps axes).
    const { width: wPt, height: hPt } = page.getSize();
    const inches = (rotate === 90 || rotate === 270 ? hPt : wPt) / 72;
    pages.push({ png, width: info.width, height: info.height, dpi: Math.round(info.width / inches) });
  }
  if (pages.length === 0) throw new UnreadablePageError('PDF has no pages');
  return pages;
}
