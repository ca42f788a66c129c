import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chaosCorpus } from '../../chaos/corpus.ts';
import { ChaosSystem } from '../../chaos/harness.ts';
import { SCENARIOS } from '../../chaos/scenarios.ts';
import { STAGES } from '../../pipeline/stages.ts';
import { dropDatabase, testConfig } from '../helpers/services.ts';

// One cheap scenario of `npm run chaos`, so CI keeps it honest: the shared PostgreSQL and Redis
// with a database and queue prefix of its own (no server is restarted), the local-disk store.
let system: ChaosSystem | undefined;
let workDir: string | undefined;
const config = testConfig();

afterAll(async () => {
  await system?.stop();
  if (system) await Promise.all(STAGES.map((s) => system!.ctx.queues.byStage[s].obliterate({ force: true }))).catch(() => {});
  await dropDatabase(config.DATABASE_URL);
  if (workDir) await rm(workDir, { recursive: true, force: true });
  await rm(config.STORE_DIR, { recursive: true, force: true });
});

describe('chaos: every stage queue emptied mid-batch', () => {
  it('delays the documents, and loses, doubles or strands none', async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'intake-chaos-test-'));
    system = await ChaosSystem.start({
      pg: null, redis: null, s3: null, workDir, workers: 2, outageMs: 0, idleMs: 60_000, maxDrainMs: 150_000,
      baseEnv: {
        DATABASE_URL: config.DATABASE_URL, REDIS_URL: config.REDIS_URL, QUEUE_PREFIX: config.QUEUE_PREFIX, STORE_DIR: config.STORE_DIR,
        // The re-drive looks every 2 s here (30 s by default), so the test takes about a minute.
        REDRIVE_EVERY_MS: '2000', JOB_BACKOFF_MS: '200', LOG_LEVEL: 'warn',
      },
    });
    const files = await chaosCorpus(20, { scannedEvery: 0, seed: 12 });
    const r = await system.phase(SCENARIOS.find((s) => s.name === 'flush-queues')!, files);
    expect(r.notes.join(' ')).toMatch(/[1-9]\d* jobs removed/);
    expect({ documents: r.documents, lost: r.lost, doubled: r.doubled, stuck: r.stuck, details: r.details }).toEqual({ documents: 20, lost: 0, doubled: 0, stuck: 0, details: [] });
    expect(r.drainS).not.toBeNull();
  }, 300_000);
});
