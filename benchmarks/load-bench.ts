/**
 * Load benchmark: documents arrive at a steady rate for several minutes and go through the real
 * services — PostgreSQL, Redis (BullMQ), the object store, and `intake worker` processes started
 * here as they run in production. Each run has its own database and queue prefix (dropped and
 * deleted afterwards; the shared Redis is never flushed).
 *
 *   npm run bench:load -- [--workers 1] [--concurrency 2] [--rate 40] [--minutes 5] [--pages 2]
 *                         [--hostile 0] [--drain-minutes 10] [--json FILE]
 *
 *   --rate      pages per minute arriving (documents of --pages pages each, evenly spaced)
 *   --hostile   every Nth arrival is a hostile file instead (compressed-stream bomb, a TIFF page
 *               over the stream limit, a PDF over the page cap, the real scans enormous.pdf and
 *               hugemono.pdf); 0 = none
 *
 * Reports throughput, scan-to-inbox (received → first delivery) p50/p95, queue depth over time,
 * RSS per worker process (sampled from /proc every 2 s), and per page the PostgreSQL queries,
 * Redis commands and bytes moved — counted by each process's own metrics (app/metrics.ts: pg
 * client wrappers, ioredis sendCommand, socket byte counts), scraped from the workers'
 * /metrics at the end. This process plays the API: it ingests through the same service the
 * API calls (services/ingest.service.ts), and its own counts are reported as "ingest".
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createContext } from '../app/context.ts';
import { dropBenchRun, ready, rssMb, spawnWorker, stopWorkers } from './bench-run.ts';
import { claimPages } from '../fixtures/claim-content.ts';
import { toPdf } from '../fixtures/documents.ts';
import { flateBombPdf, hugeTiff, longPdf } from '../fixtures/hostile.ts';
import { renderPage } from '../fixtures/render-page.ts';
import { navForms } from '../fixtures/sample-batch.ts';
import { ROOT, loadConfig } from '../schemas/config.ts';
import { ingest } from '../services/ingest.service.ts';
import { personRegister } from '../storage/seed/person-register.ts';

const { values: a } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '2' },
    rate: { type: 'string', default: '40' },
    minutes: { type: 'string', default: '5' },
    pages: { type: 'string', default: '2' },
    hostile: { type: 'string', default: '0' },
    'drain-minutes': { type: 'string', default: '10' },
    json: { type: 'string' },
  },
});
const WORKERS = Number(a.workers);
const CONCURRENCY = Number(a.concurrency);
const RATE = Number(a.rate);
const MINUTES = Number(a.minutes);
const PAGES = Number(a.pages);
const HOSTILE = Number(a.hostile);
const id = `${process.pid}`;
const dbUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/intake');
dbUrl.pathname = `/intake_bench_load_${id}`;
const prefix = `bench_load_${id}`;
const storeDir = await mkdtemp(path.join(os.tmpdir(), 'intake-load-'));
const env = {
  ...process.env,
  DATABASE_URL: dbUrl.toString(),
  QUEUE_PREFIX: prefix,
  STORE_DIR: storeDir,
  SYNTHETIC_PERSONS: 'true',
  LOG_LEVEL: 'warn',
  OCR_PAGE_TIMEOUT_MS: process.env.OCR_PAGE_TIMEOUT_MS ?? '120000',
};
const config = loadConfig(env, { fresh: true });
const ctx = await createContext(config, 'bench-load');
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

// --- documents: distinct scanned claims; each arrival made unique (duplicates are refused by SHA-256)
log('generating documents');
const persons = personRegister();
const forms = navForms().filter((f) => ['DAG', 'AAP', 'SYK', 'BAR'].includes(f.tema) && /^Søknad/.test(f.title));
const templates: Buffer[] = [];
for (let i = 0; i < 12; i++) {
  const form = forms[i % forms.length]!;
  const pages = claimPages({ formNumber: form.formNumber, title: form.title, tema: form.tema, person: persons[(i * 7) % 40]!, kind: 'claim', pages: PAGES, seed: 900 + i });
  const scans = [];
  for (const [k, p] of pages.entries()) scans.push(await renderPage(p, { dpi: 200, skewDeg: (i % 5) - 2, noise: 0.01 * (i % 3), jpegQuality: 70, seed: i * 10 + k }));
  templates.push(await toPdf(scans));
}
const hostile: Array<{ name: string; data: Buffer }> = [];
if (HOSTILE) {
  hostile.push({ name: 'bombe.pdf', data: await flateBombPdf(1500 * 1024 ** 2) });
  hostile.push({ name: 'stor-side.tif', data: await hugeTiff(17_000, 17_000) });
  hostile.push({ name: 'for-lang.pdf', data: await longPdf(config.MAX_PAGES_PER_FILE + 1) });
  for (const f of ['enormous.pdf', 'hugemono.pdf']) hostile.push({ name: f, data: readFileSync(path.join(ROOT, 'fixtures', 'real-scans', f)) });
  log(`hostile files: ${hostile.map((h) => `${h.name} ${(h.data.length / 1024).toFixed(0)} KB`).join(', ')}`);
}
const unique = (pdf: Buffer, n: number) => Buffer.concat([pdf, Buffer.from(`\n%load-bench ${id} ${n}\n`)]);

// --- workers, as production runs them
const procs: Array<{ child: ChildProcess; port: number }> = [];
for (let w = 0; w < WORKERS; w++) {
  const port = 19_500 + (process.pid % 400) + w;
  procs.push({ child: spawnWorker(env, port, ['-c', String(CONCURRENCY)]), port });
}
const metricsOf = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
await Promise.all(procs.map((p) => ready(p.port)));
log(`${WORKERS} worker process(es) × ${CONCURRENCY} OCR workers ready`);
// Start-up (migrations, reference data, queue set-up) is not a page's cost: counted from here.
const baseline = await Promise.all(procs.map(async (p) => metricsOf(p.port)));
const ingestBaseline = await ctx.metrics.registry.metrics();

// --- arrivals and sampling
const db = new pg.Pool({ connectionString: dbUrl.toString(), max: 2 });
const docEveryMs = (60_000 * PAGES) / RATE;
const start = Date.now();
const arrivalsEnd = start + MINUTES * 60_000;
const series: Array<{ t: number; waiting: number; active: number; ocrWaiting: number; delivered: number; rss: number[] }> = [];
const peakRss = procs.map(() => 0);
let arrivals = 0;
let hostileSent = 0;
let stopSampling = false;
// The sampler's own queue-depth reads go through this process's instrumented Redis connections:
// counted here and taken off the ingest side's commands.
const redisCommandsNow = async () => (await ctx.metrics.registry.getSingleMetric('intake_redis_commands_total')!.get()).values[0]?.value ?? 0;
let samplerCommands = 0;
const sampler = (async () => {
  let k = 0;
  while (!stopSampling) {
    const rss = procs.map((p) => rssMb(p.child.pid!));
    rss.forEach((r, i) => (peakRss[i] = Math.max(peakRss[i]!, r)));
    if (k++ % 5 === 0) {
      const before = await redisCommandsNow();
      const counts = await ctx.queues.counts();
      samplerCommands += (await redisCommandsNow()) - before;
      const { rows } = await db.query(`SELECT count(DISTINCT document_id)::int AS n FROM deliveries`);
      series.push({
        t: Math.round((Date.now() - start) / 1000),
        waiting: Object.values(counts).reduce((s, c) => s + (c.waiting ?? 0) + (c.delayed ?? 0), 0),
        active: Object.values(counts).reduce((s, c) => s + (c.active ?? 0), 0),
        ocrWaiting: (counts.ocr.waiting ?? 0) + (counts.header.waiting ?? 0),
        delivered: rows[0].n,
        rss: rss.map(Math.round),
      });
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
})();
while (Date.now() < arrivalsEnd) {
  const due = start + arrivals * docEveryMs;
  if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
  if (Date.now() >= arrivalsEnd) break;
  const n = arrivals++;
  const file = HOSTILE && n % HOSTILE === HOSTILE - 1
    ? { ...hostile[hostileSent++ % hostile.length]!, hostile: true }
    : { name: `skann_${n}.pdf`, data: unique(templates[n % templates.length]!, n), hostile: false };
  // Hostile files are made unique too (the same bomb twice would be a duplicate).
  const data = file.hostile && file.name.endsWith('.pdf') ? unique(file.data, n) : file.data;
  void ingest(ctx, [{ name: file.name, data }], { batchName: `load-${n}`, source: 'bench' }).catch((e) => log(`ingest failed: ${(e as Error).message}`));
}
log(`${arrivals} arrivals in ${MINUTES} min (${hostileSent} hostile); draining`);

// --- drain: every document delivered/archived or in the manual queue
const drainEnd = Date.now() + Number(a['drain-minutes']) * 60_000;
for (;;) {
  const { rows } = await db.query(`SELECT count(*) FILTER (WHERE archived_at IS NULL AND status NOT IN ('manual')) ::int AS open, count(*)::int AS n FROM documents`);
  if ((rows[0].open === 0 && rows[0].n >= arrivals - hostileSent) || Date.now() > drainEnd) break;
  await new Promise((r) => setTimeout(r, 2000));
}
const end = Date.now();
stopSampling = true;
await sampler;

// --- results
const { rows: docs } = await db.query(`
  SELECT d.id, d.status, d.page_count, d.received_at, d.archived_at, (SELECT min(delivered_at) FROM deliveries dl WHERE dl.document_id = d.id) AS delivered_at
  FROM documents d`);
const pct = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const toInbox = docs.filter((d) => d.delivered_at).map((d) => (d.delivered_at.getTime() - d.received_at.getTime()) / 1000);
const pages = docs.reduce((s, d) => s + (d.page_count ?? 0), 0);
const lastDone = Math.max(...docs.map((d) => Math.max(d.archived_at?.getTime() ?? 0, d.delivered_at?.getTime() ?? 0)));
const counter = (text: string, name: string, labels = '') => {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}${labels ? `\\{${labels}\\}` : '(?:\\{[^}]*\\})?'} ([0-9.e+]+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
};
function cost(text: string) {
  return {
  dbQueries: counter(text, 'intake_db_queries_total'),
  dbBytes: counter(text, 'intake_db_bytes'),
  redisCommands: counter(text, 'intake_redis_commands_total'),
  redisBytes: counter(text, 'intake_redis_bytes'),
  storeBytes: counter(text, 'intake_store_bytes_total'),
  storeRequests: counter(text, 'intake_store_requests_total'),
  ocrPages: counter(text, 'intake_pages_total', 'stage="ocr"'),
  recycled: counter(text, 'intake_ocr_workers_recycled_total'),
  };
}
const minus = (x: ReturnType<typeof cost>, y: ReturnType<typeof cost>) =>
  Object.fromEntries(Object.keys(x).map((k) => [k, x[k as keyof typeof x] - y[k as keyof typeof y]])) as ReturnType<typeof cost>;
const workerCosts = await Promise.all(procs.map(async (p, i) => minus(cost(await metricsOf(p.port)), cost(baseline[i]!))));
const ingestCost = minus(cost(await ctx.metrics.registry.metrics()), cost(ingestBaseline));
ingestCost.redisCommands -= samplerCommands;
const sum = (k: keyof ReturnType<typeof cost>) => workerCosts.reduce((s, c) => s + c[k], 0) + ingestCost[k];
const perPage = (k: keyof ReturnType<typeof cost>) => Math.round((sum(k) / Math.max(1, pages)) * 10) / 10;
const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
const result = {
  when: new Date().toISOString(),
  machine: `${os.availableParallelism()} cores, load average at end ${load}`,
  setup: { workers: WORKERS, concurrency: CONCURRENCY, ratePagesPerMin: RATE, minutes: MINUTES, pagesPerDoc: PAGES, hostileEvery: HOSTILE },
  arrivals, hostileSent, documents: docs.length,
  manual: docs.filter((d) => d.status === 'manual').length,
  pages,
  // Pages read in full (the OCR stage's own count) over the run: the drain may end at its limit
  // with pages still waiting, so the pages taken in are not the pages done.
  pagesRead: workerCosts.reduce((s, c) => s + c.ocrPages, 0),
  throughputPagesPerMin: Math.round((workerCosts.reduce((s, c) => s + c.ocrPages, 0) / ((Math.max(lastDone, end) - start) / 60_000)) * 10) / 10,
  drainedFully: end < drainEnd,
  drainedAfterArrivalsS: Math.round((end - arrivalsEnd) / 1000),
  scanToInboxS: { n: toInbox.length, p50: pct(toInbox, 50), p95: pct(toInbox, 95), max: pct(toInbox, 100) },
  peakRssMb: peakRss.map(Math.round),
  perPage: {
    dbQueries: perPage('dbQueries'), dbKB: Math.round((sum('dbBytes') / Math.max(1, pages) / 1024) * 10) / 10,
    redisCommands: perPage('redisCommands'), redisKB: Math.round((sum('redisBytes') / Math.max(1, pages) / 1024) * 10) / 10,
    storeKB: Math.round((sum('storeBytes') / Math.max(1, pages) / 1024) * 10) / 10, storeRequests: perPage('storeRequests'),
  },
  ingestShare: { dbQueries: ingestCost.dbQueries, redisCommands: ingestCost.redisCommands },
  ocrRecycled: workerCosts.reduce((s, c) => s + c.recycled, 0),
  series,
};
console.log(JSON.stringify(result));
if (a.json) await writeFile(a.json, JSON.stringify(result, null, 1));
log(`throughput ${result.throughputPagesPerMin} pages/min; scan-to-inbox p50 ${result.scanToInboxS.p50?.toFixed(1)} s p95 ${result.scanToInboxS.p95?.toFixed(1)} s; peak RSS ${result.peakRssMb.join(', ')} MB`);
log(`per page: ${JSON.stringify(result.perPage)}`);

// --- clean up: our workers, database, queue keys and files only
await stopWorkers(procs.map((p) => p.child));
await ctx.close();
await db.end();
await dropBenchRun({ redisUrl: config.REDIS_URL, prefix: prefix, dbUrl, database: `intake_bench_load_${id}`, storeDir });
