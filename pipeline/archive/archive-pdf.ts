import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import {
  PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString, concatTransformationMatrix, drawObject,
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
  for (const p of pages) {
    if (p.original) {
      let src = originals.get(p.original.pdf);
      if (!src) {
        src = await PDFDocument.load(p.original.pdf, { updateMetadata: false });
        originals.set(p.original.pdf, src);
      }
      const [copied] = await pdf.copyPages(src, [p.original.pageIndex]);
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
