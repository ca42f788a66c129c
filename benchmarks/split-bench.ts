/**
 * Splitting a long scanned PDF: a file of --pages pages, as a mail-room scanner makes them
 * (200 dpi, black and white, 1-bit Flate; or grey JPEG with --jpeg), ingested here and split by
 * --workers `intake worker --stages split,page` processes (the split stage counts the pages, page
 * jobs of SPLIT_PAGES_PER_JOB pages make the images), with its own database, queue prefix and
 * store folder. Prints the wall time from ingest to the split stamped, the workers' CPU time, and
 * each worker process's RSS idle and at its peak (sampled every 100 ms from /proc).
 *
 *   npm run bench:split -- [--pages 2000] [--distinct 25] [--jpeg] [--workers 1] [--concurrency 2] [--per-job 25]
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { deflateSync } from 'node:zlib';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PDFDocument, concatTransformationMatrix, drawObject, popGraphicsState, pushGraphicsState } from 'pdf-lib';
import sharp from 'sharp';
import { createContext } from '../app/context.ts';
import { cpuSeconds, dropBenchRun, ready, rssMb, spawnWorker, stopWorkers } from './bench-run.ts';
import { claimPages } from '../fixtures/claim-content.ts';
import { renderPage } from '../fixtures/render-page.ts';
import { navForms } from '../fixtures/sample-batch.ts';
import { loadConfig } from '../schemas/config.ts';
import { ingest } from '../services/ingest.service.ts';
import { personRegister } from '../storage/seed/person-register.ts';

const { values: a } = parseArgs({
  options: {
    pages: { type: 'string', default: '2000' }, distinct: { type: 'string', default: '25' }, jpeg: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' }, concurrency: { type: 'string', default: '2' }, 'per-job': { type: 'string', default: '25' },
  },
});
const PAGES = Number(a.pages);
const WORKERS = Number(a.workers);
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

/** A black-and-white page as 1-bit Flate (what decodeDirect takes as is), packed 8 pixels a byte. */
async function oneBit(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).toColourspace('b-w').threshold(160).raw().toBuffer({ resolveWithObject: true });
  const rowBytes = Math.ceil(info.width / 8);
  const packed = Buffer.alloc(rowBytes * info.height);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) if (data[y * info.width * info.channels + x * info.channels]! > 127) packed[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
  }
  return { data: deflateSync(packed, { level: 6 }), width: info.width, height: info.height };
}

log(`making a ${PAGES}-page PDF (${a.jpeg ? 'grey JPEG' : '1-bit Flate'}, 200 dpi)`);
const persons = personRegister();
const forms = navForms().filter((f) => /^Søknad/.test(f.title));
const distinct = [];
for (let i = 0; i < Number(a.distinct); i++) {
  const f = forms[i % forms.length]!;
  const [p] = claimPages({ formNumber: f.formNumber, title: f.title, tema: f.tema, person: persons[i % 40]!, kind: 'claim', pages: 1, seed: 300 + i });
  distinct.push(await renderPage(p!, { dpi: 200, noise: 0.01, jpegQuality: a.jpeg ? 60 : undefined, seed: i }));
}
const doc = await PDFDocument.create();
const bw = a.jpeg ? [] : await Promise.all(distinct.map((d) => oneBit(d.data)));
for (let i = 0; i < PAGES; i++) {
  const d = distinct[i % distinct.length]!;
  const w = (d.width / 200) * 72;
  const h = (d.height / 200) * 72;
  const page = doc.addPage([w, h]);
  // Every page its own image object, as a scanner writes them.
  let ref;
  if (a.jpeg) ref = (await doc.embedJpg(d.data)).ref;
  else {
    const g = bw[i % bw.length]!;
    ref = doc.context.register(doc.context.stream(g.data, {
      Type: 'XObject', Subtype: 'Image', Width: g.width, Height: g.height, ColorSpace: 'DeviceGray', BitsPerComponent: 1, Filter: 'FlateDecode',
    }));
  }
  const name = page.node.newXObject('Im', ref);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(w, 0, 0, h, 0, 0), drawObject(name), popGraphicsState());
}
const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
log(`file: ${(pdf.length / 1024 ** 2).toFixed(1)} MB`);

const id = `${process.pid}`;
const dbUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/intake');
dbUrl.pathname = `/intake_bench_split_${id}`;
const storeDir = await mkdtemp(path.join(os.tmpdir(), 'intake-split-'));
const env = {
  ...process.env, DATABASE_URL: dbUrl.toString(), QUEUE_PREFIX: `bench_split_${id}`, STORE_DIR: storeDir, LOG_LEVEL: 'warn', SYNTHETIC_PERSONS: 'true',
  SPLIT_PAGES_PER_JOB: a['per-job'],
};
const config = loadConfig(env, { fresh: true });
const ctx = await createContext(config, 'bench-split');
const workers = Array.from({ length: WORKERS }, (_, w) => spawnWorker(env, 19_100 + (process.pid % 300) + w, ['--stages', 'split,page', '-c', a.concurrency!]));
await Promise.all(workers.map((_, w) => ready(19_100 + (process.pid % 300) + w)));
const idle = workers.map((w) => rssMb(w.pid!));
const peak = [...idle];
const cpu0 = workers.map((w) => cpuSeconds(w.pid!));
const timer = setInterval(() => workers.forEach((w, k) => (peak[k] = Math.max(peak[k]!, rssMb(w.pid!)))), 100);
log(`${WORKERS} worker process(es) × ${a.concurrency} ready (idle RSS ${idle.map(Math.round).join(', ')} MB); ingesting`);
const started = performance.now();
const report = await ingest(ctx, [{ name: 'lang.pdf', data: pdf }], { batchName: 'split-bench', source: 'bench' });
const documentId = report.documents[0]!.documentId;
let st;
for (;;) {
  ({ rows: st } = await ctx.db.query('SELECT status, manual_reason, split_at FROM documents WHERE id = $1', [documentId]));
  if (st[0].split_at || st[0].status === 'manual') break;
  await new Promise((r) => setTimeout(r, 200));
}
const seconds = (performance.now() - started) / 1000;
clearInterval(timer);
// CPU time of the workers (all their threads: libvips, zlib): what the split costs when it has the cores to itself.
const cpu = workers.reduce((s, w, k) => s + cpuSeconds(w.pid!) - cpu0[k]!, 0);
const { rows } = await ctx.db.query('SELECT count(*)::int AS n FROM pages WHERE document_id = $1', [documentId]);
const { rows: jobs } = await ctx.db.query(`SELECT count(*)::int AS n FROM pipeline_steps WHERE document_id = $1 AND stage = 'page'`, [documentId]);
if (st[0].status === 'manual') log(`sent to the manual queue: ${st[0].manual_reason}`);
const result = {
  pages: rows[0].n, fileMb: Math.round(pdf.length / 1024 ** 2), format: a.jpeg ? 'jpeg' : '1-bit flate', workers: WORKERS, concurrency: Number(a.concurrency),
  pagesPerJob: Number(a['per-job']), pageJobs: jobs[0].n, seconds: Math.round(seconds * 10) / 10,
  pagesPerSecond: Math.round((rows[0].n / seconds) * 10) / 10, cpuSeconds: Math.round(cpu * 10) / 10,
  cpuMsPerPage: Math.round((cpu * 1000) / Math.max(1, rows[0].n)), idleRssMb: idle.map(Math.round), peakRssMb: peak.map(Math.round),
  load: os.loadavg().map((x) => x.toFixed(1)).join(' '),
};
console.log(JSON.stringify(result));

await stopWorkers(workers);
await ctx.close();
await dropBenchRun({ redisUrl: config.REDIS_URL, prefix: `bench_split_${id}`, dbUrl, database: `intake_bench_split_${id}`, storeDir });
