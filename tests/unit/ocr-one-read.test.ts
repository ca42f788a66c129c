import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPages } from '../../fixtures/claim-content.ts';
import { renderPage } from '../../fixtures/render-page.ts';
import { OcrEngine, wordsFromTsv } from '../../pipeline/ocr/ocr-engine.ts';
import { readsUpright, readUprightPage, uprightPage } from '../../pipeline/ocr/upright.ts';
import { normalisePage, toGrey } from '../../pipeline/pages/normalise.ts';
import type { Word } from '../../pipeline/pages/page-image.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { ocrPriority, successors, type DocumentFacts, type Stage } from '../../pipeline/stages.ts';

describe('words from tesseract\'s TSV', () => {
  it('takes word rows (level 5) with their boxes and rounded confidence, and nothing else', () => {
    const tsv = [
      '1\t1\t0\t0\t0\t0\t0\t0\t1654\t2339\t-1\t',
      '4\t1\t1\t1\t1\t0\t120\t80\t400\t30\t-1\t',
      '5\t1\t1\t1\t1\t1\t120\t80\t90\t30\t96.37\tSøknad',
      '5\t1\t1\t1\t1\t2\t220\t82\t40\t28\t91.5\tom',
      '5\t1\t1\t1\t1\t3\t270\t80\t10\t30\t12\t ',
      '5\t1\t1\t1\t2\t1\t120\t130\t200\t30\t88\t01815010260',
    ].join('\n');
    expect(wordsFromTsv(tsv)).toEqual([
      { text: 'Søknad', conf: 96, x0: 120, y0: 80, x1: 210, y1: 110 },
      { text: 'om', conf: 92, x0: 220, y0: 82, x1: 260, y1: 110 },
      { text: '01815010260', conf: 88, x0: 120, y0: 130, x1: 320, y1: 160 },
    ]);
    expect(wordsFromTsv('')).toEqual([]);
  });
});

const word = (text: string, conf: number, wide = true): Word => (wide ? { text, conf, x0: 0, y0: 0, x1: 20 * text.length, y1: 30 } : { text, conf, x0: 0, y0: 0, x1: 30, y1: 20 * text.length });
const many = (n: number, w: () => Word) => Array.from({ length: n }, w);

describe('a reading that shows its page is upright', () => {
  it('takes a page of confident words on horizontal lines', () => {
    expect(readsUpright(many(25, () => word('dagpenger', 93)))).toBe(true);
  });
  it('refuses too few confident words (a caption, a short note): the bands decide then', () => {
    expect(readsUpright(many(19, () => word('dagpenger', 93)))).toBe(false);
  });
  it('refuses upside-down fragments: unsure, short, letters mixed with marks', () => {
    const garbage = [...many(60, () => word("'11p-u", 45)), ...many(60, () => word('ɐ', 30)), ...many(10, () => word('uos', 85))];
    expect(readsUpright(garbage)).toBe(false);
  });
  it('refuses confident words when most letters are in garbage', () => {
    expect(readsUpright([...many(20, () => word('dagpenger', 93)), ...many(200, () => word('xq1z', 40))])).toBe(false);
  });
  it('refuses a sideways page read as vertical text (boxes taller than wide)', () => {
    expect(readsUpright(many(40, () => word('dagpenger', 95, false)))).toBe(false);
    expect(readsUpright([...many(25, () => word('dagpenger', 95)), ...many(5, () => word('dagpenger', 95, false))])).toBe(false);
  });
});

describe('one reading per page', () => {
  let engine: OcrEngine;
  beforeAll(async () => {
    engine = await OcrEngine.create({ langs: 'nor', size: 1 });
  });
  afterAll(() => engine.close());

  it('an upside-down page the vote turns is read once, not probed, and comes out upright', async () => {
    const [content] = claimPages({ formNumber: null, title: 'Klage på vedtak', tema: 'DAG', person: personRegister()[3]!, kind: 'complaint', pages: 1, seed: 17 });
    const scan = await renderPage(content!, { dpi: 200, rotate: 180, skewDeg: 1, noise: 0.01, jpegQuality: 70, seed: 5 });
    const grey = await toGrey(scan.data);
    const vote = await normalisePage(grey, scan.dpi);
    // The test is about a page the vote would turn but is not sure enough to be taken alone.
    expect(vote.orientation).toBe(180);
    const before = engine.stats().pages;
    const { page, read } = await readUprightPage(engine, grey, scan.dpi);
    const readings = engine.stats().pages - before;
    expect(page.orientation).toBe(180);
    expect(read!.text).toMatch(/vedtak/i);
    // uprightPage + readPage took two band probes and the full reading for the same page.
    expect(readings).toBe(1);
    const probed = engine.stats().pages;
    const up = await uprightPage(engine, grey, scan.dpi);
    expect(up.orientation).toBe(180);
    expect(engine.stats().pages - probed).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

describe('pages 1-2 route the document (stage table)', () => {
  const facts = (done: Stage[], unread: number[]): DocumentFacts => ({ status: 'processing', done: new Set(done), pages: [1, 2, 3], unread, unmade: [], merged: false });
  it('a first page whose full text names enough starts identify while later pages are unread', () => {
    expect(successors('ocr', 'JP1', facts(['split', 'header'], [2, 3]), { enough: true }).map((s) => s.stage)).toEqual(['identify']);
    expect(successors('ocr', 'JP1', facts(['split', 'header'], [2, 3]), { enough: false })).toEqual([]);
  });
  it('enough on the last page read starts identify once, not twice', () => {
    const steps = successors('ocr', 'JP1', facts(['split', 'header', 'ocr', 'route'], []), { enough: true });
    expect(steps.filter((s) => s.stage === 'identify')).toHaveLength(1);
  });
  it('queues pages 1-2 before every later page', () => {
    expect([1, 2, 3, 40].map(ocrPriority)).toEqual([undefined, undefined, 1, 1]);
  });
});
