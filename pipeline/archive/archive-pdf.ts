import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import {
  PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFPage, PDFRawStream, PDFRef, PDFString, concatTransformationMatrix, degrees, drawObject,
  popGraphicsState, pushGraphicsState,
} from 'pdf-lib';
import sharp from 'sharp';
import type { PageImage } from '../pages/page-image.ts';
import { encodePage } from './page-encoding.ts';

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

function xmp(meta: { title: string; producer: string; date: Date; documentId: string }): string {
  const d = meta.date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(meta.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:identifier>${xmlEscape(meta.documentId)}</dc:identifier>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreateDate>${d}</xmp:CreateDate>
   <xmp:ModifyDate>${d}</xmp:ModifyDate>
   <xmp:MetadataDate>${d}</xmp:MetadataDate>
   <xmp:CreatorTool>intake</xmp:CreatorTool>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>${xmlEscape(meta.producer)}</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

/** Content streams of a page, as references (a single stream or an array of them). */
function contentRefs(page: PDFPage): PDFRef[] {
  const c = page.node.get(PDFName.of('Contents'));
  if (c instanceof PDFArray) return c.asArray().filter((x): x is PDFRef => x instanceof PDFRef);
  return c instanceof PDFRef ? [c] : [];
}

// Filters PDF/A-2 allows for images (no LZW); a page holding anything else (fonts, forms) is re-encoded.
const PDFA_IMAGE_FILTERS = new Set(['FlateDecode', 'DCTDecode', 'CCITTFaxDecode', 'JBIG2Decode', 'RunLengthDecode', 'JPXDecode']);

/** A scanned page we may keep as it is: only image XObjects, each with PDF/A-compatible filters. */
export function keepsAsItIs(page: PDFPage): boolean {
  const res = page.node.Resources();
  if (!res) return false;
  for (const key of res.keys()) {
    const k = key.asString();
    if (k === '/XObject' || k === '/ProcSet' || k === '/ColorSpace' || k === '/ExtGState') continue;
    const v = res.lookup(key);
    if (v instanceof PDFDict && v.keys().length === 0) continue; // an empty /Font, as pdf-lib writes
    return false; // fonts, patterns, shadings, properties: not a plain scan
  }
  const xobjects = res.lookupMaybe(PDFName.of('XObject'), PDFDict);
  if (!xobjects || xobjects.keys().length === 0) return false;
  for (const key of xobjects.keys()) {
    const x = xobjects.lookup(key);
    if (!(x instanceof PDFRawStream)) return false;
    if (x.dict.get(PDFName.of('Subtype'))?.toString() !== '/Image') return false;
    if (x.dict.get(PDFName.of('SMask')) || x.dict.get(PDFName.of('OPI'))) return false;
    const f = x.dict.lookup(PDFName.of('Filter'));
    const filters = f instanceof PDFArray ? f.asArray() : f ? [f] : [];
    if (filters.some((n) => !PDFA_IMAGE_FILTERS.has(n.toString().slice(1)))) return false;
  }
  return true;
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

/**
 * The archive variant of a document: each scanned page image with tesseract's invisible text
 * layer on top (searchable, selectable), born-digital pages copied as they are, built towards
 * PDF/A-2b: XMP metadata with the PDF/A identification, an sRGB output intent, a file ID,
 * embedded fonts only (tesseract's GlyphLessFont). Not validated by a PDF/A validator here.
 */
export async function buildArchivePdf(pages: ArchivePage[], meta: ArchiveMeta): Promise<Buffer> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const date = meta.created ?? new Date(0);
  const producer = 'intake (pdf-lib, tesseract.js)';
  pdf.setTitle(meta.title, { showInWindowTitleBar: true });
  pdf.setSubject(`journalpost ${meta.documentId}`);
  pdf.setProducer(producer);
  pdf.setCreator('intake');
  pdf.setCreationDate(date);
  pdf.setModificationDate(date);
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
  for (const p of pages) {
    if (p.scan && !p.original) {
      const copied = copies.get(p.scan.pdf)?.get(p.scan.pageIndex);
      if (copied) {
        const page = pdf.addPage(copied);
        const r0 = ((page.getRotation().angle % 360) + 360) % 360;
        const q = ((Math.round(p.scan.orientation / 90) * 90 % 360) + 360) % 360;
        const box = page.getMediaBox();
        // The original's content keeps its own graphics state; the text layer is drawn after it.
        page.node.set(PDFName.of('Contents'), pdf.context.obj([
          pdf.context.register(pdf.context.stream('q\n')),
          ...contentRefs(page),
          pdf.context.register(pdf.context.stream('\nQ\n')),
        ]));
        page.setRotation(degrees((r0 + q) % 360));
        if (p.textPdf) {
          const [layer] = await pdf.embedPdf(p.textPdf, [0]);
          const turned = (r0 + q) % 180 !== 0;
          const [uw, uh] = turned ? [box.height, box.width] : [box.width, box.height]; // the upright page, in points
          const m = textLayerMatrix({ x: box.x, y: box.y, width: box.width, height: box.height }, (r0 + q) % 360, p.scan.skew, uw / layer!.width, uh / layer!.height, uw, uh);
          const name = page.node.newXObject('TextLayer', layer!.ref);
          page.pushOperators(pushGraphicsState(), concatTransformationMatrix(...m), drawObject(name), popGraphicsState());
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
    // Each page in the encoding its pixels need: 1-bit CCITT G4 for black-and-white scans,
    // JPEG for grey and colour ones (pipeline/archive/page-encoding.ts).
    const images = await encodePage(p);
    const xScale = w / images.width;
    const yScale = h / images.height;
    for (const [k, img] of images.parts.entries()) {
      const ref = pdf.context.register(pdf.context.stream(img.data, img.dict as Parameters<typeof pdf.context.stream>[1]));
      const name = page.node.newXObject(`Scan${k}`, ref);
      const bottom = h - (img.y + img.rows) * yScale;
      page.pushOperators(pushGraphicsState(), concatTransformationMatrix(images.width * xScale, 0, 0, img.rows * yScale, 0, bottom), drawObject(name), popGraphicsState());
    }
    if (p.textPdf) {
      const [layer] = await pdf.embedPdf(p.textPdf, [0]);
      page.drawPage(layer!, { x: 0, y: 0, width: w, height: h });
    }
  }

  // XMP is UTF-8 (ISO 16684-1): the string is encoded here, not handed to pdf-lib as characters.
  const metadata = pdf.context.stream(new Uint8Array(Buffer.from(xmp({ title: meta.title, producer, date, documentId: meta.documentId }), 'utf8')), { Type: 'Metadata', Subtype: 'XML' });
  pdf.catalog.set(PDFName.of('Metadata'), pdf.context.register(metadata));
  const icc = await srgbProfile();
  const iccRef = pdf.context.register(pdf.context.stream(deflateSync(icc), { N: 3, Filter: 'FlateDecode' }));
  const intent = pdf.context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: iccRef,
  }) as PDFDict;
  pdf.catalog.set(PDFName.of('OutputIntents'), pdf.context.obj([intent]) as PDFArray);
  // PDF/A wants a file identifier; derive it from the content so it is stable.
  const id = createHash('md5').update(meta.documentId).update(String(pages.length)).update(date.toISOString()).digest('hex');
  pdf.context.trailerInfo.ID = pdf.context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}
