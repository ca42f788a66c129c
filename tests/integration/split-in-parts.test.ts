import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longPdf, scanJpeg } from '../../fixtures/hostile.ts';
import { ROOT, type Config } from '../../schemas/config.ts';
import { ingest } from '../../services/ingest.service.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { listEvents } from '../../storage/repositories/events.repository.ts';
import { listPages } from '../../storage/repositories/pages.repository.ts';
import { listSplitPages } from '../../storage/repositories/split-pages.repository.ts';
import { listSteps } from '../../storage/repositories/steps.repository.ts';
import { pageJob } from '../../workers/jobs/page.job.ts';
import { runStage } from '../../workers/runner.ts';
import { createContext, type Context } from '../../app/context.ts';
import { closeTestContext, testConfig, waitFor } from '../helpers/services.ts';

/**
 * Issue 14: a long file is split by many small jobs (the `page` stage), through the lifecycle
 * runner and the outbox, so a worker that dies mid-split loses one range and nothing else.
 */
let ctx: Context;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // One page job per page in the in-process tests; MAX_PAGES_PER_FILE low enough to test the cap.
  ctx = await createContext(testConfig({ SPLIT_PAGES_PER_JOB: '1', MAX_PAGES_PER_FILE: '8', JOB_LOCK_MS: '2000' }), 'test', { ocrSize: 1 });
}, 60_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await Promise.all(ctx?.queues.all().map((q) => q.obliterate({ force: true })) ?? []).catch(() => {});
  await closeTestContext(ctx);
});

const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));
const open = async (id: string, stage: string) => (await listSteps(ctx.db, id)).filter((s) => s.stage === stage && !s.doneAt);

describe('a long file is split in parts', () => {
  it('an N-page PDF becomes N page jobs; split runs again after the last and makes every page once', async () => {
    const N = 6;
    const report = await ingest(ctx, [{ name: 'lang-6.pdf', data: await longPdf(N) }], { batchName: 'parts', source: 'test' });
    const id = report.documents[0]!.documentId;

    expect(await runStage(ctx, 'split', { documentId: id })).toBe('in-parts');
    const planned = await open(id, 'page');
    expect(planned.map((s) => s.pageNo)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(planned.map((s) => s.jobId)).toContain(`page-${id}-p6`);
    // Nothing read, nothing stamped, no page rows yet: the split is not done.
    expect((await getDocument(ctx.db, id))!.splitAt).toBeNull();
    expect(await listPages(ctx.db, id)).toHaveLength(0);
    expect(await open(id, 'ocr')).toHaveLength(0);
    expect((await getDocument(ctx.db, id))!.stage).toBe('page');

    // A worker dies while making page 3: its images may be stored, but nothing is committed.
    await pageJob(ctx, { documentId: id, pageNo: 3 });
    expect((await listSplitPages(ctx.db, id)).find((p) => p.pageNo === 3)!.made).toBeNull();
    expect((await open(id, 'page')).map((s) => s.pageNo)).toContain(3);

    for (const p of [1, 2, 4, 5]) expect(await runStage(ctx, 'page', { documentId: id, pageNo: p })).toBe('done');
    expect(await open(id, 'split')).toHaveLength(0); // page 6 and page 3 still to make
    expect(await runStage(ctx, 'page', { documentId: id, pageNo: 6 })).toBe('done');
    expect(await open(id, 'split')).toHaveLength(0);
    // The step of the killed job is still open: made again (the re-drive or BullMQ's stall check queue it).
    expect(await runStage(ctx, 'page', { documentId: id, pageNo: 3 })).toBe('done');
    // A repeat of a range already made changes nothing.
    expect(await runStage(ctx, 'page', { documentId: id, pageNo: 3 })).toBe('done');

    const again = await open(id, 'split');
    expect(again.map((s) => [s.run, s.jobId])).toEqual([[2, `split-${id}-r2`]]);
    expect(await runStage(ctx, 'split', { documentId: id })).toBe('done');

    const doc = (await getDocument(ctx.db, id))!;
    expect(doc.splitAt).not.toBeNull();
    expect(doc.pageCount).toBe(N);
    const pages = await listPages(ctx.db, id);
    expect(pages.map((p) => p.pageNo)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(pages.map((p) => p.imageKey)).size).toBe(N);
    expect((await open(id, 'ocr')).map((s) => s.pageNo)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await listEvents(ctx.db, [id])).filter((e) => e.type === 'split')).toHaveLength(1);
    // Every step of the split is closed.
    expect((await open(id, 'page')).length + (await open(id, 'split')).length).toBe(0);
  }, 120_000);

  it('fetches the original once: the split\'s count and the page jobs in this process share one parse', async () => {
    // A 42 MB 2 000-page file was read from the store again by each of its 80 page jobs (issue 14).
    const N = 5;
    const report = await ingest(ctx, [{ name: 'lang-5.pdf', data: await longPdf(N) }], { batchName: 'one-read', source: 'test' });
    const id = report.documents[0]!.documentId;
    const originalKey = (await getDocument(ctx.db, id))!.originalKey;
    let fetched = 0;
    const store = new Proxy(ctx.store, {
      get(target, prop) {
        if (prop === 'get') return (key: string) => ((fetched += key === originalKey ? 1 : 0), target.get(key));
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const counting: Context = { ...ctx, store };
    expect(await runStage(counting, 'split', { documentId: id })).toBe('in-parts');
    for (let p = 1; p <= N; p++) expect(await runStage(counting, 'page', { documentId: id, pageNo: p })).toBe('done');
    expect(await runStage(counting, 'split', { documentId: id })).toBe('done');
    expect((await listPages(ctx.db, id)).map((p) => p.pageNo)).toEqual([1, 2, 3, 4, 5]);
    expect(fetched).toBe(1);
  });

  it('a file over the page cap is refused before any page job, with both numbers in Norwegian', async () => {
    const report = await ingest(ctx, [{ name: 'for-lang.pdf', data: await longPdf(9) }], { batchName: 'cap', source: 'test' });
    const id = report.documents[0]!.documentId;
    expect(await runStage(ctx, 'split', { documentId: id })).toBe('manual');
    const doc = (await getDocument(ctx.db, id))!;
    expect(doc.status).toBe('manual');
    expect(doc.manualReason).toMatch(/^Filen har 9 sider, og grensen er 8 sider per fil/);
    expect(await listSteps(ctx.db, id)).toEqual([expect.objectContaining({ stage: 'split' })]);
    expect(await listSplitPages(ctx.db, id)).toHaveLength(0);
  }, 60_000);
});

function startWorker(config: Config): ChildProcess {
  const env: Record<string, string> = { ...process.env } as Record<string, string>;
  for (const [k, v] of Object.entries(config)) if (v !== undefined) env[k] = String(v);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin', 'intake.ts'), 'worker', '--stages', 'split,page', '--concurrency', '1'], {
    cwd: ROOT, env: { ...env, SPLIT_PAGES_PER_JOB: '3' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

describe('a worker killed mid-split', () => {
  it('loses nothing: another worker makes the rest, and every page is there once', async () => {
    const N = 60;
    const report = await ingest(ctx, [{ name: 'lang-60.pdf', data: await longPdf(N, await scanJpeg(1654, 2339)) }], { batchName: 'kill', source: 'test' });
    const id = report.documents[0]!.documentId;
    // The worker processes split 3 pages a job; the cap of this test context (8) is for the tests above.
    const first = startWorker({ ...ctx.config, MAX_PAGES_PER_FILE: 100 });
    const made = async () => (await listSplitPages(ctx.db, id)).filter((p) => p.made).length;
    await waitFor(async () => {
      const n = await made();
      return n >= 3 && n < N - 6;
    }, 120_000, 'the split to be under way');
    first.kill('SIGKILL');
    await exited(first);
    expect((await getDocument(ctx.db, id))!.splitAt).toBeNull();
    const before = await made();
    expect(before).toBeLessThan(N);

    startWorker({ ...ctx.config, MAX_PAGES_PER_FILE: 100 });
    const doc = await waitFor(async () => {
      const d = await getDocument(ctx.db, id);
      return d?.splitAt ? d : null;
    }, 180_000, 'the split to finish after the kill');
    expect(doc.pageCount).toBe(N);
    const pages = await listPages(ctx.db, id);
    expect(pages.map((p) => p.pageNo)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    const steps = await listSteps(ctx.db, id);
    expect(steps.filter((s) => s.stage === 'page')).toHaveLength(N / 3);
    expect(steps.filter((s) => s.stage === 'page' && !s.doneAt)).toHaveLength(0);
    expect((await listEvents(ctx.db, [id])).filter((e) => e.type === 'split')).toHaveLength(1);
  }, 360_000);
});
