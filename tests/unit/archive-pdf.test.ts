import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { promisify } from 'node:util';
import sharp from 'sharp';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPage } from '../../fixtures/render-page.ts';
import { buildArchivePdf } from '../../pipeline/archive/archive-pdf.ts';
import { uprightColour } from '../../pipeline/archive/page-encoding.ts';
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
    expect(xmp).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(xmp).toContain('2026-01-02T00:00:00Z');
    const intents = doc.catalog.lookup(PDFName.of('OutputIntents'), PDFArray);
    const intent = intents.lookup(0, PDFDict);
    expect(intent.get(PDFName.of('S'))).toEqual(PDFName.of('GTS_PDFA1'));
    const icc = intent.lookup(PDFName.of('DestOutputProfile')) as PDFRawStream;
    expect(icc.dict.get(PDFName.of('N'))?.toString()).toBe('3');
    expect(doc.context.trailerInfo.ID).toBeDefined();
    // The text layer's font is embedded (PDF/A): tesseract's GlyphLessFont carries a FontFile2.
    expect(pdf.includes(Buffer.from('/FontFile2'))).toBe(true);
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
async function inspect(pdf: Buffer): Promise<{ qpdf: string; meta: { pdfa: string; title: string; utf8: boolean; images: Array<{ filter: string; bpc: number; cs: string; bytes: number }>; rotate: number[] } }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'intake-archive-'));
  const file = path.join(dir, 'a.pdf');
  await writeFile(file, pdf);
  try {
    const q = await execFileP('qpdf', ['--check', file]).catch((e) => ({ stdout: `${e.stdout}${e.stderr}` }));
    const py = `
import json, sys, pikepdf
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
        imgs.append({'filter': str(f), 'bpc': int(x.get('/BitsPerComponent', 0)), 'cs': str(x.get('/ColorSpace')), 'bytes': len(x.read_raw_bytes())})
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
    expect(meta.images).toEqual([{ filter: '/DCTDecode', bpc: 8, cs: '/DeviceRGB', bytes: jpeg.length }]); // the original image, untouched
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
