import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../schemas/config.ts';
import type { Policy } from '../schemas/reference.ts';
import { OcrEngine } from '../pipeline/ocr/ocr-engine.ts';
import { loadPolicy, loadReference, type Reference } from '../pipeline/reference.ts';
import { UnitDirectory } from '../pipeline/route/route.ts';
import { migrate } from '../storage/db/migrate.ts';
import { createPool, ensureDatabase, type Db } from '../storage/db/pool.ts';
import { createObjectStore, type ObjectStore } from '../storage/objects/index.ts';
import { seedReferenceData, seedSyntheticPersons } from '../storage/seed/seed.ts';
import { createPersonRegister } from '../storage/person-register/index.ts';
import type { CachedRegister } from '../storage/person-register/person-register.ts';
import { Queues, redisOptions } from '../workers/queues.ts';
import { instrumentPool, instrumentRedis, instrumentStore, metrics, registerQueueDepth, type Metrics } from './metrics.ts';

/** Everything a handler may touch: the edges (database, object store, queues) and the rule data. */
export interface Context {
  config: Config;
  db: Db;
  store: ObjectStore;
  queues: Queues;
  reference: Reference;
  policy: Policy;
  directory: UnitDirectory;
  /** The person register (PDL, or the register table), cached and batched. */
  persons: CachedRegister;
  log: Logger;
  /** This process's Prometheus metrics (app/metrics.ts). */
  metrics: Metrics;
  ocr(): Promise<OcrEngine>;
  close(): Promise<void>;
}

export function createLogger(config: Config, name: string): Logger {
  // Log lines carry ids, stages and numbers; never personal data or document text.
  return pino({ name, level: config.LOG_LEVEL, base: { pid: process.pid } });
}

/** Connects, migrates and seeds once; the OCR engine starts on first use. */
export async function createContext(config: Config = loadConfig(), name = 'intake', opts: { ocrSize?: number } = {}): Promise<Context> {
  await ensureDatabase(config.DATABASE_URL);
  const m = metrics();
  instrumentRedis(m);
  const db = createPool(config.DATABASE_URL);
  instrumentPool(m, db);
  await migrate(db);
  const reference = loadReference();
  await seedReferenceData(db, reference);
  if (config.SYNTHETIC_PERSONS) await seedSyntheticPersons(db);
  const policy = loadPolicy(config.ROUTING_POLICY);
  const log = createLogger(config, name);
  let lastRedisError = '';
  const queues = new Queues(redisOptions(config.REDIS_URL), config, (err) => {
    // Redis down: every connection retries; say it once per kind of error.
    if (err.message !== lastRedisError) log.warn({ err: err.message }, 'queue connection error');
    lastRedisError = err.message;
  });
  registerQueueDepth(m, () => queues.counts());
  let engine: Promise<OcrEngine> | undefined;
  return {
    config,
    db,
    store: instrumentStore(m, createObjectStore(config)),
    queues,
    reference,
    policy,
    directory: new UnitDirectory(reference.units, reference.municipalities),
    persons: createPersonRegister(config, db),
    log,
    metrics: m,
    ocr: () => (engine ??= OcrEngine.create({
      langs: config.OCR_LANGS,
      size: opts.ocrSize ?? config.WORKER_CONCURRENCY,
      langPath: config.OCR_LANG_PATH,
      timeoutMs: config.OCR_PAGE_TIMEOUT_MS,
      recycleAfter: config.OCR_RECYCLE_PAGES,
      maxRssMb: config.OCR_MAX_RSS_MB,
      onPage: (ms, priority) => m.ocrSeconds.observe({ kind: priority === 'high' ? 'header' : 'page' }, ms / 1000),
      onRecycle: (reason) => m.ocrRecycled.inc({ reason }),
    }).then((e) => {
      log.info({ workers: e.size, languageData: e.dataLabel }, 'OCR engine started');
      return e;
    })),
    async close() {
      await queues.close();
      if (engine) await (await engine).close();
      await db.end();
    },
  };
}
