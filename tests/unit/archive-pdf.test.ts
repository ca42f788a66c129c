import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { deflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import sharp from 'sharp';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPage } from '../../fixtures/render-page.ts';
import { buildArchivePdf } from '../../pipeline/archive/archive-pdf.ts';
import { uprightColour } from '../../pipeline/archive/page-encoding.ts';
import { renderedColour } from '../../pipeline/archive/pdf-colour.ts';
import { extractPages } from '../../pipeline/pages/extract-pages.ts';
import { openPdfjs } from '../../pipeline/pages/pdf-render.ts';
import { OcrEngine } from '../../pipeline/ocr/ocr-engine.ts';
import { readPage } from '../../pipeline/ocr/read-page.ts';
import { encodePng, normalisePage, toGrey } from '../../pipeline/pages/normalise.ts';

const require = createRequire(import.meta.url);

async function pdfText(pdf: Buffer): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(pdf), standardFontDataUrl: path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep, verbosity: 0 }).promise;
  const out: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const c = await (await doc.getPage(i)).getTextContent();
    out.push(c.items.map((x) => ('str' in x ? x.str : '')).join(' '));
  }
  await doc.destroy();
  return out;
}

let engine: OcrEngine;
beforeAll(async () => {
  engine = await OcrEngine.create({ langs: 'nor', size: 1 });
}, 60_000);
afterAll(async () => engine?.close());

describe('archive variant', () => {
  it('puts an invisible, searchable text layer over each scanned page, born-digital pages copied, PDF/A-2b structure', async () => {
    const scan = await renderPage({ lines: [{ text: 'Legeerklæring', size: 16, bold: true }, { text: 'Fødselsnummer: 12865710338', gapBefore: 3 }] }, { dpi: 150, noise: 0.01, seed: 4 });
    const n = await normalisePage(await toGrey(scan.data), scan.dpi);
    const r = await readPage(engine, n.raster, n.dpi, { textPdf: true });
    const born = await PDFDocument.create();
    born.addPage([595, 842]).drawText('Vedtak om dagpenger', { x: 50, y: 780, size: 14, font: await born.embedFont(StandardFonts.Helvetica) });
    const bornBytes = Buffer.from(await born.save());
    const page = { png: await encodePng(n.raster, n.dpi), width: n.raster.width, height: n.raster.height, dpi: n.dpi };
    const pdf = await buildArchivePdf(
      [{ ...page, textPdf: r.textPdf }, { png: Buffer.alloc(0), width: 0, height: 0, dpi: 72, original: { pdf: bornBytes, pageIndex: 0 } }],
      { title: 'Legeerklæring', documentId: 'JP1', created: new Date(Date.UTC(2026, 0, 2)) },
    );

    const text = await pdfText(pdf);
    expect(text[0]).toContain('12865710338');
    expect(text[1]).toContain('Vedtak om dagpenger');

    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    const [first] = doc.getPages();
    expect(first!.getWidth()).toBeCloseTo((n.raster.width / n.dpi) * 72, 0);
    const meta = doc.catalog.lookup(PDFName.of('Metadata')) as PDFRawStream;
    const xmp = Buffer.from(meta.contents).toString('utf8');
    expect(xmp).toMatch(/pdfaid:part="2"/);
    expect(xmp).toMatch(/pdfaid:conformance="B"/);
    expect(xmp).toContain('2026-01-02T00:00:00Z');
    const intents = doc.catalog.lookup(PDFName.of('OutputIntents'), PDFArray);
    const intent = intents.lookup(0, PDFDict);
    expect(intent.get(PDFName.of('S'))).toEqual(PDFName.of('GTS_PDFA1'));
    const icc = intent.lookup(PDFName.of('DestOutputProfile')) as PDFRawStream;
    expect(icc.dict.get(PDFName.of('N'))?.toString()).toBe('3');
    expect(doc.context.trailerInfo.ID).toBeDefined();
    // The text layer's font is embedded (PDF/A): tesseract's GlyphLessFont carries a FontFile2.
    const descriptors = doc.context.enumerateIndirectObjects().filter(([, o]) => o instanceof PDFDict && o.get(PDFName.of('Type'))?.toString() === '/FontDescriptor');
    expect(descriptors.length).toBe(1);
    expect((descriptors[0]![1] as PDFDict).has(PDFName.of('FontFile2'))).toBe(true);
    // Same input, same bytes.
    const again = await buildArchivePdf([{ ...page, textPdf: r.textPdf }, { png: Buffer.alloc(0), width: 0, height: 0, dpi: 72, original: { pdf: bornBytes, pageIndex: 0 } }],
      { title: 'Legeerklæring', documentId: 'JP1', created: new Date(Date.UTC(2026, 0, 2)) });
    expect(again.equals(pdf)).toBe(true);
  }, 60_000);
});

// PDF/A-2b structure checked with the tools Debian has: qpdf --check (syntax, streams) and
// pikepdf (python3-pikepdf, Debian's /usr/bin/python3) reading the PDF/A claim from the XMP. Full
// PDF/A validation is veraPDF's job in production (README); it needs a JVM this machine lacks.
const execFileP = promisify(execFile);
interface ImageInfo {
  /** The image's own encoding (the last filter), whatever lossless Flate layer is on top. */
  filter: string;
  filters: string[];
  bpc: number;
  cs: string;
  bytes: number;
  /** SHA-256 of the image's own encoded bytes (under any Flate layer). */
  inner: string;
}
async function inspect(pdf: Buffer): Promise<{ qpdf: string; meta: { pdfa: string; title: string; utf8: boolean; images: ImageInfo[]; rotate: number[] } }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'intake-archive-'));
  const file = path.join(dir, 'a.pdf');
  await writeFile(file, pdf);
  try {
    const q = await execFileP('qpdf', ['--check', file]).catch((e) => ({ stdout: `${e.stdout}${e.stderr}` }));
    const py = `
import json, sys, zlib, hashlib, pikepdf
pdf = pikepdf.open(sys.argv[1])
raw = pdf.Root.Metadata.read_bytes()
try:
    raw.decode('utf-8', 'strict'); utf8 = True
except UnicodeDecodeError:
    utf8 = False
meta = pdf.open_metadata()
imgs = []
for page in pdf.pages:
    for name, x in page.images.items():
        f = x.get('/Filter')
        filters = [str(n) for n in f] if isinstance(f, pikepdf.Array) else [str(f)]
        raw = x.read_raw_bytes()
        inner = zlib.decompress(raw) if len(filters) > 1 and filters[0] == '/FlateDecode' else raw
        imgs.append({'filter': filters[-1], 'filters': filters, 'bpc': int(x.get('/BitsPerComponent', 0)), 'cs': str(x.get('/ColorSpace')), 'bytes': len(raw), 'inner': hashlib.sha256(inner).hexdigest()})
print(json.dumps({'pdfa': meta.pdfa_status, 'title': str(meta.get('dc:title', '')), 'utf8': utf8, 'images': imgs, 'rotate': [int(p.obj.get('/Rotate', 0)) for p in pdf.pages]}))
`;
    const { stdout } = await execFileP('/usr/bin/python3', ['-c', py, file]);
    return { qpdf: q.stdout, meta: JSON.parse(stdout) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('archive PDF as PDF/A-2b, checked with qpdf and pikepdf', () => {
  it('valid UTF-8 XMP with the PDF/A claim and a non-ASCII title; bilevel page 1-bit G4, grey page JPEG', async () => {
    const bw = await renderPage({ lines: [{ text: 'Søknad om dagpenger', size: 16, bold: true }, { text: 'Fødselsnummer: 12865710338' }] }, { dpi: 200, seed: 3 });
    const grey = await renderPage({ lines: [{ text: 'Legeerklæring' }] }, { dpi: 150, noise: 0.02, seed: 5 });
    const bwRaster = await toGrey(bw.data);
    // Make the rendered page truly bilevel, as a G4 scan is.
    for (let i = 0; i < bwRaster.data.length; i++) bwRaster.data[i] = bwRaster.data[i]! < 128 ? 0 : 255;
    const greyRaster = await toGrey(grey.data);
    // A photo-like grey area: this page is grey, not black-and-white.
    for (let y = 100; y < 700; y++) for (let x = 100; x < 1000; x++) greyRaster.data[y * greyRaster.width + x] = 60 + ((x + y) % 120);
    const title = 'Søknad om dagpenger – «æøå» 𝄞';
    const pdf = await buildArchivePdf([
      { png: await encodePng(bwRaster, bw.dpi), width: bwRaster.width, height: bwRaster.height, dpi: bw.dpi },
      { png: await encodePng(greyRaster, grey.dpi), width: greyRaster.width, height: greyRaster.height, dpi: grey.dpi },
    ], { title, documentId: 'JP7', created: new Date(Date.UTC(2026, 0, 2)) });
    const { qpdf, meta } = await inspect(pdf);
    expect(qpdf).toMatch(/No syntax or stream encoding errors found/);
    expect(meta).toMatchObject({ pdfa: '2B', title, utf8: true });
    expect(meta.images[0]).toMatchObject({ filter: '/CCITTFaxDecode', bpc: 1, cs: '/DeviceGray' });
    expect(meta.images.filter((i) => i.filter === '/CCITTFaxDecode').reduce((s, i) => s + i.bytes, 0)).toBeLessThan(bwRaster.width * bwRaster.height / 8 / 10);
    expect(meta.images[meta.images.length - 1]).toMatchObject({ filter: '/DCTDecode', bpc: 8, cs: '/DeviceGray' });
    // The G4 strips decode to the very pixels we put in.
    const [page] = await extractPages(pdf.subarray(0), 'application/pdf');
    const back = await toGrey(page!.png);
    expect([back.width, back.height]).toEqual([bwRaster.width, bwRaster.height]);
    let diff = 0;
    for (let i = 0; i < back.data.length; i++) if ((back.data[i]! < 128) !== (bwRaster.data[i]! < 128)) diff++;
    expect(diff).toBe(0);
    // And pdf.js, which knows nothing of how we wrote them, shows black text on white, not the reverse.
    const viewer = await openPdfjs(new Uint8Array(pdf));
    const rendered = await viewer.render(1, 50);
    await viewer.close();
    expect(rendered.data.reduce((s, v) => s + v, 0) / rendered.data.length).toBeGreaterThan(200);
  }, 60_000);

  it('a colour scan stays in colour', async () => {
    const page = await renderPage({ lines: [{ text: 'Vedlegg' }] }, { dpi: 100, seed: 9 });
    const g = await toGrey(page.data);
    const colour = await sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } })
      .toColourspace('srgb').composite([{ input: { create: { width: 200, height: 120, channels: 3, background: '#c0262d' } }, left: 50, top: 50 }]).png().toBuffer();
    const upright = await uprightColour(colour, 0, 0, 0, { width: g.width, height: g.height });
    expect(upright).not.toBeNull();
    expect(await uprightColour(await encodePng(g, 100), 0, 0, 0, { width: g.width, height: g.height })).toBeNull(); // grey: nothing to keep
    const pdf = await buildArchivePdf([{ png: await encodePng(g, 100), width: g.width, height: g.height, dpi: 100, colour: upright }], { title: 'x', documentId: 'JP8' });
    const { qpdf, meta } = await inspect(pdf);
    expect(qpdf).toMatch(/No syntax or stream encoding errors found/);
    expect(meta.images).toEqual([expect.objectContaining({ filter: '/DCTDecode', cs: '/DeviceRGB' })]);
  }, 60_000);

  it('keeps a scanned PDF page as it is, turned upright, with the text layer on it', async () => {
    // A scanner's PDF: one colour JPEG per page, the page lying on its side (90°).
    const scan = await renderPage({ lines: [{ text: 'Søknad om dagpenger', size: 18, bold: true }, { text: 'Fødselsnummer: 12865710338', gapBefore: 2 }] }, { dpi: 150, seed: 4, rotate: 90 });
    const jpeg = await sharp(scan.data).toColourspace('srgb').jpeg({ quality: 85 }).toBuffer();
    const src = await PDFDocument.create();
    const img = await src.embedJpg(jpeg);
    const dims = { width: (img.width / 150) * 72, height: (img.height / 150) * 72 };
    src.addPage([dims.width, dims.height]).drawImage(img, { x: 0, y: 0, ...dims });
    const original = Buffer.from(await src.save());

    const [extracted] = await extractPages(original, 'application/pdf');
    const n = await normalisePage(await toGrey(extracted!.png), extracted!.dpi);
    expect(n.orientation).toBe(270);
    const r = await readPage(engine, n.raster, n.dpi, { textPdf: true });
    const pdf = await buildArchivePdf([{
      png: await encodePng(n.raster, n.dpi), width: n.raster.width, height: n.raster.height, dpi: n.dpi, textPdf: r.textPdf,
      scan: { pdf: original, pageIndex: 0, orientation: n.orientation, skew: n.skew },
    }], { title: 'Søknad', documentId: 'JP9' });
    const { qpdf, meta } = await inspect(pdf);
    expect(qpdf).toMatch(/No syntax or stream encoding errors found/);
    expect(meta.rotate).toEqual([270]);
    // The original image, untouched (under a lossless Flate layer where that saves).
    expect(meta.images).toEqual([expect.objectContaining({ filter: '/DCTDecode', bpc: 8, cs: '/DeviceRGB', inner: createHash('sha256').update(jpeg).digest('hex') })]);
    expect(pdf.length).toBeLessThan(original.length * 1.5 + 20_000);
    // The text is found, and where it is: upright, inside the page as a viewer shows it.
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
    const p1 = await doc.getPage(1);
    const vp = p1.getViewport({ scale: 1 });
    const items = (await p1.getTextContent()).items.filter((x) => 'str' in x && /12865710338|Fødselsnummer/.test(x.str)) as Array<{ str: string; transform: number[] }>;
    expect(items.length).toBeGreaterThan(0);
    for (const it of items) {
      const [x, y] = vp.convertToViewportPoint(it.transform[4]!, it.transform[5]!);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(vp.width);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(vp.height / 2); // near the top of the upright page, where the heading is
    }
    await doc.destroy();
  }, 90_000);
});

/** A one-page PDF holding `image` (an image XObject dict and its bytes) over the whole page, plus extra content. */
async function scannedPdf(image: { dict: Record<string, unknown>; data: Uint8Array }, opts: { stamp?: boolean; size?: [number, number] } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const [w, h] = opts.size ?? [400, 300];
  const page = doc.addPage([w, h]);
  const ref = doc.context.register(doc.context.stream(image.data, image.dict as never));
  const name = page.node.newXObject('Im', ref);
  let ops = `q ${w} 0 0 ${h} 0 0 cm ${name.toString()} Do Q\n`;
  if (opts.stamp) {
    // A stamp in a font that is not embedded: PDF/A does not allow that page as it is.
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const fname = page.node.newFontDictionary('F', font.ref);
    ops += `BT ${fname.toString()} 12 Tf 20 20 Td (Mottatt) Tj ET\n`;
  }
  page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.flateStream(ops)));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

async function rendered(pdf: Buffer): Promise<Buffer> {
  const viewer = await openPdfjs(new Uint8Array(pdf));
  const r = await viewer.render(1, 72);
  await viewer.close();
  return r.data;
}

describe('archive PDF: compact and lossless', () => {
  it('stores the text-layer font once for all pages, with no unused objects', async () => {
    const scan = await renderPage({ lines: [{ text: 'Søknad om dagpenger', size: 16, bold: true }, { text: 'Fødselsnummer: 12865710338' }] }, { dpi: 150, seed: 11 });
    const n = await normalisePage(await toGrey(scan.data), scan.dpi);
    const r = await readPage(engine, n.raster, n.dpi, { textPdf: true });
    const page = { png: await encodePng(n.raster, n.dpi), width: n.raster.width, height: n.raster.height, dpi: n.dpi, textPdf: r.textPdf };
    const one = await buildArchivePdf([page], { title: 'x', documentId: 'JP10' });
    const three = await buildArchivePdf([page, page, page], { title: 'x', documentId: 'JP10' });
    const doc = await PDFDocument.load(three, { updateMetadata: false });
    const fontFiles = doc.context.enumerateIndirectObjects().filter(([, o]) => o instanceof PDFDict && o.has(PDFName.of('FontFile2')));
    expect(fontFiles).toHaveLength(1);
    // Two more pages cost their images and their text, not another font (6-17 KB a page before).
    const imageBytes = (await inspect(one)).meta.images.reduce((s, i) => s + i.bytes, 0);
    expect(three.length - one.length).toBeLessThan(2 * (imageBytes + 3000));
    expect((await pdfText(three)).every((t) => t.includes('12865710338'))).toBe(true);
    // qpdf finds nothing wrong with the object and cross-reference streams.
    const { qpdf, meta } = await inspect(three);
    expect(qpdf).toMatch(/No syntax or stream encoding errors found/);
    expect(meta.pdfa).toBe('2B');
  }, 60_000);

  it('a colour PDF page that must be rebuilt stays in colour', async () => {
    const g = await toGrey((await renderPage({ lines: [{ text: 'Vedlegg' }] }, { dpi: 100, seed: 12 })).data);
    const jpeg = await sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } }).toColourspace('srgb')
      .composite([{ input: { create: { width: 200, height: 120, channels: 3, background: '#c0262d' } }, left: 60, top: 60 }]).jpeg({ quality: 85 }).toBuffer();
    const original = await scannedPdf({ data: jpeg, dict: { Type: 'XObject', Subtype: 'Image', Width: g.width, Height: g.height, ColorSpace: 'DeviceRGB', BitsPerComponent: 8, Filter: 'DCTDecode' } }, { stamp: true, size: [g.width * 0.72, g.height * 0.72] });
    const [extracted] = await extractPages(original, 'application/pdf');
    const n = await normalisePage(await toGrey(extracted!.png), extracted!.dpi);
    const pdf = await buildArchivePdf([{ png: await encodePng(n.raster, n.dpi), width: n.raster.width, height: n.raster.height, dpi: n.dpi, scan: { pdf: original, pageIndex: 0, orientation: n.orientation, skew: n.skew } }], { title: 'x', documentId: 'JP11' });
    const { qpdf, meta } = await inspect(pdf);
    expect(qpdf).toMatch(/No syntax or stream encoding errors found/);
    expect(meta.images).toEqual([expect.objectContaining({ filter: '/DCTDecode', cs: '/DeviceRGB' })]);
    // The red box is still red where it was.
    const shown = await renderedColour(pdf, 0, 0, 0, { width: g.width, height: g.height });
    expect(shown).not.toBeNull();
    const { data, info } = await sharp(shown!).raw().toBuffer({ resolveWithObject: true });
    const at = (120 * info.width + 160) * info.channels;
    expect([data[at], data[at + 1], data[at + 2]]).toEqual([expect.toSatisfy((r: number) => r > 150), expect.toSatisfy((v: number) => v < 90), expect.toSatisfy((v: number) => v < 90)]);
  }, 60_000);

  it('stores a Flate image at the depth its pixels have (grey in RGB, black-and-white in grey), the same pixels', async () => {
    const g = await toGrey((await renderPage({ lines: [{ text: 'Søknad om dagpenger', size: 16 }, { text: 'Side 1' }] }, { dpi: 100, seed: 13 })).data);
    const bw = Buffer.from(g.data.map((v) => (v < 128 ? 0 : 255)));
    const rgb = Buffer.alloc(bw.length * 3);
    for (let i = 0; i < bw.length; i++) rgb.fill(bw[i]!, i * 3, i * 3 + 3);
    const original = await scannedPdf({ data: new Uint8Array(deflateSync(rgb)), dict: { Type: 'XObject', Subtype: 'Image', Width: g.width, Height: g.height, ColorSpace: 'DeviceRGB', BitsPerComponent: 8, Filter: 'FlateDecode', Interpolate: true } }, { size: [g.width * 0.72, g.height * 0.72] });
    const [extracted] = await extractPages(original, 'application/pdf');
    const n = await normalisePage(await toGrey(extracted!.png), extracted!.dpi);
    const pdf = await buildArchivePdf([{ png: await encodePng(n.raster, n.dpi), width: n.raster.width, height: n.raster.height, dpi: n.dpi, scan: { pdf: original, pageIndex: 0, orientation: 0, skew: 0 } }], { title: 'x', documentId: 'JP12' });
    const { qpdf, meta } = await inspect(pdf);
    expect(qpdf).toMatch(/No syntax or stream encoding errors found/);
    // Kept (not rebuilt: /Interpolate, which PDF/A forbids, is dropped), one bit per pixel.
    expect(meta.images).toEqual([expect.objectContaining({ filter: '/FlateDecode', bpc: 1, cs: '/DeviceGray' })]);
    expect(meta.images[0]!.bytes).toBeLessThan(deflateSync(rgb, { level: 9 }).length / 2);
    expect((await rendered(pdf)).equals(await rendered(original))).toBe(true);
  }, 60_000);

  it('keeps a page with a soft mask (PDF/A-2 allows transparency) and turns a black-ink bilevel image into DeviceGray', async () => {
    const w = 64;
    const h = 48;
    const rgb = Buffer.alloc(w * h * 3, 255);
    for (let i = 0; i < w * h; i++) if (i % 7 === 0) rgb.set([200, 30, 40], i * 3);
    const alpha = Buffer.alloc(w * h, 255);
    alpha.fill(0, 0, w * 8);
    const withMask = await (async () => {
      const doc = await PDFDocument.create();
      const page = doc.addPage([w, h]);
      const mask = doc.context.register(doc.context.flateStream(alpha, { Type: 'XObject', Subtype: 'Image', Width: w, Height: h, ColorSpace: 'DeviceGray', BitsPerComponent: 8 }));
      const ref = doc.context.register(doc.context.stream(new Uint8Array(deflateSync(rgb)), { Type: 'XObject', Subtype: 'Image', Width: w, Height: h, ColorSpace: 'DeviceRGB', BitsPerComponent: 8, Filter: 'FlateDecode', SMask: mask }));
      const name = page.node.newXObject('Im', ref);
      page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.flateStream(`q ${w} 0 0 ${h} 0 0 cm ${name.toString()} Do Q`)));
      return Buffer.from(await doc.save({ useObjectStreams: false }));
    })();
    // 1 bit per pixel, ink 1 = black, in a DeviceN space over CMYK (as jbig2_baddevicen.pdf has it).
    const rowBytes = Math.ceil(w / 8);
    const bits = Buffer.alloc(rowBytes * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x + y) % 5 === 0) bits[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    const blackInk = await (async () => {
      const doc = await PDFDocument.create();
      const tint = doc.context.obj({ FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0, 0], C1: [0, 0, 0, 1], N: 1 });
      const page = doc.addPage([w, h]);
      const ref = doc.context.register(doc.context.stream(new Uint8Array(deflateSync(bits)), { Type: 'XObject', Subtype: 'Image', Width: w, Height: h, BitsPerComponent: 1, Filter: 'FlateDecode', ColorSpace: doc.context.obj([PDFName.of('DeviceN'), [PDFName.of('Black')], PDFName.of('DeviceCMYK'), tint]) }));
      const name = page.node.newXObject('Im', ref);
      page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.flateStream(`q ${w} 0 0 ${h} 0 0 cm ${name.toString()} Do Q`)));
      return Buffer.from(await doc.save({ useObjectStreams: false }));
    })();
    for (const [original, cs] of [[withMask, '/DeviceRGB'], [blackInk, '/DeviceGray']] as const) {
      const png = await sharp({ create: { width: w, height: h, channels: 3, background: '#ffffff' } }).png().toBuffer();
      const pdf = await buildArchivePdf([{ png, width: w, height: h, dpi: 72, scan: { pdf: original, pageIndex: 0, orientation: 0, skew: 0 } }], { title: 'x', documentId: 'JP13' });
      const { qpdf, meta } = await inspect(pdf);
      expect(qpdf).toMatch(/No syntax or stream encoding errors found/);
      expect(meta.images[0]).toMatchObject({ filter: '/FlateDecode', cs });
      // The same page on screen: black ink over CMYK is shown a shade off pure black and its edges
      // smoothed a little differently, so black and white are compared, a pixel in 500 may differ.
      const [a, b] = [await rendered(pdf), await rendered(original)];
      expect(a.length).toBe(b.length);
      expect(a.filter((v, i) => (v < 128) !== (b[i]! < 128)).length).toBeLessThanOrEqual(a.length / 500);
    }
  }, 60_000);
});
