/**
 * Real scans and awkward PDFs from OCRmyPDF's test suite (fixtures/real-scans, attribution in its
 * README: linn, cardinal, jbig2_baddevicen, poster (C) 1985 Forat Electronics, GFDL-1.2+ or
 * CC-BY-SA-3.0; graph (C) 2012 SmokeyJoe, same licences; 2400dpi (C) 2005 Ellywa, GFDL-1.2+ or
 * CC-BY-SA-1.0..3.0; aspect, hugemono, invalid, kcs (C) 2025 James R. Barlow, CC-BY-SA-4.0).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcrEngine } from '../../pipeline/ocr/ocr-engine.ts';
import { ocrScale, pageGlyphHeight, readPage } from '../../pipeline/ocr/read-page.ts';
import { readUprightPage, uprightPage } from '../../pipeline/ocr/upright.ts';
import { extractPages } from '../../pipeline/pages/extract-pages.ts';
import { normalisePage, toGrey } from '../../pipeline/pages/normalise.ts';
import { UnreadablePageError } from '../../pipeline/pages/page-image.ts';
import { ROOT } from '../../schemas/config.ts';

const scan = (name: string) => readFileSync(path.join(ROOT, 'fixtures', 'real-scans', name));
const pdfPages = (name: string) => extractPages(scan(name), 'application/pdf');

describe('awkward PDFs get a reason in words, not a crash', () => {
  it('invalid.pdf (a header and nothing else) is a damaged file in Norwegian, without the library\'s error', async () => {
    const err = await pdfPages('invalid.pdf').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadablePageError);
    expect((err as Error).message).toMatch(/ikke en lesbar PDF/);
    expect((err as Error).message).not.toMatch(/TypeError|undefined|Cannot read/);
  });

  it('hugemono.pdf (35 000 x 35 000 pixels) is refused before it is decoded, with its size', async () => {
    const before = process.memoryUsage().rss;
    const err = await pdfPages('hugemono.pdf').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadablePageError);
    expect((err as Error).message).toMatch(/for stor.*35\s000 × 35\s000/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200e6);
  });

  it('poster.pdf (/UserUnit 10) is one page, taken from its scan rather than rendered at poster size', async () => {
    const [p] = await pdfPages('poster.pdf');
    expect(p!.width * p!.height).toBeLessThanOrEqual(60e6);
    expect(p!.source).toBe('pdf-image');
  });

  it('aspect.pdf (200 x 100 dpi) keeps the page\'s shape', async () => {
    const [p] = await pdfPages('aspect.pdf');
    expect(p!.width / p!.height).toBeCloseTo(360 / 288, 1);
  });
});

describe('pages whose own description misleads', () => {
  it('jbig2_baddevicen.pdf renders as a negative and is inverted, not taken for blank', async () => {
    const [p] = await pdfPages('jbig2_baddevicen.pdf');
    const n = await normalisePage(await toGrey(p!.png), p!.dpi);
    expect(n.inverted).toBe(true);
    expect(n.blank).toBe(false);
  });

  it('2400dpi.pdf (typewriter text claiming 2400 dpi) is read at the size of its print, not shrunk', async () => {
    const [p] = await pdfPages('2400dpi.pdf');
    const grey = await toGrey(p!.png);
    const glyph = await pageGlyphHeight(grey);
    expect(glyph).not.toBeNull();
    const s = ocrScale(p!.dpi, glyph);
    // By the stated resolution the letters would be a few pixels high; by the print they are readable.
    expect(glyph! * s.scale).toBeGreaterThanOrEqual(10);
    expect(p!.width * s.scale).toBeGreaterThan(1000);
  });
});

describe('orientation decided by the text', () => {
  let engine: OcrEngine;
  beforeAll(async () => {
    // A generous page limit: a probe over the limit counts as no reading, which on a loaded
    // machine (six sessions on two cores) turned graph.pdf upside down.
    engine = await OcrEngine.create({ langs: 'nor+eng', size: 1, timeoutMs: 240_000 });
  });
  afterAll(() => engine.close());

  it('graph.pdf (an upright chart with slanted labels) is not turned', async () => {
    const [p] = await pdfPages('graph.pdf');
    const grey = await toGrey(p!.png);
    const n = await uprightPage(engine, grey, p!.dpi);
    expect(n.orientation).toBe(0);
    // The one-read path (the page's full reading checked first) keeps it too.
    expect((await readUprightPage(engine, grey, p!.dpi)).page.orientation).toBe(0);
  }, 600_000);

  it('aspect.pdf (a circle and one line of text) is not turned sideways', async () => {
    const [p] = await pdfPages('aspect.pdf');
    const n = await uprightPage(engine, await toGrey(p!.png), p!.dpi);
    expect(n.orientation).toBe(0);
  }, 600_000);

  it('cardinal.pdf\'s page turned upside down comes out upright', async () => {
    const pages = await pdfPages('cardinal.pdf');
    const grey = await toGrey(pages[2]!.png);
    const n = await uprightPage(engine, grey, pages[2]!.dpi);
    // The page is drawn turned on the sheet; making it upright takes the opposite turn.
    expect(n.orientation).toBe(180);
    expect(n.probed).toBe(true);
    const { page, read } = await readUprightPage(engine, grey, pages[2]!.dpi);
    expect(page.orientation).toBe(180);
    expect(read!.text).toMatch(/[a-z]{4,}/);
  }, 600_000);

  it('kcs.pdf\'s large hand lettering is read, its long strokes not taken for form ruling', async () => {
    const [p] = await pdfPages('kcs.pdf');
    const n = await uprightPage(engine, await toGrey(p!.png), p!.dpi);
    const r = await readPage(engine, n.raster, n.dpi);
    expect(r.text?.replace(/[^A-Za-z ]+/g, ' ').replace(/\s+/g, ' ').trim()).toBe('Kodak Capture Desktop Test');
  }, 600_000);
});
