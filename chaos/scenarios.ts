/**
 * One fault per scenario, each over its own batch, database, queue prefix and bucket on the same
 * private servers. `run` injects the fault while the batch is under way and returns when the
 * fault is lifted; the runner then waits for the batch to drain and accounts for every file.
 */
import { Queue } from 'bullmq';
import { STAGES } from '../pipeline/stages.ts';
import type { ChaosFile } from './corpus.ts';
import type { IngestRun, WorkerPool } from './processes.ts';
import type { PrivatePostgres, PrivateRedis, PrivateS3 } from './services.ts';

export interface ScenarioEnv {
  pg: PrivatePostgres | null;
  redis: PrivateRedis | null;
  s3: PrivateS3 | null;
  workers: WorkerPool;
  files: ChaosFile[];
  redisUrl: string;
  queuePrefix: string;
  /** How long an outage lasts (PostgreSQL stopped, store unavailable). */
  outageMs: number;
  ingest(name: string, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<IngestRun>;
  /** Documents of the phase's files that exist, and of them finished. */
  progress(): Promise<{ documents: number; finished: number } | null>;
  /** Waits until this share of the files is finished (or the time is up): the fault hits mid-batch. */
  waitFinished(share: number, timeoutMs?: number): Promise<void>;
  note(text: string): void;
  sleep(ms: number): Promise<void>;
}

export interface Scenario {
  name: string;
  /** The line of the results table. */
  fault: string;
  /** Private services it needs (the vitest test runs only those that need none). */
  needs: Array<'pg' | 'redis' | 's3'>;
  run(env: ScenarioEnv): Promise<void>;
}

const must = <T>(v: T | null, what: string): T => {
  if (!v) throw new Error(`scenario needs a private ${what}`);
  return v;
};

/** Empties every stage queue, as "obliterate" on the dashboard does (active jobs included). */
export async function flushStageQueues(redisUrl: string, prefix: string): Promise<number> {
  let removed = 0;
  for (const stage of STAGES) {
    const q = new Queue(stage, { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix });
    q.on('error', () => {});
    const counts = await q.getJobCounts();
    removed += Object.values(counts).reduce((a, b) => a + b, 0);
    await q.obliterate({ force: true });
    await q.close();
  }
  return removed;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'no-fault',
    fault: 'none (the control: how long the batch takes on this machine)',
    needs: [],
    async run(env) {
      await env.ingest('control');
    },
  },
  {
    name: 'kill-workers',
    fault: 'kill -9 of a worker process every 8 s for 64 s, in turn (a supervisor starts it again after 1 s)',
    needs: [],
    async run(env) {
      const ingest = env.ingest('kill-workers');
      await env.waitFinished(0.05, 60_000);
      for (let t = 0; t < 64_000; t += 8000) {
        env.workers.killOne();
        await env.sleep(8000);
      }
      await ingest;
    },
  },
  {
    name: 'redis-restart-aof',
    fault: 'Redis kill -9 and restart, with append-only persistence (everysec)',
    needs: ['redis'],
    async run(env) {
      const redis = must(env.redis, 'Redis');
      await env.ingest('redis-aof');
      await env.waitFinished(0.15);
      await redis.kill();
      await env.sleep(3000);
      await redis.start({ persistent: true });
    },
  },
  {
    name: 'redis-restart-no-persistence',
    fault: 'Redis kill -9 and restart without persistence (as ensure-services.sh ran it before): every job and schedule gone',
    needs: ['redis'],
    async run(env) {
      const redis = must(env.redis, 'Redis');
      await env.ingest('redis-nopersist');
      await env.waitFinished(0.15);
      await redis.kill();
      await env.sleep(3000);
      // What a restart without persistence leaves: an empty Redis (it runs with persistence again after).
      await redis.start({ persistent: true, fresh: true });
    },
  },
  {
    name: 'flush-queues',
    fault: 'every stage queue emptied mid-batch (obliterate, as from the dashboard)',
    needs: [],
    async run(env) {
      await env.ingest('flush');
      await env.waitFinished(0.15);
      env.note(`${await flushStageQueues(env.redisUrl, env.queuePrefix)} jobs removed`);
    },
  },
  {
    name: 'postgres-restart',
    fault: 'PostgreSQL fast restart mid-batch',
    needs: ['pg'],
    async run(env) {
      const pg = must(env.pg, 'PostgreSQL');
      await env.ingest('pg-restart');
      await env.waitFinished(0.15);
      await pg.restart();
    },
  },
  {
    name: 'postgres-down',
    fault: 'PostgreSQL stopped mid-batch for the outage time',
    needs: ['pg'],
    async run(env) {
      const pg = must(env.pg, 'PostgreSQL');
      await env.ingest('pg-down');
      await env.waitFinished(0.15);
      await pg.stop();
      await env.sleep(env.outageMs);
      await pg.start();
    },
  },
  {
    name: 'store-down',
    fault: 'object store unavailable mid-batch for the outage time (connections refused)',
    needs: ['s3'],
    async run(env) {
      const s3 = must(env.s3, 'S3 server');
      await env.ingest('store-down');
      await env.waitFinished(0.15);
      await s3.stop();
      await env.sleep(env.outageMs);
      await s3.start();
    },
  },
  {
    name: 'ingest-redis-down',
    fault: 'ingest while Redis is down (the operator gives up 15 s after the first document is in, and ingests again once Redis is back)',
    needs: ['redis'],
    async run(env) {
      const redis = must(env.redis, 'Redis');
      await redis.kill();
      // The operator waits until the first files are in and the command hangs on the queue, then gives up.
      const abort = new AbortController();
      const running = env.ingest('redis-down', { signal: abort.signal });
      for (let i = 0; i < 240; i++) {
        if (((await env.progress())?.documents ?? 0) > 0) break;
        await env.sleep(500);
      }
      await env.sleep(15_000);
      abort.abort();
      const first = await running;
      env.note(`first ingest: ${(await env.progress())?.documents ?? '?'} documents in the database, ${first.timedOut ? 'then the operator aborted it' : `exit ${first.code}`}`);
      await redis.start();
      const second = await env.ingest('redis-down-again');
      env.note(`second: ${second.output.split('\n').find((l) => l.startsWith('batch')) ?? `exit ${second.code}`}`);
    },
  },
  {
    name: 'ingest-twice',
    fault: 'the same batch ingested twice at once (two ingest processes)',
    needs: [],
    async run(env) {
      const [a, b] = await Promise.all([env.ingest('twice-a'), env.ingest('twice-b')]);
      for (const r of [a, b]) env.note(r.output.split('\n').find((l) => l.startsWith('batch')) ?? `exit ${r.code}`);
    },
  },
];
