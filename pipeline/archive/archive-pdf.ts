import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import {
  PDFArray, PDFBool, PDFDict, PDFDocument, PDFHexString, PDFName, PDFObjectCopier, PDFPage, PDFRawStream, PDFRef, PDFString, decodePDFRawStream, degrees,
  type PDFContext, type PDFObject,
} from 'pdf-lib';
import sharp from 'sharp';
import type { PageImage } from '../pages/page-image.ts';
import { optimisePdf } from './optimise.ts';
import { encodePage } from './page-encoding.ts';
import { renderedColour } from './pdf-colour.ts';

/** One page of the archive variant. */
export interface ArchivePage extends Pick<PageImage, 'png' | 'width' | 'height' | 'dpi'> {
  /** The page in colour, upright like `png` (a JPEG), when the scan is in colour: kept instead of the grey image. */
  colour?: Buffer | null;
  /** Tesseract's one-page text-only PDF for this image (invisible text over nothing). */
  textPdf?: Buffer | null;
  /** Born-digital page: copied from the original PDF (its own text stays searchable). */
  original?: { pdf: Buffer; pageIndex: number } | null;
  /**
   * Scanned page of a PDF: its original page is kept as it is (image encoding and colour
   * untouched, as OCRmyPDF does), turned upright with /Rotate, and the text layer laid over it,
   * when the page holds nothing but images PDF/A allows. `orientation` and `skew` are what
   * normalisation turned the page by (clockwise degrees).
   */
  scan?: { pdf: Buffer; pageIndex: number; orientation: number; skew: number } | null;
}

export interface ArchiveMeta {
  title: string;
  documentId: string;
  /** Dates in the file; fixed per document so the same input gives the same bytes. */
  created?: Date;
}

let srgb: Promise<Buffer> | undefined;

/** libvips' built-in sRGB profile (shipped with sharp): the PDF/A output intent. */
export function srgbProfile(): Promise<Buffer> {
  srgb ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } })
    .withIccProfile('srgb')
    .png()
    .toBuffer()
    .then(async (png) => {
      const icc = (await sharp(png).metadata()).icc;
      if (!icc) throw new Error('sharp did not embed its sRGB profile');
      return icc;
    });
  return srgb;
}

const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/**
 * The XMP packet: the PDF/A-2b claim and what the document information dictionary says (title,
 * producer, dates), plus the journalpost id, in one description and as few bytes as XMP allows
 * (it may not be compressed in PDF/A, and on a small scan it is a fair share of the file).
 */
function xmp(meta: { title: string; producer: string; date: Date; documentId: string }): string {
  const d = meta.date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`
    + `<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"`
    + ` pdfaid:part="2" pdfaid:conformance="B" xmp:CreateDate="${d}" xmp:ModifyDate="${d}" pdf:Producer="${xmlEscape(meta.producer)}">`
    + `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(meta.title)}</rdf:li></rdf:Alt></dc:title><dc:identifier>${xmlEscape(meta.documentId)}</dc:identifier>`
    + '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
}

/** Content streams of a page, as references (a single stream or an array of them). */
function contentRefs(page: PDFPage): PDFRef[] {
  const c = page.node.get(PDFName.of('Contents'));
  if (c instanceof PDFArray) return c.asArray().filter((x): x is PDFRef => x instanceof PDFRef);
  return c instanceof PDFRef ? [c] : [];
}

// Filters PDF/A-2 allows for images (no LZW); a page holding anything else (fonts, forms) is re-encoded.
const PDFA_IMAGE_FILTERS = new Set(['FlateDecode', 'DCTDecode', 'CCITTFaxDecode', 'JBIG2Decode', 'RunLengthDecode', 'JPXDecode']);

const lookup = (context: PDFContext, o: PDFObject | undefined): PDFObject | undefined => (o instanceof PDFRef ? context.lookup(o) : o);

/**
 * Whether a colour space may stand in a PDF/A-2 file whose output intent is sRGB: device grey and
 * RGB, calibrated and ICC-based spaces, and indexed, separation or DeviceN spaces built on them.
 * DeviceCMYK is not (it needs a CMYK output intent). 'black-ink' is a one-colorant DeviceN or
 * separation over CMYK, which a 1-bit image can say exactly as DeviceGray, inverted.
 */
export function colourSpaceFits(context: PDFContext, cs: PDFObject | undefined): 'yes' | 'no' | 'black-ink' {
  cs = lookup(context, cs);
  if (cs instanceof PDFName) return ['DeviceGray', 'DeviceRGB', 'Pattern'].includes(cs.decodeText()) ? 'yes' : 'no';
  if (!(cs instanceof PDFArray) || cs.size() === 0) return 'no';
  const family = lookup(context, cs.get(0));
  const kind = family instanceof PDFName ? family.decodeText() : '';
  if (['ICCBased', 'CalGray', 'CalRGB', 'Lab'].includes(kind)) return 'yes';
  if (kind === 'Indexed') return colourSpaceFits(context, cs.get(1)) === 'yes' ? 'yes' : 'no';
  if (kind === 'Separation' || kind === 'DeviceN') {
    const alternate = colourSpaceFits(context, cs.get(2));
    if (alternate === 'yes') return 'yes';
    const names = lookup(context, cs.get(1));
    const colorants = kind === 'Separation' ? [names] : names instanceof PDFArray ? names.asArray().map((n) => lookup(context, n)) : [];
    return colorants.length === 1 && colorants[0] instanceof PDFName && colorants[0].decodeText() === 'Black' ? 'black-ink' : 'no';
  }
  return 'no';
}

/**
 * An image XObject PDF/A-2 takes (filters, no alternates or OPI, a colour space that fits), as it
 * is or after `fitImages`. Its /Interpolate (a hint to smooth when scaling up, which PDF/A does
 * not allow) is dropped there; the pixels are the same.
 */
function imageFits(context: PDFContext, x: PDFObject | undefined, mask = false): 'yes' | 'no' | 'black-ink' {
  if (!(x instanceof PDFRawStream)) return 'no';
  const d = x.dict;
  if (d.get(PDFName.of('Subtype'))?.toString() !== '/Image') return 'no';
  if (d.get(PDFName.of('OPI')) || d.get(PDFName.of('Alternates'))) return 'no';
  const f = d.lookup(PDFName.of('Filter'));
  const filters = f instanceof PDFArray ? f.asArray() : f ? [f] : [];
  if (filters.some((n) => !PDFA_IMAGE_FILTERS.has(n.toString().slice(1)))) return 'no';
  // A soft mask (transparency) is allowed in PDF/A-2; it must be a grey image itself.
  const smask = d.get(PDFName.of('SMask'));
  if (smask && (mask || imageFits(context, lookup(context, smask), true) !== 'yes')) return 'no';
  const imageMask = d.lookup(PDFName.of('ImageMask'));
  if (imageMask instanceof PDFBool && imageMask.asBoolean()) return 'yes';
  const fits = colourSpaceFits(context, d.get(PDFName.of('ColorSpace')));
  if (fits === 'black-ink') return d.lookup(PDFName.of('BitsPerComponent'))?.toString() === '1' ? 'black-ink' : 'no';
  return fits;
}

/** A scanned page we may keep as it is: only image XObjects PDF/A allows, colour spaces that fit the sRGB intent. */
export function keepsAsItIs(page: PDFPage): boolean {
  const context = page.doc.context;
  const res = page.node.Resources();
  if (!res) return false;
  for (const key of res.keys()) {
    const k = key.asString();
    if (k === '/XObject' || k === '/ProcSet') continue;
    const v = res.lookup(key);
    if (k === '/ColorSpace' && v instanceof PDFDict) {
      if (v.values().some((cs) => colourSpaceFits(context, cs) !== 'yes')) return false;
      continue;
    }
    if (k === '/ExtGState' && v instanceof PDFDict) {
      // Transfer functions and halftones are not allowed in PDF/A.
      const bad = v.values().some((g) => {
        const gs = lookup(context, g);
        return !(gs instanceof PDFDict) || ['TR', 'TR2', 'HT', 'HTP'].some((n) => gs.has(PDFName.of(n)) && gs.lookup(PDFName.of(n))?.toString() !== '/Default');
      });
      if (bad) return false;
      continue;
    }
    if (v instanceof PDFDict && v.keys().length === 0) continue; // an empty /Font, as pdf-lib writes
    return false; // fonts, patterns, shadings, properties: not a plain scan
  }
  const xobjects = res.lookupMaybe(PDFName.of('XObject'), PDFDict);
  if (!xobjects || xobjects.keys().length === 0) return false;
  return xobjects.values().every((x) => imageFits(context, lookup(context, x)) !== 'no');
}

/**
 * The kept page's images made to fit PDF/A without touching a pixel: no /Interpolate, and a
 * 1-bit image in black ink over CMYK said as DeviceGray (ink 1 = black = grey 0).
 */
function fitImages(page: PDFPage): void {
  const context = page.doc.context;
  const xobjects = page.node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict);
  for (const x of xobjects?.values() ?? []) {
    const img = lookup(context, x);
    if (!(img instanceof PDFRawStream)) continue;
    for (const im of [img, lookup(context, img.dict.get(PDFName.of('SMask')))]) {
      if (im instanceof PDFRawStream) im.dict.delete(PDFName.of('Interpolate'));
    }
    if (imageFits(context, img) !== 'black-ink') continue;
    const decode = img.dict.lookup(PDFName.of('Decode'));
    const inverted = decode instanceof PDFArray && decode.lookup(0)?.toString() === '1';
    img.dict.set(PDFName.of('ColorSpace'), PDFName.of('DeviceGray'));
    img.dict.set(PDFName.of('Decode'), context.obj(inverted ? [0, 1] : [1, 0]));
  }
}

type Matrix = [number, number, number, number, number, number];
const mul = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1], m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3], m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4], m[1] * n[4] + m[3] * n[5] + m[5],
];

/**
 * Where the text layer goes on a kept original page: scaled to the upright page (`uw` x `uh`
 * points), turned back by the skew normalisation removed (about the centre), then from the upright
 * view into the page's own user space, which viewers show turned by `rotate` degrees clockwise.
 */
export function textLayerMatrix(box: { x: number; y: number; width: number; height: number }, rotate: number, skew: number, sx: number, sy: number, uw: number, uh: number): Matrix {
  const { x: x0, y: y0, width: W, height: H } = box;
  const toUser: Record<number, Matrix> = {
    0: [1, 0, 0, 1, x0, y0],
    90: [0, 1, -1, 0, x0 + W, y0],
    180: [-1, 0, 0, -1, x0 + W, y0 + H],
    270: [0, -1, 1, 0, x0, y0 + H],
  };
  const t = (skew * Math.PI) / 180; // the image was turned clockwise by `skew`: turn the text back
  const [c, s] = [Math.cos(t), Math.sin(t)];
  const aboutCentre = mul(mul([1, 0, 0, 1, uw / 2, uh / 2], [c, s, -s, c, 0, 0]), [1, 0, 0, 1, -uw / 2, -uh / 2]);
  return mul(mul(toUser[rotate]!, aboutCentre), [sx, 0, 0, sy, 0, 0]);
}

const num = (n: number) => String(Math.round(n * 10000) / 10000);
const cm = (m: readonly number[]) => `${m.map(num).join(' ')} cm`;

/** The page's content streams decoded and joined, or null when one cannot be decoded. */
function decodedContent(page: PDFPage): string | null {
  const parts: string[] = [];
  for (const ref of contentRefs(page)) {
    const s = page.doc.context.lookup(ref);
    if (!(s instanceof PDFRawStream)) return null;
    try {
      parts.push(Buffer.from(decodePDFRawStream(s).decode()).toString('latin1'));
    } catch {
      return null;
    }
  }
  return parts.join('\n');
}

/** A name for a new resource that the page does not use yet. */
function freeName(dict: PDFDict, base: string): PDFName {
  for (let i = 0; ; i++) {
    const n = PDFName.of(i ? `${base}${i}` : base);
    if (!dict.has(n)) return n;
  }
}

/**
 * Tesseract's one-page text PDF laid onto `page`: its text operators go straight into the page's
 * content (wrapped in q/Q, placed by `place`, which gets the text page's size in points) and its
 * font joins the page's fonts. Only when a font name is taken already does the text go into a
 * form XObject of its own. Returns the operators to append to the page's content.
 */
async function textLayerOps(page: PDFPage, textPdf: Buffer, place: (width: number, height: number) => readonly number[]): Promise<string> {
  const { context } = page.doc;
  const src = await PDFDocument.load(textPdf, { updateMetadata: false });
  const textPage = src.getPage(0);
  const ops = decodedContent(textPage);
  if (ops === null) throw new Error('the OCR text layer cannot be read');
  const box = textPage.getMediaBox();
  const srcFonts = textPage.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict);
  const fonts = srcFonts ? (PDFObjectCopier.for(src.context, context).copy(srcFonts) as PDFDict) : context.obj({});
  const m = cm(place(box.width, box.height));
  const res = page.node.Resources() ?? context.obj({});
  page.node.set(PDFName.of('Resources'), res);
  const pageFonts = res.lookupMaybe(PDFName.of('Font'), PDFDict);
  if (!pageFonts || fonts.keys().every((k) => !pageFonts.has(k))) {
    const merged = pageFonts ?? context.obj({});
    for (const [k, v] of fonts.entries()) merged.set(k, v);
    res.set(PDFName.of('Font'), merged);
    return `q ${m}\n${ops}\nQ\n`;
  }
  const form = context.register(context.stream(new Uint8Array(deflateSync(Buffer.from(ops, 'latin1'), { level: 9 })), {
    Type: 'XObject', Subtype: 'Form', BBox: [box.x, box.y, box.x + box.width, box.y + box.height], Resources: { Font: fonts }, Filter: 'FlateDecode',
  }));
  const xobjects = res.lookupMaybe(PDFName.of('XObject'), PDFDict) ?? context.obj({});
  res.set(PDFName.of('XObject'), xobjects);
  const name = freeName(xobjects, 'TextLayer');
  xobjects.set(name, form);
  return `q ${m} ${name.toString()} Do Q\n`;
}

/** A literal string where the text is plain ASCII, else UTF-16 (hex), as PDF text strings are. */
const textString = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? PDFString.of(s.replace(/[()\\]/g, (c) => `\\${c}`)) : PDFHexString.fromText(s));

/**
 * The archive variant of a document: each scanned page image with tesseract's invisible text
 * layer on top (searchable, selectable), born-digital pages copied as they are, built towards
 * PDF/A-2b: XMP metadata with the PDF/A identification, an sRGB output intent, a file ID,
 * embedded fonts only (tesseract's GlyphLessFont, once for all pages). Written compactly: one
 * content stream per page, object streams and a compressed cross-reference table, no unused or
 * duplicate objects (pipeline/archive/optimise.ts). Not validated by a PDF/A validator here.
 */
export async function buildArchivePdf(pages: ArchivePage[], meta: ArchiveMeta): Promise<Buffer> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const { context } = pdf;
  const date = meta.created ?? new Date(0);
  const producer = 'intake (pdf-lib, tesseract.js)';
  // The document information dictionary says only what the XMP says too (PDF/A wants them equal).
  context.trailerInfo.Info = context.register(context.obj({
    Title: textString(meta.title), Producer: textString(producer),
    CreationDate: PDFString.fromDate(date), ModDate: PDFString.fromDate(date),
  }));
  pdf.catalog.set(PDFName.of('ViewerPreferences'), context.obj({ DisplayDocTitle: true }));
  pdf.setLanguage('nb-NO');

  const originals = new Map<Buffer, PDFDocument>();
  const load = async (bytes: Buffer) => {
    let src = originals.get(bytes);
    if (!src) {
      src = await PDFDocument.load(bytes, { updateMetadata: false });
      originals.set(bytes, src);
    }
    return src;
  };
  // Pages of one source are copied in one go, so what they share (an image used on every page) is copied once.
  const copies = new Map<Buffer, Map<number, PDFPage>>();
  const bySource = new Map<Buffer, Set<number>>();
  for (const p of pages) {
    const from = p.scan ?? p.original;
    if (!from) continue;
    const src = await load(from.pdf).catch(() => null);
    const srcPage = src?.getPages()[from.pageIndex];
    if (!src || !srcPage || (p.scan && !p.original && !keepsAsItIs(srcPage))) continue;
    bySource.set(from.pdf, (bySource.get(from.pdf) ?? new Set()).add(from.pageIndex));
  }
  for (const [bytes, indices] of bySource) {
    const list = [...indices];
    const copied = await pdf.copyPages(await load(bytes), list);
    copies.set(bytes, new Map(list.map((i, k) => [i, copied[k]!])));
  }
  const contentStream = (ops: string) => context.register(context.stream(new Uint8Array(deflateSync(Buffer.from(ops, 'latin1'), { level: 9 })), { Filter: 'FlateDecode' }));
  for (const p of pages) {
    if (p.scan && !p.original) {
      const copied = copies.get(p.scan.pdf)?.get(p.scan.pageIndex);
      if (copied) {
        const page = pdf.addPage(copied);
        fitImages(page);
        page.node.Resources()?.delete(PDFName.of('ProcSet')); // obsolete since PDF 1.4
        const r0 = ((page.getRotation().angle % 360) + 360) % 360;
        const q = ((Math.round(p.scan.orientation / 90) * 90 % 360) + 360) % 360;
        const box = page.getMediaBox();
        page.setRotation(degrees((r0 + q) % 360));
        const turned = (r0 + q) % 180 !== 0;
        const [uw, uh] = turned ? [box.height, box.width] : [box.width, box.height]; // the upright page, in points
        const layerOps = p.textPdf
          ? await textLayerOps(page, p.textPdf, (lw, lh) => textLayerMatrix({ x: box.x, y: box.y, width: box.width, height: box.height }, (r0 + q) % 360, p.scan!.skew, uw / lw, uh / lh, uw, uh))
          : '';
        // The original's content keeps its own graphics state; the text layer is drawn after it.
        const original = decodedContent(page);
        if (original !== null) {
          page.node.set(PDFName.of('Contents'), contentStream(`q\n${original}\nQ\n${layerOps}`));
        } else {
          page.node.set(PDFName.of('Contents'), context.obj([contentStream('q\n'), ...contentRefs(page), contentStream(`\nQ\n${layerOps}`)]));
        }
        continue;
      }
    }
    if (p.original) {
      const copied = copies.get(p.original.pdf)?.get(p.original.pageIndex) ?? (await pdf.copyPages(await load(p.original.pdf), [p.original.pageIndex]))[0];
      pdf.addPage(copied!);
      continue;
    }
    const w = (p.width / p.dpi) * 72;
    const h = (p.height / p.dpi) * 72;
    const page = pdf.addPage([w, h]);
    // A scanned PDF page rebuilt here keeps its colour: the page rendered in colour, turned like the grey one.
    const colour = p.colour ?? (p.scan ? await renderedColour(p.scan.pdf, p.scan.pageIndex, p.scan.orientation, p.scan.skew, { width: p.width, height: p.height }).catch(() => null) : null);
    // Each page in the encoding its pixels need: 1-bit CCITT G4 for black-and-white scans,
    // JPEG for grey and colour ones (pipeline/archive/page-encoding.ts).
    const images = await encodePage({ png: p.png, colour });
    const xScale = w / images.width;
    const yScale = h / images.height;
    const xobjects: Record<string, PDFRef> = {};
    let ops = '';
    for (const [k, img] of images.parts.entries()) {
      xobjects[`S${k}`] = context.register(context.stream(img.data, img.dict as Parameters<typeof context.stream>[1]));
      const bottom = h - (img.y + img.rows) * yScale;
      ops += `q ${cm([images.width * xScale, 0, 0, img.rows * yScale, 0, bottom])} /S${k} Do Q\n`;
    }
    page.node.set(PDFName.of('Resources'), context.obj({ XObject: xobjects }));
    if (p.textPdf) ops += await textLayerOps(page, p.textPdf, (lw, lh) => [w / lw, 0, 0, h / lh, 0, 0]);
    page.node.set(PDFName.of('Contents'), contentStream(ops));
  }

  // XMP is UTF-8 (ISO 16684-1): the string is encoded here, not handed to pdf-lib as characters. Never compressed (PDF/A).
  const metadata = context.stream(new Uint8Array(Buffer.from(xmp({ title: meta.title, producer, date, documentId: meta.documentId }), 'utf8')), { Type: 'Metadata', Subtype: 'XML' });
  pdf.catalog.set(PDFName.of('Metadata'), context.register(metadata));
  // libvips' built-in sRGB profile: a compact (480-byte) ICC v4 profile.
  const icc = await srgbProfile();
  const iccRef = context.register(context.stream(deflateSync(icc, { level: 9 }), { N: 3, Filter: 'FlateDecode' }));
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: iccRef,
  }) as PDFDict;
  pdf.catalog.set(PDFName.of('OutputIntents'), context.obj([intent]) as PDFArray);
  // PDF/A wants a file identifier; derive it from the content so it is stable.
  const id = createHash('md5').update(meta.documentId).update(String(pages.length)).update(date.toISOString()).digest('hex');
  context.trailerInfo.ID = context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
  await optimisePdf(context);
  return Buffer.from(await pdf.save({ useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false }));
}
