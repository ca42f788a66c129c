import { Redis } from 'ioredis';
import client from 'prom-client';
import type pg from 'pg';
import { STAGES } from '../pipeline/stages.ts';
import type { ObjectStore } from '../storage/objects/object-store.ts';

/**
 * Prometheus metrics of one process (API or worker), from prom-client. Labels are stages, job
 * outcomes, queue states and directions: never a person, a document id, a file name or text.
 * The counters of database queries, Redis commands and bytes moved are what the load benchmark
 * divides by pages to get the cost of a page (benchmarks/load-bench.ts).
 */
export interface Metrics {
  registry: client.Registry;
  stageJobs: client.Counter<'stage' | 'outcome'>;
  stageSeconds: client.Histogram<'stage'>;
  pages: client.Counter<'stage'>;
  ocrSeconds: client.Histogram<'kind'>;
  ocrRecycled: client.Counter<'reason'>;
}

let current: Metrics | undefined;

/** The process's metrics (one registry per process; created on first use). */
export function metrics(): Metrics {
  if (current) return current;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'intake_' });
  current = {
    registry,
    stageJobs: new client.Counter({ name: 'intake_stage_jobs_total', help: 'Stage jobs finished, by stage and outcome (done, manual, wait, error)', labelNames: ['stage', 'outcome'], registers: [registry] }),
    stageSeconds: new client.Histogram({
      name: 'intake_stage_duration_seconds', help: 'Time one stage job took', labelNames: ['stage'], registers: [registry],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    }),
    pages: new client.Counter({ name: 'intake_pages_total', help: 'Pages through a stage: split (page images made), ocr (pages read in full)', labelNames: ['stage'], registers: [registry] }),
    ocrSeconds: new client.Histogram({
      name: 'intake_ocr_seconds', help: 'Time of one OCR call (tesseract), by kind: full page, header band, probe', labelNames: ['kind'], registers: [registry],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
    }),
    ocrRecycled: new client.Counter({ name: 'intake_ocr_workers_recycled_total', help: 'OCR workers replaced, by reason (pages, memory, timeout)', labelNames: ['reason'], registers: [registry] }),
  };
  for (const s of STAGES) current.stageJobs.inc({ stage: s, outcome: 'done' }, 0);
  return current;
}

/** Queue depth per stage and state, read from Redis when scraped. */
export function registerQueueDepth(m: Metrics, counts: () => Promise<Record<string, Record<string, number>>>): void {
  m.registry.removeSingleMetric('intake_queue_depth'); // the latest context's queues (tests make several)
  new client.Gauge({
    name: 'intake_queue_depth', help: 'Jobs per stage queue and state (waiting, active, delayed, failed)', labelNames: ['stage', 'state'], registers: [m.registry],
    async collect() {
      const all = await counts();
      for (const [stage, byState] of Object.entries(all)) {
        for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) this.set({ stage, state }, byState[state] ?? 0);
      }
    },
  });
}

/**
 * Documents waiting in the mail room's manual queue, by the stage where they stopped. Strictly
 * confidential, fortrolig and skjermet documents are not counted (as on the overview page: a
 * count is a disclosure too).
 */
export function registerManualQueue(m: Metrics, count: () => Promise<Array<{ status: string; stage: string; documents: number }>>): void {
  m.registry.removeSingleMetric('intake_manual_queue_documents');
  new client.Gauge({
    name: 'intake_manual_queue_documents', help: 'Documents in the mail room manual queue, by stage where they stopped (protected persons not counted)', labelNames: ['stage'], registers: [m.registry],
    async collect() {
      this.reset();
      for (const r of await count()) if (r.status === 'manual') this.set({ stage: r.stage }, r.documents);
    },
  });
}

interface Sock {
  bytesRead: number;
  bytesWritten: number;
  once(event: 'close', f: () => void): unknown;
}

/** Live sockets of one kind and the bytes of those already closed. */
class SocketBytes {
  private readonly live = new Set<Sock>();
  private closed = { read: 0, written: 0 };
  add(s: Sock | undefined): void {
    if (!s || this.live.has(s)) return;
    this.live.add(s);
    s.once('close', () => {
      if (!this.live.delete(s)) return;
      this.closed = { read: this.closed.read + s.bytesRead, written: this.closed.written + s.bytesWritten };
    });
  }
  totals(): { read: number; written: number } {
    let { read, written } = this.closed;
    for (const s of this.live) {
      read += s.bytesRead;
      written += s.bytesWritten;
    }
    return { read, written };
  }
}
const pgBytes = new SocketBytes();
const redisBytes = new SocketBytes();

function once<T extends client.Metric>(m: Metrics, name: string, make: () => T): T {
  return (m.registry.getSingleMetric(name) as T | undefined) ?? make();
}

function bytesGauge(m: Metrics, name: string, help: string, source: SocketBytes): void {
  once(m, name, () => new client.Gauge({
    name, help, labelNames: ['direction'], registers: [m.registry],
    collect() {
      const t = source.totals();
      this.set({ direction: 'received' }, t.read);
      this.set({ direction: 'sent' }, t.written);
    },
  }));
}

/** Counts queries and socket bytes of a pg pool (every client it opens). */
export function instrumentPool(m: Metrics, pool: pg.Pool): void {
  const queries = once(m, 'intake_db_queries_total', () => new client.Counter({ name: 'intake_db_queries_total', help: 'PostgreSQL queries sent by this process', registers: [m.registry] }));
  bytesGauge(m, 'intake_db_bytes', 'Bytes on this process\'s PostgreSQL connections since start (only grows; a gauge so closed connections can be added)', pgBytes);
  pool.on('connect', (c) => {
    const original = c.query.bind(c) as (...args: unknown[]) => unknown;
    (c as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      queries.inc();
      return original(...args);
    };
    pgBytes.add((c as unknown as { connection?: { stream?: Sock } }).connection?.stream);
  });
}

let redisCommands: client.Counter | undefined;

/**
 * Counts Redis commands and socket bytes of every ioredis connection in this process (BullMQ
 * opens its own from the options it is given). A BullMQ Lua script (EVALSHA) counts as one.
 */
export function instrumentRedis(m: Metrics): void {
  const fresh = !redisCommands;
  redisCommands = once(m, 'intake_redis_commands_total', () => new client.Counter({ name: 'intake_redis_commands_total', help: 'Redis commands sent by this process (a BullMQ script counts once)', registers: [m.registry] }));
  bytesGauge(m, 'intake_redis_bytes', 'Bytes on this process\'s Redis connections since start (only grows)', redisBytes);
  if (!fresh) return;
  const proto = Redis.prototype as unknown as { sendCommand: (...a: unknown[]) => unknown };
  const send = proto.sendCommand;
  proto.sendCommand = function (this: { stream?: Sock }, ...args: unknown[]) {
    redisCommands?.inc();
    redisBytes.add(this.stream);
    return send.apply(this, args);
  };
}

/** Bytes read from and written to the object store. */
export function instrumentStore(m: Metrics, store: ObjectStore): ObjectStore {
  const bytes = once(m, 'intake_store_bytes_total', () => new client.Counter({ name: 'intake_store_bytes_total', help: 'Bytes moved to and from the object store', labelNames: ['direction'], registers: [m.registry] }));
  const ops = once(m, 'intake_store_requests_total', () => new client.Counter({ name: 'intake_store_requests_total', help: 'Object store requests', labelNames: ['op'], registers: [m.registry] }));
  return {
    kind: store.kind,
    async put(key, data, contentType) {
      ops.inc({ op: 'put' });
      bytes.inc({ direction: 'sent' }, data.length);
      return store.put(key, data, contentType);
    },
    async get(key) {
      ops.inc({ op: 'get' });
      const data = await store.get(key);
      bytes.inc({ direction: 'received' }, data.length);
      return data;
    },
    exists(key) {
      ops.inc({ op: 'exists' });
      return store.exists(key);
    },
    delete(key) {
      ops.inc({ op: 'delete' });
      return store.delete(key);
    },
  };
}
