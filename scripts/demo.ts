import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildApi } from '../api/server.ts';
import { generateSampleBatch, writeSampleBatch } from '../fixtures/sample-batch.ts';
import { loadConfig, ROOT } from '../schemas/config.ts';
import { batchProgress, batchSummary, formatSummary, type BatchSummary } from '../services/summary.service.ts';
import { createContext } from '../app/context.ts';
import { importRegister } from '../storage/person-register/import.ts';
import { syntheticRegisterCsv } from '../storage/seed/person-register.ts';
import { listPages } from '../storage/repositories/pages.repository.ts';
import { OcrEngine } from '../pipeline/ocr/ocr-engine.ts';
import { readUprightPage } from '../pipeline/ocr/upright.ts';
import { toGrey } from '../pipeline/pages/normalise.ts';
import { readFileSync } from 'node:fs';

export interface DemoOptions {
  once?: boolean;
  count: number;
  seed?: number;
  workers: number;
  concurrency?: number;
}

function startWorkerProcess(concurrency: number): ChildProcess {
  // DEMO_WORKER_NODE_FLAGS: extra node flags for the worker processes only (e.g. `--cpu-prof --cpu-prof-dir=var/prof`,
  // which node refuses in NODE_OPTIONS): how the pipeline's own CPU was profiled (README, Measurements).
  const flags = (process.env.DEMO_WORKER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', path.join(ROOT, 'bin', 'intake.ts'), 'worker', '--concurrency', String(concurrency)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system, every thread) a child process has used so far; null where /proc is not there. */
function childCpuSeconds(child: ChildProcess): number | null {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks (100 a second on Linux).
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

const ownCpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

/** CPU the pipeline used: the worker processes and this process (API, ingest, polling). */
interface PipelineCpu {
  workers: number | null;
  api: number;
}

/**
 * The same pages read by full-text OCR alone (decode, upright, clean-up, one reading: what
 * `npm run bench:ocr` measures) with as many OCR workers as the pipeline had, right after the
 * pipeline's run on the same machine: how close the whole pipeline comes to its OCR (issue 14).
 */
async function ocrAlone(ctx: Awaited<ReturnType<typeof createContext>>, summary: BatchSummary, pipelineSeconds: number, workers: number, cpu: PipelineCpu): Promise<void> {
  const images: Array<{ key: string; dpi: number }> = [];
  for (const r of summary.rows) {
    for (const p of await listPages(ctx.db, r.documentId)) {
      // The split's image (before it was turned upright), unless the page had its own text.
      if (p.ocrStatus !== 'pdf-text') images.push({ key: `pages/${p.documentId}/${p.pageNo}.png`, dpi: p.dpi });
    }
  }
  const engine = await OcrEngine.create({ langs: ctx.config.OCR_LANGS, size: workers, langPath: ctx.config.OCR_LANG_PATH, timeoutMs: ctx.config.OCR_PAGE_TIMEOUT_MS });
  try {
    await engine.recognize(Buffer.from('P5\n8 8\n255\n' + '\xff'.repeat(64), 'latin1'), 300);
    const t0 = performance.now();
    const cpu0 = ownCpuSeconds();
    let next = 0;
    await Promise.all(Array.from({ length: workers }, async () => {
      while (next < images.length) {
        const img = images[next++]!;
        await readUprightPage(engine, await toGrey(await ctx.store.get(img.key)), img.dpi);
      }
    }));
    const ocrSeconds = (performance.now() - t0) / 1000;
    const ocrCpu = ownCpuSeconds() - cpu0;
    const pipelineRate = (summary.pages / pipelineSeconds) * 60;
    const ocrRate = (images.length / ocrSeconds) * 60;
    console.log(`full-text OCR alone, same ${images.length} scanned pages, ${workers} OCR worker(s): ${ocrSeconds.toFixed(1)} s, ${ocrRate.toFixed(1)} pages per minute; pipeline / OCR alone = ${(pipelineRate / ocrRate).toFixed(2)} (load average ${os.loadavg()[0]!.toFixed(1)})`);
    // CPU per page does not depend on what else the machine runs: on a busy machine it is the fairer comparison.
    if (cpu.workers !== null) {
      const pipelineCpu = cpu.workers + cpu.api;
      const ms = (sec: number, pages: number) => Math.round((sec * 1000) / pages);
      console.log(`CPU per page: pipeline ${ms(pipelineCpu, summary.pages)} ms (worker processes ${ms(cpu.workers, summary.pages)}, API and ingest ${ms(cpu.api, summary.pages)}; PostgreSQL and Redis not counted), OCR alone ${ms(ocrCpu, images.length)} ms; OCR alone / pipeline = ${((ocrCpu / images.length) / (pipelineCpu / summary.pages)).toFixed(2)}`);
    }
  } finally {
    await engine.close();
  }
}

/** API + worker processes + a generated scanned batch, ingested over HTTP, then a routing summary. */
export async function runDemo(opts: DemoOptions): Promise<void> {
  const config = loadConfig();
  const ctx = await createContext(config, 'demo');
  // The demo's people come in the way a real register does: a register file, imported.
  const registerFile = path.join(ROOT, 'var', 'demo-register.csv');
  await mkdir(path.dirname(registerFile), { recursive: true });
  await writeFile(registerFile, syntheticRegisterCsv());
  const imported = await importRegister(ctx.db, registerFile, { actor: 'demo', name: 'demo-register.csv' });
  console.log(`person register: ${imported.rows} people from var/demo-register.csv (${imported.inserted} new, ${imported.updated} changed)`);
  const app = buildApi(ctx);
  const address = await app.listen({ host: config.API_HOST, port: config.API_PORT });
  const concurrency = opts.concurrency ?? Math.max(1, Math.floor(config.WORKER_CONCURRENCY / opts.workers));
  const children = Array.from({ length: opts.workers }, () => startWorkerProcess(concurrency));
  const stop = async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    await app.close();
    await ctx.close();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));

  try {
    console.log(`API on ${address}; ${opts.workers} worker process(es) × ${concurrency} OCR worker(s); object store: ${ctx.store.kind}`);
    const seed = opts.seed ?? (Date.now() % 1_000_000) + 1;
    process.stdout.write(`generating ${opts.count} scanned claims (seed ${seed}) … `);
    const t0 = Date.now();
    const sample = await generateSampleBatch({ count: opts.count, seed });
    const dir = path.join(ROOT, 'var', 'demo', `batch-${seed}`);
    await writeSampleBatch(dir, sample);
    console.log(`${sample.files.length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${path.relative(process.cwd(), dir) || dir}`);

    // Every API route needs a token: the demo signs in as the seeded mail-room operator (dev mode).
    const login = await fetch(`${address}/api/auth/dev-login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'ops' }),
    });
    if (!login.ok) throw new Error(`dev login failed: HTTP ${login.status} (the demo needs AUTH_MODE=dev)`);
    const auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
    const created = await fetch(`${address}/api/batches`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ name: `demo-${seed}` }),
    });
    if (!created.ok) throw new Error(`creating the batch failed: HTTP ${created.status}`);
    const batchId = ((await created.json()) as { id: string }).id;
    const started = Date.now();
    const apiCpu0 = ownCpuSeconds();
    const workerCpu0 = children.map(childCpuSeconds);
    for (const f of sample.files) {
      const res = await fetch(`${address}/api/ingest?filename=${encodeURIComponent(f.name)}&batchId=${batchId}`, {
        method: 'POST', headers: { 'content-type': 'application/octet-stream', ...auth }, body: new Uint8Array(f.data),
      });
      if (!res.ok) throw new Error(`upload of ${f.name} failed: HTTP ${res.status} ${await res.text()}`);
    }
    console.log(`uploaded ${sample.files.length} files to batch ${batchId}; processing …`);

    let last = '';
    // Polled with one query: the whole summary (a query per document, every second) would add
    // its own CPU to the pipeline's measured here.
    for (;;) {
      const p = await batchProgress(ctx, batchId);
      const line = `  ${p.finished}/${p.documents} documents finished, ${p.pages} pages split`;
      if (line !== last) console.log(line);
      last = line;
      if (p.done) break;
      if (children.every((c) => c.exitCode !== null)) throw new Error('every worker process has stopped');
      await sleep(1000);
    }
    const seconds = (Date.now() - started) / 1000;
    const workerCpu = children.map((c, i) => {
      const [now, before] = [childCpuSeconds(c), workerCpu0[i]];
      return now === null || before === null || before === undefined ? null : now - before;
    });
    const cpu: PipelineCpu = {
      workers: workerCpu.some((c) => c === null) ? null : workerCpu.reduce<number>((a, c) => a + c!, 0),
      api: ownCpuSeconds() - apiCpu0,
    };
    const summary = await batchSummary(ctx, batchId);
    console.log(`\n${formatSummary(summary)}\n`);
    const perUnit = new Map<string, number>();
    for (const r of summary.rows) for (const u of r.units.length ? r.units : [`(${r.status})`]) perUnit.set(u, (perUnit.get(u) ?? 0) + 1);
    console.log('documents per unit:');
    for (const [u, n] of [...perUnit].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(3)}  ${u}`);
    console.log(`\n${summary.rows.length} documents, ${summary.pages} pages in ${seconds.toFixed(1)} s: ${((summary.pages / seconds) * 60).toFixed(1)} pages per minute`);
    if (opts.once) await ocrAlone(ctx, summary, seconds, opts.workers * concurrency, cpu);
    console.log(`status of one document: ./intake status ${summary.rows[0]?.documentId ?? batchId}   (or open ${address}/ and sign in as a dev user)`);
  } catch (err) {
    await stop();
    throw err;
  }
  if (opts.once) {
    await stop();
    return;
  }
  console.log(`\nserving on ${address} — Ctrl-C to stop`);
}
