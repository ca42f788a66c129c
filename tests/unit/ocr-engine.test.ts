import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPage } from '../../fixtures/render-page.ts';
import { OcrEngine, OcrTimeoutError, type BackendFactory, type OcrBackend } from '../../pipeline/ocr/ocr-engine.ts';
import { readHeader, readPage } from '../../pipeline/ocr/read-page.ts';
import { normalisePage, toGrey } from '../../pipeline/pages/normalise.ts';

/** A stand-in recogniser: answers after `ms`, or never when the image starts with "HANG". */
function stub(log: string[], ms = 5): BackendFactory {
  let n = 0;
  return async () => {
    const id = ++n;
    log.push(`start ${id}`);
    let dead = false;
    const backend: OcrBackend = {
      recognize: (image) =>
        new Promise((resolve) => {
          if (image.subarray(0, 4).toString() === 'HANG') return; // a pathological page: never answers
          setTimeout(() => !dead && resolve({ text: `read by ${id}: ${image.subarray(0, 6).toString()}`, confidence: 90, words: [] }), ms);
        }),
      async terminate() {
        dead = true;
        log.push(`kill ${id}`);
      },
    };
    return backend;
  };
}

describe('OCR worker pool', () => {
  it('kills a worker that hangs on a page, replaces it, and keeps serving the queue', async () => {
    const log: string[] = [];
    const engine = await OcrEngine.create({ langs: 'nor', size: 1, timeoutMs: 100, factory: stub(log) });
    const started = performance.now();
    const hung = engine.recognize(Buffer.from('HANG page'), 200);
    const next = engine.recognize(Buffer.from('normal page'), 200);
    await expect(hung).rejects.toBeInstanceOf(OcrTimeoutError);
    expect((await next).text).toBe('read by 2: normal');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(log).toEqual(['start 1', 'kill 1', 'start 2']);
    expect(engine.stats()).toMatchObject({ timeouts: 1, pages: 1, workers: 1 });
    await engine.close();
  });

  it('retries a hanging page once on harder clean-up, then leaves it to a person', async () => {
    const log: string[] = [];
    let calls = 0;
    const factory: BackendFactory = async () => {
      const b = await stub(log)();
      return { recognize: () => (calls++, new Promise(() => {})), terminate: b.terminate };
    };
    const engine = await OcrEngine.create({ langs: 'nor', size: 1, timeoutMs: 50, factory });
    const page = { data: Buffer.alloc(200 * 300, 255), width: 200, height: 300 };
    const r = await readPage(engine, page, 200);
    expect(r).toMatchObject({ status: 'manual', text: null, attempts: 2 });
    expect(r.reason).toMatch(/tidsgrensen/);
    expect(calls).toBe(2);
    expect(engine.stats().timeouts).toBe(2);
    await engine.close();
  });

  it('replaces workers after a number of pages, so memory cannot grow without bound', async () => {
    const log: string[] = [];
    const engine = await OcrEngine.create({ langs: 'nor', size: 2, recycleAfter: 3, factory: stub(log, 1) });
    await Promise.all(Array.from({ length: 12 }, (_, i) => engine.recognize(Buffer.from(`page ${i}`), 200)));
    expect(engine.stats()).toMatchObject({ pages: 12, recycled: 4, workers: 2 });
    expect(log.filter((l) => l.startsWith('kill'))).toHaveLength(4);
    await engine.close();
  });

  it('replaces a worker when the process is over its memory bound, before the page count would, and not again at once', async () => {
    const log: string[] = [];
    let rssMb = 400;
    const reasons: string[] = [];
    const engine = await OcrEngine.create({
      langs: 'nor', size: 1, recycleAfter: 1000, maxRssMb: 600, rss: () => rssMb * 1024 * 1024, factory: stub(log, 1), onRecycle: (r) => reasons.push(r),
    });
    for (let i = 0; i < 10; i++) await engine.recognize(Buffer.from(`page ${i}`), 200);
    expect(engine.stats()).toMatchObject({ pages: 10, recycled: 0 });
    rssMb = 650; // over the bound: the worker (10 pages read) goes after its next page
    await engine.recognize(Buffer.from('page 10'), 200);
    expect(engine.stats()).toMatchObject({ recycled: 1, recycledForMemory: 1 });
    // Still over (something else holds the memory): the fresh worker is not thrown away after every page.
    for (let i = 0; i < 4; i++) await engine.recognize(Buffer.from(`page ${11 + i}`), 200);
    expect(engine.stats().recycled).toBe(1);
    await engine.recognize(Buffer.from('page 15'), 200);
    expect(engine.stats().recycled).toBe(2);
    expect(reasons).toEqual(['memory', 'memory']);
    expect(log).toEqual(['start 1', 'kill 1', 'start 2', 'kill 2', 'start 3']);
    await engine.close();
  });

  it('serves header reads before full-text pages that waited longer', async () => {
    const order: string[] = [];
    const engine = await OcrEngine.create({ langs: 'nor', size: 1, factory: stub([], 20) });
    const first = engine.recognize(Buffer.from('full-1'), 200).then((r) => order.push(r.text));
    const queued = [
      engine.recognize(Buffer.from('full-2'), 200).then((r) => order.push(r.text)),
      engine.recognize(Buffer.from('head-1'), { dpi: 200, priority: 'high' }).then((r) => order.push(r.text)),
    ];
    await Promise.all([first, ...queued]);
    expect(order.map((t) => t.slice(-6))).toEqual(['full-1', 'head-1', 'full-2']);
    await engine.close();
  });
});

describe('tesseract.js, local data only', () => {
  let engine: OcrEngine;
  beforeAll(async () => {
    engine = await OcrEngine.create({ langs: 'nor', size: 1 });
  }, 60_000);
  afterAll(async () => engine?.close());

  it('reads the header of a skewed, upside-down page after turning it, with word boxes and a text layer', async () => {
    const content = {
      lines: [
        { text: 'NAV', size: 22, bold: true },
        { text: 'NAV 04-01.03', size: 12, bold: true, align: 'right' as const, sameLine: true },
        { text: 'Søknad om dagpenger', size: 16, bold: true, gapBefore: 5 },
        { text: 'Fødselsnummer (11 siffer): 01815010260', gapBefore: 4 },
      ],
    };
    const scan = await renderPage(content, { dpi: 200, rotate: 180, skewDeg: 2, noise: 0.01, jpegQuality: 70, seed: 2 });
    const n = await normalisePage(await toGrey(scan.data), scan.dpi);
    expect(n.orientation).toBe(180);
    const header = await readHeader(engine, n.raster, n.dpi);
    expect(header.text).toContain('01815010260');
    expect(header.text).toContain('NAV 04-01.03');
    const full = await readPage(engine, n.raster, n.dpi, { textPdf: true });
    expect(full.status).toBe('ok');
    const id = full.words.find((w) => w.text === '01815010260')!;
    expect(id.conf).toBeGreaterThan(30);
    // Boxes in the stored page's pixels (A4 at 200 dpi is 1654 x 2339).
    expect(id.x1).toBeLessThanOrEqual(1654);
    expect(id.y0).toBeGreaterThan(150);
    expect(full.textPdf!.subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);
});

