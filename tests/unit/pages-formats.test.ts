import { PDFDocument, PDFName, StandardFonts, concatTransformationMatrix, degrees, drawObject, popGraphicsState, pushGraphicsState } from 'pdf-lib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { toMultipageTiff, toPdf } from '../../fixtures/documents.ts';
import { renderPage, type RenderedPage } from '../../fixtures/render-page.ts';
import { extractPages } from '../../pipeline/pages/extract-pages.ts';
import { encodePng, toGrey } from '../../pipeline/pages/normalise.ts';
import { UnreadablePageError, type PageImage } from '../../pipeline/pages/page-image.ts';
import { readTiffPages } from '../../pipeline/pages/tiff.ts';

// Small pages keep this file fast: 100 dpi A4 is 827 x 1169 pixels.
const DPI = 100;
const content = { lines: [{ text: 'NAV 04-01.03 Søknad om dagpenger', size: 14, bold: true }, { text: 'Fødselsnummer: 01815010260' }] };
let png: RenderedPage;
let jpeg: RenderedPage;

beforeAll(async () => {
  png = await renderPage(content, { dpi: DPI });
  jpeg = await renderPage(content, { dpi: DPI, jpegQuality: 80 });
});

/** Mean grey of the page's top band, where the text is: ink makes it darker than paper. */
async function inkIn(page: PageImage, fromTop = 0, rows = 0.15): Promise<number> {
  const { data, info } = await sharp(page.png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(1);
  const y0 = Math.floor(info.height * fromTop);
  const y1 = Math.floor(info.height * (fromTop + rows));
  let dark = 0;
  for (let i = y0 * info.width; i < y1 * info.width; i++) if (data[i]! < 128) dark++;
  return dark / ((y1 - y0) * info.width);
}

/** A one-image PDF page built by hand around an image XObject. */
async function pdfWithImage(dict: Record<string, unknown>, bytes: Uint8Array, size: [number, number], rotate = 0): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage(size);
  const ref = doc.context.register(doc.context.stream(bytes, { Type: 'XObject', Subtype: 'Image', ...dict } as never));
  const name = page.node.newXObject('Im', ref);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(size[0], 0, 0, size[1], 0, 0), drawObject(name), popGraphicsState());
  if (rotate) page.setRotation(degrees(rotate));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** G4 bytes of a small 1-bit image, taken out of a one-strip TIFF made by sharp. */
async function g4Strip(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/><rect x="10" y="10" width="${width - 20}" height="40" fill="#000"/></svg>`;
  const tif = await sharp(Buffer.from(svg)).removeAlpha().toColourspace('b-w').tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite: true }).toBuffer();
  const ifd = tif.readUInt32LE(4);
  const tags = new Map<number, number>();
  for (let i = 0; i < tif.readUInt16LE(ifd); i++) {
    const e = ifd + 2 + i * 12;
    tags.set(tif.readUInt16LE(e), tif.readUInt16LE(e + 2) === 3 ? tif.readUInt16LE(e + 8) : tif.readUInt32LE(e + 8));
  }
  expect(tags.get(278)).toBeGreaterThanOrEqual(height); // one strip
  return tif.subarray(tags.get(273)!, tags.get(273)! + tags.get(279)!);
}

describe('page extraction, per format', () => {
  it('takes the JPEG (DCTDecode) scan out of a PDF as is, at its true resolution', async () => {
    const [page, ...rest] = await extractPages(await toPdf([jpeg]), 'application/pdf');
    expect(rest).toEqual([]);
    expect(page).toMatchObject({ width: jpeg.width, height: jpeg.height, dpi: DPI, source: 'pdf-image' });
    expect(page!.text).toBeUndefined();
    expect(await inkIn(page!)).toBeGreaterThan(0.005);
  });

  it('stores every page as a one-channel grey PNG, with the same pixels, and the upright page with its resolution', async () => {
    // PNG colour type (byte 25 of the file): 0 is grey, 2 is RGB. An RGB copy of a grey page
    // (what sharp wrote for a one-channel raw input) is three times the bytes to deflate at the
    // split and to inflate again at every later reading (issue 14).
    const colourType = (b: Buffer) => b[25];
    const pages = [
      ...(await extractPages(await toPdf([png, jpeg]), 'application/pdf')),
      ...(await extractPages(png.data, 'image/png')),
      ...(await extractPages(jpeg.data, 'image/jpeg')),
    ];
    for (const p of pages) {
      expect(colourType(p.png)).toBe(0);
      expect((await sharp(p.png).metadata()).channels).toBe(1);
    }
    const grey = await toGrey(png.data);
    const upright = await encodePng(grey, 150);
    expect(colourType(upright)).toBe(0);
    expect(Buffer.from((await toGrey(upright)).data).equals(Buffer.from(grey.data))).toBe(true);
    const meta = await sharp(upright).metadata();
    expect([meta.density, meta.icc]).toEqual([150, undefined]);
  });

  it('takes a Flate greyscale scan out of a PDF, and reads several pages', async () => {
    const pages = await extractPages(await toPdf([png, jpeg]), 'application/pdf');
    expect(pages.map((p) => [p.source, p.dpi, p.width])).toEqual([['pdf-image', DPI, png.width], ['pdf-image', DPI, jpeg.width]]);
  });

  it('decodes a CCITT Group 4 page (the usual black-and-white scan) by wrapping it in a TIFF', async () => {
    const [w, h] = [320, 200];
    const g4 = await g4Strip(w, h);
    const pdf = await pdfWithImage(
      { Width: w, Height: h, ColorSpace: 'DeviceGray', BitsPerComponent: 1, Filter: 'CCITTFaxDecode', DecodeParms: { K: -1, Columns: w, Rows: h, BlackIs1: true } },
      g4, [(w / DPI) * 72, (h / DPI) * 72],
    );
    const [page] = await extractPages(pdf, 'application/pdf');
    expect(page).toMatchObject({ width: w, height: h, dpi: DPI, source: 'pdf-image' });
    expect(await inkIn(page!, 0.06, 0.18)).toBeGreaterThan(0.8); // the black bar
    expect(await inkIn(page!, 0.5, 0.4)).toBe(0); // white below it
  });

  it('renders a JBIG2 page with pdf.js (no exact extraction for JBIG2)', async () => {
    // An embedded JBIG2 stream: page information + immediate generic region in MMR (= G4) coding.
    const [w, h] = [320, 200];
    const mmr = await g4Strip(w, h);
    const seg = (num: number, type: number, data: Buffer) => {
      const head = Buffer.alloc(11);
      head.writeUInt32BE(num, 0);
      head.writeUInt8(type, 4);
      head.writeUInt8(0, 5); // refers to no segment
      head.writeUInt8(1, 6); // page 1
      head.writeUInt32BE(data.length, 7);
      return Buffer.concat([head, data]);
    };
    const pageInfo = Buffer.alloc(19);
    pageInfo.writeUInt32BE(w, 0);
    pageInfo.writeUInt32BE(h, 4);
    const region = Buffer.alloc(18);
    region.writeUInt32BE(w, 0);
    region.writeUInt32BE(h, 4);
    region.writeUInt8(1, 17); // MMR
    const jbig2 = Buffer.concat([seg(0, 48, pageInfo), seg(1, 38, Buffer.concat([region, mmr])), seg(2, 49, Buffer.alloc(0))]);
    const pdf = await pdfWithImage({ Width: w, Height: h, ColorSpace: 'DeviceGray', BitsPerComponent: 1, Filter: 'JBIG2Decode' }, jbig2, [(w / DPI) * 72, (h / DPI) * 72]);
    const [page] = await extractPages(pdf, 'application/pdf');
    expect(page).toMatchObject({ source: 'pdf-render', dpi: DPI, width: w, height: h });
    expect(await inkIn(page!, 0.06, 0.18)).toBeGreaterThan(0.6);
    expect(await inkIn(page!, 0.5, 0.4)).toBeLessThan(0.01);
  });

  it('turns a page by its /Rotate', async () => {
    const pdf = await PDFDocument.load(await toPdf([jpeg]));
    pdf.getPage(0).setRotation(degrees(90));
    const [page] = await extractPages(Buffer.from(await pdf.save()), 'application/pdf');
    expect(page).toMatchObject({ width: jpeg.height, height: jpeg.width, dpi: DPI });
  });

  it('keeps the text of a born-digital page and renders its image', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([595, 842]);
    page.drawText('Søknad om dagpenger NAV 04-01.03', { x: 60, y: 760, size: 14, font });
    page.drawText('Fødselsnummer 01815010260', { x: 60, y: 730, size: 12, font });
    const [p] = await extractPages(Buffer.from(await doc.save()), 'application/pdf');
    expect(p!.source).toBe('pdf-render');
    expect(p!.dpi).toBe(200);
    expect(p!.text?.text).toContain('Søknad om dagpenger NAV 04-01.03');
    const word = p!.text!.words.find((w) => w.text === '01815010260')!;
    // Boxes in image pixels: 60 pt from the left at 200 dpi is about 167 px.
    expect(word.x0).toBeGreaterThan(300);
    expect(word.y0).toBeGreaterThan(250);
    expect(word.y0).toBeLessThan(320);
    expect(await inkIn(p!, 0.05, 0.1)).toBeGreaterThan(0.001);
  });

  it('reads every page of a multi-page TIFF, LZW and CCITT G4, with the resolution from the file', async () => {
    for (const compression of ['lzw', 'ccittfax4'] as const) {
      const tif = await toMultipageTiff([png, jpeg, png], { compression });
      expect(readTiffPages(tif).map((p) => Math.round(p.xDpi!))).toEqual([DPI, DPI, DPI]);
      const pages = await extractPages(tif, 'image/tiff');
      expect(pages.map((p) => [p.width, p.dpi])).toEqual([[png.width, DPI], [png.width, DPI], [png.width, DPI]]);
      expect(await inkIn(pages[1]!)).toBeGreaterThan(0.005);
    }
  });

  it('stretches fax pages with tall pixels (204 x 98 dpi) to square pixels', async () => {
    const fax = await sharp(png.data).resize(png.width, Math.round(png.height / 2), { fit: 'fill' }).toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite: true, xres: 200 / 25.4, yres: 100 / 25.4, resolutionUnit: 'inch' }).toBuffer();
    const [page] = await extractPages(fax, 'image/tiff');
    expect(page!.dpi).toBe(200);
    expect(page!.height).toBe(Math.round(png.height / 2) * 2);
  });

  it('reads PNG and JPEG pages with their DPI, and gives a reason for what it cannot read', async () => {
    const [a] = await extractPages(png.data, 'image/png');
    const [b] = await extractPages(jpeg.data, 'image/jpeg');
    expect([a!.dpi, b!.dpi, a!.width, b!.height]).toEqual([DPI, DPI, png.width, jpeg.height]);
    await expect(extractPages(Buffer.from('%PDF-1.7 broken'), 'application/pdf')).rejects.toBeInstanceOf(UnreadablePageError);
    await expect(extractPages(Buffer.from('not a png'), 'image/png')).rejects.toBeInstanceOf(UnreadablePageError);
  });

  it('renders a page painted in strips rather than guessing which strip is the scan', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([(png.width / DPI) * 72, (png.height / DPI) * 72]);
    const img = await doc.embedPng(png.data);
    const w = page.getWidth();
    const h = page.getHeight();
    page.drawImage(img, { x: 0, y: h / 2, width: w, height: h / 2 });
    page.drawImage(img, { x: 0, y: 0, width: w, height: h / 2 });
    expect(page.node.Resources()?.lookup(PDFName.of('XObject'))).toBeDefined();
    const [p] = await extractPages(Buffer.from(await doc.save()), 'application/pdf');
    expect(p!.source).toBe('pdf-render');
    expect(await inkIn(p!, 0.5, 0.1)).toBeGreaterThan(0.001); // the second copy of the header
  });
});
