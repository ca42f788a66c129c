import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from '@20minutes/s3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPages } from '../../fixtures/claim-content.ts';
import { toPdf } from '../../fixtures/documents.ts';
import { renderPage } from '../../fixtures/render-page.ts';
import { NEXT, STAGES, type Stage } from '../../pipeline/stages.ts';
import { ingest } from '../../services/ingest.service.ts';
import { redrive } from '../../services/lifecycle.service.ts';
import { getDocument, type DocumentRow } from '../../storage/repositories/documents.repository.ts';
import { listEvents } from '../../storage/repositories/events.repository.ts';
import { listPages } from '../../storage/repositories/pages.repository.ts';
import { listSteps, type StepRow } from '../../storage/repositories/steps.repository.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { createContext, type Context } from '../../app/context.ts';
import { runStage } from '../../workers/runner.ts';
import { startWorkers, type RunningWorkers } from '../../workers/worker.ts';
import { closeTestContext, testConfig, waitFor } from '../helpers/services.ts';

const people = personRegister();

/** A one-page claim scan as a PDF (small and clean: the OCR is not what these tests are about). */
async function claimPdf(i: number): Promise<Buffer> {
  const person = people[i % 20]!;
  const [content] = claimPages({ formNumber: 'NAV 04-01.03', title: 'Søknad om dagpenger', tema: 'DAG', person, kind: 'claim', pages: 1, seed: 9100 + i });
  return toPdf([await renderPage(content!, { dpi: 150, seed: 9200 + i })]);
}

const finished = (d: DocumentRow | null) => Boolean(d && (d.archivedAt || (d.status === 'manual' && !d.routedAt)));

/** Every stage once in the history, and every step of the outbox closed. */
async function expectOnce(ctx: Context, id: string): Promise<void> {
  const types = (await listEvents(ctx.db, [id])).map((e) => e.type);
  for (const once of ['received', 'split', 'ocr-done', 'classified', 'routed', 'archived']) expect(types.filter((t) => t === once), `${id} ${once}`).toHaveLength(1);
  expect(types.filter((t) => t === 'delivered' || t === 'sent-to-manual'), id).toHaveLength(1);
  expect((await listSteps(ctx.db, id)).filter((s) => !s.doneAt), id).toEqual([]);
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('one owner of a document\'s life (real PostgreSQL and Redis)', () => {
  let ctx: Context;
  let workers: RunningWorkers | undefined;

  beforeAll(async () => {
    ctx = await createContext(testConfig({ JOB_LOCK_MS: '5000', REDRIVE_EVERY_MS: '1000' }), 'test', { ocrSize: 1 });
  }, 60_000);

  afterAll(async () => {
    await workers?.close();
    await Promise.all(ctx?.queues.all().map((q) => q.obliterate({ force: true })) ?? []).catch(() => {});
    await closeTestContext(ctx);
  });

  it('header_at is stamped even when identification came first (the header job used to return early)', async () => {
    const report = await ingest(ctx, [{ name: 'header-late.pdf', data: await claimPdf(1) }], { batchName: 'header', source: 'test' });
    const id = report.documents[0]!.documentId;
    // The full-text path wins the race: split, OCR of the page, identify; the header job comes last.
    await runStage(ctx, 'split', { documentId: id });
    for (const p of await listPages(ctx.db, id)) await runStage(ctx, 'ocr', { documentId: id, pageNo: p.pageNo });
    expect((await getDocument(ctx.db, id))!.ocrAt).not.toBeNull();
    await runStage(ctx, 'identify', { documentId: id });
    expect((await getDocument(ctx.db, id))!.identifiedAt).not.toBeNull();
    expect((await getDocument(ctx.db, id))!.headerAt).toBeNull();
    await runStage(ctx, 'header', { documentId: id });
    expect((await getDocument(ctx.db, id))!.headerAt).not.toBeNull();
    // Identify ran once: the header job (after identification) started nothing again.
    const steps = await listSteps(ctx.db, id);
    expect(steps.filter((s) => s.stage === 'identify').map((s) => s.run)).toEqual([1]);
  }, 120_000);

  it('every step the runner opened is an edge of the stage table, taken after its predecessors, once', async () => {
    const report = await ingest(ctx, [{ name: 'table.pdf', data: await claimPdf(2) }], { batchName: 'table', source: 'test' });
    const id = report.documents[0]!.documentId;
    workers = startWorkers(ctx, { concurrency: 1, redriveMs: 1000 });
    await waitFor(async () => finished(await getDocument(ctx.db, id)), 180_000, 'the document to finish');
    await workers.close();
    workers = undefined;
    const steps = await listSteps(ctx.db, id);
    const doc = (await getDocument(ctx.db, id))!;
    const pages = (await listPages(ctx.db, id)).map((p) => p.pageNo);
    // Which stages lead to which, read from the table itself.
    const before = (stage: Stage) => STAGES.filter((s) => NEXT[s].some((n) => n.stage === stage));
    const doneAt = (stage: Stage): Date | null => {
      const own = steps.filter((s) => s.stage === stage);
      if (own.length === 0 || own.some((s) => !s.doneAt)) return null;
      return new Date(Math.max(...own.map((s) => s.doneAt!.getTime())));
    };
    expect(steps.map((s) => `${s.stage}${s.pageNo ? `/${s.pageNo}` : ''}`).sort()).toEqual(
      ['split', 'header', ...pages.map((p) => `ocr/${p}`), 'identify', 'attach', 'route', 'archive'].sort(),
    );
    for (const s of steps) {
      expect(s.run, `${s.stage} ran once`).toBe(1);
      expect(s.doneAt, `${s.stage} closed`).not.toBeNull();
      if (s.stage === 'split') continue;
      // Opened by the end of a predecessor named in NEXT; a join only after every stage it joins.
      const edges = before(s.stage).flatMap((from) => NEXT[from].filter((n) => n.stage === s.stage).map((n) => ({ from, n })));
      const taken = edges.filter(({ from, n }) => {
        const ends = [from, ...(n.join ?? [])].map(doneAt);
        return ends.every((t) => t !== null && t.getTime() <= s.createdAt.getTime() + 5);
      });
      expect(taken.length, `${s.stage} follows ${before(s.stage).join(' or ')}`).toBeGreaterThan(0);
    }
    expect(doc).toMatchObject({ status: 'delivered', stage: 'done' });
    expect(doc.headerAt).not.toBeNull();
    await expectOnce(ctx, id);
  }, 240_000);

  it('a functional failure goes to the manual queue at once, in Norwegian, without a retry', async () => {
    const broken = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x41)]);
    const report = await ingest(ctx, [{ name: 'broken.pdf', data: broken }], { batchName: 'broken', source: 'test' });
    const id = report.documents[0]!.documentId;
    workers = startWorkers(ctx, { concurrency: 1, stages: ['split'], redrive: false });
    const doc = await waitFor(async () => {
      const d = await getDocument(ctx.db, id);
      return d?.status === 'manual' ? d : null;
    }, 60_000, 'the document in the manual queue');
    await workers.close();
    workers = undefined;
    expect(doc.stage).toBe('split');
    expect(doc.manualReason).toMatch(/[æøå]|ikke|Filen/);
    const job = (await ctx.queues.byStage.split.getJob(`split-${id}`))!;
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsStarted).toBe(1);
    expect((await listEvents(ctx.db, [id])).filter((e) => e.type === 'sent-to-manual')).toHaveLength(1);
    expect((await listSteps(ctx.db, id)).map((s) => [s.stage, Boolean(s.doneAt)])).toEqual([['split', true]]);
  }, 120_000);

  it('all BullMQ jobs deleted mid-batch: the re-drive completes every document, each stage once', async () => {
    const files = await Promise.all([3, 4, 5, 6].map(async (i) => ({ name: `flush-${i}.pdf`, data: await claimPdf(i) })));
    const report = await ingest(ctx, files, { batchName: 'flush', source: 'test' });
    const ids = report.documents.map((d) => d.documentId);
    expect(ids).toHaveLength(4);
    workers = startWorkers(ctx, { concurrency: 1, redriveMs: 1000, deviations: false });
    await waitFor(async () => {
      const docs = await Promise.all(ids.map((id) => getDocument(ctx.db, id)));
      return docs.some((d) => d?.splitAt) && !docs.every(finished);
    }, 120_000, 'the batch to be under way');
    // The test's own queues only (its prefix), the re-drive's schedule included: as after a Redis restart without persistence.
    await Promise.all(ctx.queues.all().map((q) => q.obliterate({ force: true })));
    // What the re-drive finds right after: steps still open (the workers' own re-drive runs too; same job ids, no double work).
    const found = await redrive(ctx, { graceMs: 0 });
    console.log(`after the flush: ${found.due} open steps, ${found.queued} queued again, ${found.live} with a live job`);
    expect(found.due).toBeGreaterThan(0);
    await waitFor(async () => (await Promise.all(ids.map((id) => getDocument(ctx.db, id)))).every(finished), 300_000, 'every document to finish after the flush');
    await workers.close();
    workers = undefined;
    for (const id of ids) {
      expect((await getDocument(ctx.db, id))!.status).toBe('delivered');
      await expectOnce(ctx, id);
    }
    // "What is missing" has no false alarm: every delivered document has its header stamp.
    const { rows } = await ctx.db.query(`SELECT id FROM documents WHERE id = ANY($1) AND header_at IS NULL`, [ids]);
    expect(rows).toEqual([]);
  }, 480_000);

  it('ingest with Redis unreachable commits the document and its first step, returns, and the document moves once Redis is back', async () => {
    const down = await createContext({ ...ctx.config, REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, ENQUEUE_TIMEOUT_MS: 300 }, 'test-redis-down');
    let id: string;
    try {
      const t0 = Date.now();
      const report = await ingest(down, [{ name: 'redis-down.pdf', data: await claimPdf(7) }], { batchName: 'redis down', source: 'test' });
      const ms = Date.now() - t0;
      expect(ms).toBeLessThan(10_000);
      id = report.documents[0]!.documentId;
      expect((await getDocument(ctx.db, id))!.status).toBe('processing');
      expect((await listSteps(ctx.db, id)).map((s: StepRow) => [s.stage, s.doneAt])).toEqual([['split', null]]);
      // Ingesting it again says "duplicate" — and this time it is true that it will be processed.
      const again = await ingest(down, [{ name: 'redis-down.pdf', data: await claimPdf(7) }], { batchName: 'redis down again', source: 'test' });
      expect(again.duplicates.map((d) => d.existingDocumentId)).toEqual([id]);
    } finally {
      await down.close();
    }
    // Nothing is in Redis for it; workers that start (against the reachable Redis) re-drive it.
    expect(await ctx.queues.byStage.split.getJobState(`split-${id}`)).toBe('unknown');
    workers = startWorkers(ctx, { concurrency: 1, redriveMs: 1000, deviations: false });
    await waitFor(async () => finished(await getDocument(ctx.db, id)), 240_000, 'the document to finish once Redis is reachable');
    await workers.close();
    workers = undefined;
    await expectOnce(ctx, id);
    expect(await redrive(ctx, { graceMs: 0 })).toEqual({ due: 0, live: 0, queued: 0 });
  }, 360_000);
});

describe('an outage longer than the retry budget (object store down)', () => {
  it('keeps retrying with capped backoff instead of failing, and the document moves when the store is back', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'intake-s3-outage-'));
    const start = async (port = 0) => {
      const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory });
      return { server, port: ((await server.run()) as net.AddressInfo).port };
    };
    let s3 = await start();
    const ctx = await createContext(testConfig({
      S3_ENDPOINT: `http://127.0.0.1:${s3.port}`, S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER', S3_BUCKET: 'outage',
      JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '100', JOB_BACKOFF_MAX_MS: '400',
    }), 'test', { ocrSize: 1 });
    let workers: RunningWorkers | undefined;
    try {
      const report = await ingest(ctx, [{ name: 'outage.pdf', data: await claimPdf(8) }], { batchName: 'outage', source: 'test' });
      const id = report.documents[0]!.documentId;
      await s3.server.close();
      workers = startWorkers(ctx, { concurrency: 1, stages: ['split'], redrive: false });
      // Well past JOB_ATTEMPTS (2): still retrying, never failed, never sent to a person.
      const job = await waitFor(async () => {
        const j = await ctx.queues.byStage.split.getJob(`split-${id}`);
        return j && j.attemptsMade >= 6 ? j : null;
      }, 60_000, 'six failed attempts');
      expect(['delayed', 'waiting', 'active']).toContain(await job.getState());
      expect((await getDocument(ctx.db, id))!.status).toBe('processing');
      // Capped: six retries with a 400 ms cap take seconds, not 100 ms * 2^6.
      s3 = await start(s3.port);
      const done = await waitFor(async () => (await getDocument(ctx.db, id))?.splitAt ? getDocument(ctx.db, id) : null, 60_000, 'the split once the store is back');
      expect(done!.status).toBe('processing');
      expect((await listEvents(ctx.db, [id])).filter((e) => e.type === 'split')).toHaveLength(1);
    } finally {
      await workers?.close();
      await Promise.all(ctx.queues.all().map((q) => q.obliterate({ force: true }))).catch(() => {});
      await closeTestContext(ctx);
      await s3.server.close().catch(() => {});
      await rm(directory, { recursive: true, force: true });
    }
  }, 180_000);
});
