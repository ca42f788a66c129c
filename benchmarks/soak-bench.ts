/**
 * Memory soak (issue 14): --pages pages through real `intake worker` processes (all stages,
 * --concurrency OCR workers each), with the hostile files of the security tests between them, and
 * the RSS of every worker process sampled from /proc every 2 s against the pages read so far.
 * Each run has its own database, queue prefix and store folder (dropped afterwards).
 *
 *   npm run bench:soak -- [--pages 10000] [--pages-per-doc 40] [--hostile-every 10] [--workers 1]
 *                         [--concurrency 2] [--max-minutes 60] [--note-px 620x874] [--json FILE]
 *
 * What a document is: page 1 a scanned claim (A4, 200 dpi, JPEG: routes the document), the other
 * pages small scanned notes (A6 at 150 dpi, one line of text: cheap to read, so 10 000 pages fit in
 * a run on 2 cores). Every --hostile-every documents one hostile file goes in too, in turn: the
 * compressed-stream bomb (1.5 MB inflating to 1.5 GB), a 17 000 × 17 000 TIFF page, a PDF one page
 * over the cap, an inline image declaring 40 000 × 40 000 pixels, the real scans enormous.pdf
 * (81 megapixels, read) and hugemono.pdf (refused), and a 200-page PDF split in parts.
 * Documents are fed so that about two documents wait at any time (a backlog, not a rate).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PDFDocument } from 'pdf-lib';
import { createContext } from '../app/context.ts';
import { claimScan, cpuSeconds, dropBenchRun, ready, rssMb, spawnWorker, stopWorkers } from './bench-run.ts';
import { flateBombPdf, hugeTiff, inlineImagePdf, longPdf, scanJpeg } from '../fixtures/hostile.ts';
import { ROOT, loadConfig } from '../schemas/config.ts';
import { ingest } from '../services/ingest.service.ts';

const { values: a } = parseArgs({
  options: {
    pages: { type: 'string', default: '10000' },
    'pages-per-doc': { type: 'string', default: '40' },
    'hostile-every': { type: 'string', default: '10' },
    workers: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '2' },
    'max-minutes': { type: 'string', default: '60' },
    'note-px': { type: 'string', default: '620x874' },
    json: { type: 'string' },
  },
});
const PAGES = Number(a.pages);
const PER_DOC = Number(a['pages-per-doc']);
const HOSTILE_EVERY = Number(a['hostile-every']);
const WORKERS = Number(a.workers);
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

const id = `${process.pid}`;
const dbUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/intake');
dbUrl.pathname = `/intake_bench_soak_${id}`;
const prefix = `bench_soak_${id}`;
const storeDir = await mkdtemp(path.join(os.tmpdir(), 'intake-soak-'));
const env = { ...process.env, DATABASE_URL: dbUrl.toString(), QUEUE_PREFIX: prefix, STORE_DIR: storeDir, SYNTHETIC_PERSONS: 'true', LOG_LEVEL: 'warn' };
const config = loadConfig(env, { fresh: true });
const ctx = await createContext(config, 'bench-soak');

// --- the files
log('making the documents and hostile files');
const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => claimScan(i)));
// A6 at 150 dpi with one line of text, unless --note-px says otherwise.
const [noteW, noteH] = a['note-px']!.split('x').map(Number);
const note = await scanJpeg(noteW, noteH);
async function documentPdf(n: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const claim = await doc.embedJpg(claims[n % claims.length]!);
  const small = await doc.embedJpg(note);
  for (let k = 0; k < PER_DOC; k++) {
    const page = doc.addPage([595, 842]);
    page.drawImage(k === 0 ? claim : small, { x: 0, y: 0, width: 595, height: 842 });
  }
  // Unique bytes: the same file twice would be a duplicate.
  return Buffer.concat([Buffer.from(await doc.save()), Buffer.from(`\n%soak ${id} ${n}\n`)]);
}
const real = (f: string) => readFileSync(path.join(ROOT, 'fixtures', 'real-scans', f));
const hostile: Array<{ name: string; data: Buffer; pages: number }> = [
  { name: 'bombe.pdf', data: await flateBombPdf(1500 * 1024 ** 2), pages: 0 },
  { name: 'stor-side.tif', data: await hugeTiff(17_000, 17_000), pages: 0 },
  { name: 'for-lang.pdf', data: await longPdf(config.MAX_PAGES_PER_FILE + 1), pages: 0 },
  { name: 'innebygd-bilde.pdf', data: await inlineImagePdf(40_000, 40_000), pages: 0 },
  { name: 'enormous.pdf', data: real('enormous.pdf'), pages: 1 },
  { name: 'hugemono.pdf', data: real('hugemono.pdf'), pages: 0 },
  { name: 'lang-200.pdf', data: await longPdf(200, note), pages: 200 },
];
const unique = (name: string, data: Buffer, n: number) => (name.endsWith('.pdf') ? Buffer.concat([data, Buffer.from(`\n%soak ${id} h${n}\n`)]) : data);

// --- workers
const ports = Array.from({ length: WORKERS }, (_, w) => 19_800 + (process.pid % 150) + w);
const procs = ports.map((port) => spawnWorker(env, port, ['-c', a.concurrency!]));
await Promise.all(ports.map(ready));
const idle = procs.map((p) => Math.round(rssMb(p.pid!)));
log(`${WORKERS} worker process(es) × ${a.concurrency} OCR workers ready; idle RSS ${idle.join(', ')} MB`);

// --- feed and sample
const db = new pg.Pool({ connectionString: dbUrl.toString(), max: 2 });
const start = Date.now();
const deadline = start + Number(a['max-minutes']) * 60_000;
const cpu0 = procs.map((p) => cpuSeconds(p.pid!));
const series: Array<{ t: number; pagesRead: number; rss: number[]; load: number }> = [];
const peak = procs.map(() => 0);
let fed = 0;
let docs = 0;
let hostileSent = 0;
let hostileSentTiff = 0;
const pagesRead = async () => (await db.query(`SELECT count(*)::int AS n FROM pages WHERE ocr_at IS NOT NULL`)).rows[0].n as number;
const waiting = async () => (await db.query(`SELECT count(*)::int AS n FROM documents WHERE status = 'processing' AND ocr_at IS NULL`)).rows[0].n as number;
let lastSample = 0;
for (;;) {
  const now = Date.now();
  if (now - lastSample >= 2000) {
    lastSample = now;
    const rss = procs.map((p) => Math.round(rssMb(p.pid!)));
    rss.forEach((r, i) => (peak[i] = Math.max(peak[i]!, r)));
    series.push({ t: Math.round((now - start) / 1000), pagesRead: await pagesRead(), rss, load: Math.round(os.loadavg()[0]! * 10) / 10 });
    const last = series[series.length - 1]!;
    if (series.length % 30 === 1) log(`${last.t} s: ${last.pagesRead} pages read, RSS ${rss.join(', ')} MB, load ${last.load}`);
    if (last.pagesRead >= PAGES || now > deadline) break;
  }
  if (fed < PAGES && (await waiting()) < 2) {
    const n = docs++;
    const files = [{ name: `soak_${n}.pdf`, data: await documentPdf(n) }];
    fed += PER_DOC;
    if (HOSTILE_EVERY && n % HOSTILE_EVERY === HOSTILE_EVERY - 1) {
      const h = hostile[hostileSent++ % hostile.length]!;
      if (h.name.endsWith('.tif')) hostileSentTiff++;
      // A TIFF cannot take a trailer: sent once (a second time is a duplicate of the first).
      if (!h.name.endsWith('.tif') || hostileSentTiff === 1) files.push({ name: h.name, data: unique(h.name, h.data, n) });
      fed += h.pages;
    }
    await ingest(ctx, files, { batchName: `soak-${n}`, source: 'bench' });
  }
  await new Promise((r) => setTimeout(r, 250));
}
const end = Date.now();
const cpu = procs.map((p, i) => Math.round(cpuSeconds(p.pid!) - cpu0[i]!));

// --- results
const metrics = await Promise.all(ports.map(async (p) => (await fetch(`http://127.0.0.1:${p}/metrics`)).text()));
const recycled = (text: string, reason: string) =>
  Number(new RegExp(`^intake_ocr_workers_recycled_total\\{reason="${reason}"\\} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
const { rows: manual } = await db.query(`SELECT file_name, manual_reason FROM documents WHERE status = 'manual' AND file_name NOT LIKE 'soak_%' ORDER BY id`);
const { rows: outcome } = await db.query(`SELECT status, count(*)::int AS n FROM documents GROUP BY status ORDER BY status`);
const read = series[series.length - 1]!.pagesRead;
// RSS after every 1 000 pages read: flat or climbing?
const byThousand = Array.from({ length: Math.floor(read / 1000) }, (_, k) => {
  const s = series.find((x) => x.pagesRead >= (k + 1) * 1000)!;
  return { pages: (k + 1) * 1000, t: s.t, rss: s.rss };
});
const quarter = (i: number) => {
  const xs = series.map((s) => s.rss[i]!).slice(Math.floor(series.length / 4));
  return { min: Math.min(...xs), median: [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)], max: Math.max(...xs) };
};
const result = {
  when: new Date().toISOString(),
  machine: `${os.availableParallelism()} cores; load average over the run ${Math.min(...series.map((s) => s.load))}-${Math.max(...series.map((s) => s.load))}`,
  setup: { workers: WORKERS, concurrency: Number(a.concurrency), pagesPerDoc: PER_DOC, hostileEvery: HOSTILE_EVERY, splitPagesPerJob: config.SPLIT_PAGES_PER_JOB },
  minutes: Math.round((end - start) / 600) / 100,
  documents: docs, hostileSent, pagesFed: fed, pagesRead: read, pagesPerMinute: Math.round((read / ((end - start) / 60_000)) * 10) / 10,
  idleRssMb: idle, peakRssMb: peak, afterFirstQuarterRssMb: procs.map((_, i) => quarter(i)),
  cpuSeconds: cpu,
  ocrRecycled: metrics.map((m) => ({ pages: recycled(m, 'pages'), memory: recycled(m, 'memory'), failure: recycled(m, 'failure') })),
  outcome, hostileOutcomes: manual.map((r) => ({ file: r.file_name, reason: String(r.manual_reason).slice(0, 90) })),
  byThousandPages: byThousand,
  series,
};
console.log(JSON.stringify({ ...result, series: undefined }));
if (a.json) await writeFile(a.json, JSON.stringify(result, null, 1));
log(`${read} pages read in ${result.minutes} min; peak RSS ${peak.join(', ')} MB`);

await stopWorkers(procs);
await ctx.close();
await db.end();
await dropBenchRun({ redisUrl: config.REDIS_URL, prefix, dbUrl, database: `intake_bench_soak_${id}`, storeDir });
