import { describe, expect, it } from 'vitest';
import { renderCoverSheetScan, renderSeparatorScan } from '../../fixtures/cover-sheet-fixture.ts';
import sharp from 'sharp';
import { readBarcodes } from 'zxing-wasm/reader';
import { readPageBarcodes, readPageMarks } from '../../pipeline/foersteside/barcode.ts';
import { greyPgm } from '../../pipeline/pages/pgm.ts';
import { renderCoverSheetPdf, renderSeparatorPdf, type CoverSheet } from '../../pipeline/foersteside/cover-sheet.ts';
import { makeLoepenummer } from '../../pipeline/foersteside/loepenummer.ts';
import { luhnCheckDigit } from '../../pipeline/identify/check-digits.ts';

// Seeds 31xx: the evaluation set (fixtures/eval-set.ts) uses its own seed space.
const sheet = (counter: number): CoverSheet => ({
  loepenummer: makeLoepenummer(new Date(Date.UTC(2026, 1, 14)), counter), tema: 'AAP', formNumber: 'NAV 11-13.05', followUp: false,
  title: 'Søknad om arbeidsavklaringspenger', personId: '12848512301', attachments: ['Legeerklæring'], language: 'nb', createdAt: new Date(Date.UTC(2026, 1, 14)),
});

describe('cover sheet barcodes on scanned pages', () => {
  it.each([
    [0, 0.8, 0.0, undefined],
    [90, -2, 0.02, 70],
    [180, 3.5, 0.03, 50],
    [270, 1.5, 0.02, 60],
  ] as const)('reads the løpenummer on a page turned %i° (skew %f°, noise %f, jpeg %s)', async (rotate, skewDeg, noise, jpegQuality) => {
    const s = sheet(3100 + rotate);
    const page = await renderCoverSheetScan(s, 'Arbeidsavklaringspenger', { dpi: 200, seed: 3100 + rotate, rotate, skewDeg, noise, blur: noise ? 0.8 : 0, jpegQuality });
    const marks = await readPageMarks(page.data);
    expect(marks).toEqual({ coverSheet: s.loepenummer, invalidCoverSheet: null, separator: false });
  });
  it('hands zxing the grey page as a binary PGM, one byte a pixel', () => {
    const grey = Buffer.from([0, 50, 100, 150, 200, 255]);
    const pgm = greyPgm(grey, 3, 2);
    expect(Buffer.from(pgm.subarray(0, 11)).toString('latin1')).toBe('P5\n3 2\n255\n');
    expect([...pgm.subarray(11)]).toEqual([...grey]);
    // From a two-channel raster (grey + alpha) only the grey.
    expect([...greyPgm(Buffer.from([1, 9, 2, 9, 3, 9, 4, 9]), 2, 2, 2).subarray(11)]).toEqual([1, 2, 3, 4]);
  });

  it('finds what zxing finds on the same page given as RGBA, at the same places (a turned, skewed, noisy scan)', async () => {
    const s = sheet(3177);
    const page = await renderCoverSheetScan(s, 'Arbeidsavklaringspenger', { dpi: 300, seed: 3177, rotate: 90, skewDeg: -2.5, noise: 0.02, blur: 0.8, jpegQuality: 60 });
    await readPageBarcodes(page.data); // loads zxing from the package
    const { data, info } = await sharp(page.data).grayscale().raw().toBuffer({ resolveWithObject: true });
    const rgba = new Uint8ClampedArray(info.width * info.height * 4);
    for (let i = 0; i < info.width * info.height; i++) rgba.fill(data[i * info.channels]!, i * 4, i * 4 + 3), (rgba[i * 4 + 3] = 255);
    const opts = { formats: ['Code39'], tryHarder: true, tryRotate: true, tryInvert: false, maxNumberOfSymbols: 4 } as const;
    const viaRgba = await readBarcodes({ data: rgba, width: info.width, height: info.height, colorSpace: 'srgb' } as ImageData, opts as never);
    const viaPgm = await readBarcodes(greyPgm(data, info.width, info.height, info.channels), opts as never);
    expect(viaRgba.length).toBeGreaterThan(0);
    expect(viaPgm.map((r) => [r.text, r.position])).toEqual(viaRgba.map((r) => [r.text, r.position]));
    expect((await readPageBarcodes(page.data)).map((b) => b.text)).toEqual(viaRgba.filter((r) => r.isValid).map((r) => r.text.trim()));
  });

  it('reports a 14-digit barcode with a wrong check digit as invalid and never uses it', async () => {
    const body = '2026021403199';
    const bad = body + String((luhnCheckDigit(body) + 1) % 10);
    const page = await renderCoverSheetScan({ ...sheet(1), loepenummer: bad }, 'Arbeidsavklaringspenger', { dpi: 200, seed: 3199, noise: 0.01 });
    expect(await readPageMarks(page.data)).toEqual({ coverSheet: null, invalidCoverSheet: bad, separator: false });
  });
  it('recognises a separator sheet, also upside down', async () => {
    const page = await renderSeparatorScan({ dpi: 200, seed: 3150, rotate: 180, skewDeg: -2, noise: 0.02, jpegQuality: 60 });
    expect((await readPageMarks(page.data)).separator).toBe(true);
  });
  it('finds nothing on a page without barcodes', async () => {
    const page = await renderSeparatorScan({ dpi: 100, seed: 1 });
    const blank = await (await import('sharp')).default(page.data).extract({ left: 0, top: 0, width: 800, height: 200 }).png().toBuffer();
    expect(await readPageMarks(blank)).toEqual({ coverSheet: null, invalidCoverSheet: null, separator: false });
  });
  it('prints a one-page A4 PDF with the barcode image and the metadata', async () => {
    const pdf = await renderCoverSheetPdf(sheet(7), 'Arbeidsavklaringspenger');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { PDFDocument } = await import('pdf-lib');
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toContain(sheet(7).loepenummer);
    expect((await renderSeparatorPdf()).length).toBeGreaterThan(1000);
  });
});
