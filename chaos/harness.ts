/**
 * One system (a database, a queue prefix, a bucket, supervised worker processes) that lives
 * through every fault in turn, as an operator's bad day would go. Each fault is a phase with a
 * slice of the batch of its own: the slice is ingested, the fault injected while it is under way
 * and lifted, and the slice accounted for once it drained (or stopped moving).
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createContext, type Context } from '../app/context.ts';
import { loadConfig } from '../schemas/config.ts';
import { account, countFinished, hashesOf, type Accounting } from './account.ts';
import { writeCorpus, type ChaosFile } from './corpus.ts';
import { runIngest, WorkerPool } from './processes.ts';
import type { Scenario, ScenarioEnv } from './scenarios.ts';
import type { PrivatePostgres, PrivateRedis, PrivateS3 } from './services.ts';

export interface SystemOptions {
  pg: PrivatePostgres | null;
  redis: PrivateRedis | null;
  s3: PrivateS3 | null;
  workDir: string;
  workers: number;
  outageMs: number;
  /** After the fault is lifted: give up when nothing finished for this long. */
  idleMs: number;
  /** After the fault is lifted: give up after this long in any case. */
  maxDrainMs: number;
  /** Settings for every process (without private servers: the shared ones with a database and prefix of its own). */
  baseEnv: Record<string, string>;
  log?: (line: string) => void;
}

export interface PhaseResult extends Accounting {
  scenario: string;
  fault: string;
  /** Seconds from the phase's ingest to its last document finished (null: not within the limit). */
  totalS: number | null;
  /** Seconds from the fault lifted to the phase's last document finished. */
  drainS: number | null;
  notes: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** BullMQ queues emit 'error' while Redis is away; the harness expects that. */
function quietQueues(ctx: Context): void {
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number) => {
    if (!v || typeof v !== 'object' || seen.has(v) || depth > 2) return;
    seen.add(v);
    if (v instanceof Queue) { v.on('error', () => {}); return; }
    for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(ctx.queues, 0);
}

export class ChaosSystem {
  readonly env: Record<string, string>;
  private constructor(readonly o: SystemOptions, readonly ctx: Context, readonly workers: WorkerPool, env: Record<string, string>) {
    this.env = env;
  }

  static async start(o: SystemOptions): Promise<ChaosSystem> {
    const id = randomBytes(3).toString('hex');
    const env: Record<string, string> = {
      ...o.baseEnv,
      ...(o.pg ? { DATABASE_URL: o.pg.url(`chaos_${id}`) } : {}),
      ...(o.redis ? { REDIS_URL: o.redis.url } : {}),
      ...(o.s3 ? { S3_ENDPOINT: o.s3.endpoint, S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER', S3_BUCKET: `chaos-${id}` } : {}),
      QUEUE_PREFIX: o.baseEnv.QUEUE_PREFIX ?? `chaos_${id}`,
      SYNTHETIC_PERSONS: 'true',
      WORKER_CONCURRENCY: '1',
      LOG_LEVEL: o.baseEnv.LOG_LEVEL ?? 'warn',
    };
    const config = loadConfig({ ...process.env, ...env, LOG_LEVEL: 'silent' }, { fresh: true });
    // Migrates and seeds before anything runs; kept for polling and accounting.
    const ctx = await createContext(config, 'chaos');
    quietQueues(ctx);
    await mkdir(path.join(o.workDir, 'logs'), { recursive: true });
    const workers = new WorkerPool(env, o.workers, path.join(o.workDir, 'logs', 'workers.log'));
    workers.start();
    return new ChaosSystem(o, ctx, workers, { ...env, DATABASE_URL: config.DATABASE_URL, REDIS_URL: config.REDIS_URL });
  }

  async phase(scenario: Scenario, files: ChaosFile[]): Promise<PhaseResult> {
    const o = this.o;
    const log = o.log ?? (() => {});
    const dir = path.join(o.workDir, 'corpus', scenario.name);
    await writeCorpus(dir, files);
    const notes: string[] = [];
    const hashes = hashesOf(files);
    const progress = () => countFinished(this.ctx.db, hashes).catch(() => null);
    let ingests = 0;
    const kills = this.workers.kills;
    const restarts = this.workers.restarts;
    const env: ScenarioEnv = {
      pg: o.pg, redis: o.redis, s3: o.s3, workers: this.workers, files, redisUrl: this.env.REDIS_URL!,
      queuePrefix: this.env.QUEUE_PREFIX!, outageMs: o.outageMs,
      ingest: (name, opts = {}) =>
        runIngest(this.env, dir, path.join(o.workDir, 'logs', `${scenario.name}.ingest-${++ingests}.log`), { name, timeoutMs: opts.timeoutMs ?? 10 * 60_000, signal: opts.signal }),
      progress,
      async waitFinished(share, timeoutMs = 5 * 60_000) {
        const end = Date.now() + timeoutMs;
        while (Date.now() < end) {
          const p = await progress();
          if (p && p.finished >= share * files.length) return;
          await sleep(250);
        }
        notes.push(`the fault came before ${Math.round(share * 100)} % were finished`);
      },
      note: (t) => notes.push(t),
      sleep,
    };
    log(`${scenario.name}: ${scenario.fault}`);
    const started = Date.now();
    await scenario.run(env);
    const lifted = Date.now();
    log(`${scenario.name}: fault lifted after ${Math.round((lifted - started) / 1000)} s; draining`);
    let last = '';
    let lastChange = Date.now();
    let doneAt: number | null = null;
    while (Date.now() - lifted < o.maxDrainMs) {
      const p = await progress();
      if (p && p.documents >= files.length && p.finished === p.documents) { doneAt = Date.now(); break; }
      const key = p ? `${p.documents}/${p.finished}` : last;
      if (key !== last) { last = key; lastChange = Date.now(); }
      if (Date.now() - lastChange > o.idleMs) break;
      await sleep(500);
    }
    if (this.workers.kills > kills) notes.push(`${this.workers.kills - kills} kill -9`);
    if (this.workers.restarts - restarts > this.workers.kills - kills) notes.push(`${this.workers.restarts - restarts - (this.workers.kills - kills)} worker crash(es) restarted`);
    const result = await account(this.ctx.db, this.ctx.store, files);
    const out: PhaseResult = {
      scenario: scenario.name, fault: scenario.fault, ...result,
      totalS: doneAt ? Math.round((doneAt - started) / 1000) : null,
      drainS: doneAt ? Math.round((doneAt - lifted) / 1000) : null,
      notes,
    };
    log(`${scenario.name}: ${JSON.stringify({ ...out, fault: undefined, details: out.details.slice(0, 5) })}`);
    return out;
  }

  async stop(): Promise<void> {
    await this.workers.stop();
    await this.ctx.close().catch(() => {});
  }
}
