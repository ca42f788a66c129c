import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { claimPages } from '../fixtures/claim-content.ts';
import { renderPage } from '../fixtures/render-page.ts';
import { navForms } from '../fixtures/sample-batch.ts';
import { ROOT } from '../schemas/config.ts';
import { personRegister } from '../storage/seed/person-register.ts';

/** The i-th one-page scanned claim (A4, 200 dpi, JPEG) of a synthetic person, for benchmarks that feed documents. */
export async function claimScan(i: number): Promise<Buffer> {
  const claims = navForms().filter((x) => ['DAG', 'AAP', 'SYK', 'BAR'].includes(x.tema) && x.title.startsWith('Søknad'));
  const f = claims[i % claims.length]!;
  const [p] = claimPages({ formNumber: f.formNumber, title: f.title, tema: f.tema, person: personRegister()[i % 40]!, kind: 'claim', pages: 1, seed: 500 + i });
  return (await renderPage(p!, { dpi: 200, noise: 0.01, jpegQuality: 70, seed: i })).data;
}

/**
 * Removes what one benchmark run made: its queue keys (its own prefix only: the shared Redis is
 * never flushed), its database and its store folder.
 */
export async function dropBenchRun(run: { redisUrl: string; prefix: string; dbUrl: string | URL; database: string; storeDir: string }): Promise<void> {
  const redis = new Redis(run.redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${run.prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
  const admin = new URL(run.dbUrl);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${run.database}" WITH (FORCE)`);
  await c.end();
  await rm(run.storeDir, { recursive: true, force: true });
}

/** Resident memory of a process in MB, from /proc (0 once it is gone). */
export function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system, all threads) a process has used, from /proc (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)\s/s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** An `intake worker` process as production runs it, with its operations port for readiness and metrics. */
export function spawnWorker(env: NodeJS.ProcessEnv, port: number, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', `file://${ROOT}/node_modules/tsx/dist/loader.mjs`, path.join(ROOT, 'bin', 'intake.ts'), 'worker', ...args], {
    // The allocator settings the intake script and the image give every process.
    env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '1048576', ...env, OPS_PORT: String(port), OPS_HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Waits until a worker's /health/ready answers (at most five minutes). */
export async function ready(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`worker on ${port} never became ready`);
}

/** Stops the given worker processes (SIGTERM: jobs in flight finish) and waits for them. */
export async function stopWorkers(children: ChildProcess[]): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)))));
}
