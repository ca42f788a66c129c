import { createRequire } from 'node:module';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPage } from '../../fixtures/render-page.ts';
import { buildArchivePdf } from '../../pipeline/archive/archive-pdf.ts';
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
