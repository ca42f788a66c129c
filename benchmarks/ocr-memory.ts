/**
 * Memory of an OCR process, measured in a fresh process (the benchmark's own would carry the
 * other engines' leftovers): peak RSS of node + sharp + a pool of tesseract.js workers while
 * reading pages, and optionally RSS every 50 pages over a long run with workers recycled.
 *
 *   tsx benchmarks/ocr-memory.ts [--pages 8] [--soak 0] [--recycle 50] [--dpi 300] [--cores N] [--lang-path DIR]
 * Prints one JSON line: { baseMb (before the OCR engine starts), peakMb, series: [[pages, rssMb], ...] }.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { claimPages } from '../fixtures/claim-content.ts';
import { renderPage } from '../fixtures/render-page.ts';
import { OcrEngine } from '../pipeline/ocr/ocr-engine.ts';
import { readPage } from '../pipeline/ocr/read-page.ts';
import { normalisePage, toGrey } from '../pipeline/pages/normalise.ts';
import { personRegister } from '../storage/seed/person-register.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '8' },
    soak: { type: 'string', default: '0' },
    recycle: { type: 'string', default: '50' },
    dpi: { type: 'string', default: '300' },
    cores: { type: 'string', default: String(os.availableParallelism()) },
    'lang-path': { type: 'string' },
  },
});
const dpi = Number(values.dpi);
const cores = Number(values.cores);
const mb = () => process.memoryUsage().rss / 2 ** 20;

const files: Buffer[] = [];
const persons = personRegister();
for (let i = 0; files.length < Number(values.pages); i++) {
  for (const c of claimPages({ formNumber: 'NAV 04-01.03', title: 'Søknad om dagpenger', tema: 'DAG', kind: 'claim', person: persons[i % persons.length]!, pages: 2, seed: 100 + i })) {
    files.push((await renderPage(c, { dpi, skewDeg: 1.5, noise: 0.015, blur: 0.6, jpegQuality: 60, seed: i })).data);
  }
}
const baseMb = Math.round(mb());
let peak = mb();
const timer = setInterval(() => (peak = Math.max(peak, mb())), 50);
const engine = await OcrEngine.create({ langs: 'nor', size: cores, langPath: values['lang-path'], recycleAfter: Number(values.recycle) });
const total = Math.max(files.length, Number(values.soak));
const series: Array<[number, number]> = [[0, Math.round(mb())]];
let next = 0;
let done = 0;
await Promise.all(Array.from({ length: cores }, async () => {
  while (next < total) {
    const f = files[next++ % files.length]!;
    const n = await normalisePage(await toGrey(f), dpi);
    await readPage(engine, n.raster, n.dpi);
    if (++done % 50 === 0) series.push([done, Math.round(mb())]);
  }
}));
clearInterval(timer);
await engine.close();
process.stdout.write(`${JSON.stringify({ baseMb, peakMb: Math.round(Math.max(peak, mb())), series, recycled: engine.stats().recycled })}\n`);
