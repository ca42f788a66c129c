import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokens } from '../../api/auth/tokens.ts';
import { buildApi } from '../../api/server.ts';
import { createContext, type Context } from '../../app/context.ts';
import { STAGES } from '../../pipeline/stages.ts';
import { ROOT } from '../../schemas/config.ts';
import { ingest } from '../../services/ingest.service.ts';
import { reconcileSystem, type SystemReconciliation } from '../../services/system-reconciliation.service.ts';
import { OSLO_PERSON, PROTECTED_PERSON, seedDocument } from '../e2e/harness.ts';
import { dropDatabase, testConfig } from '../helpers/services.ts';
import { chaosCorpus } from '../../chaos/corpus.ts';

const run = promisify(execFile);
let ctx: Context;
let app: FastifyInstance;
let tokens: Tokens;

beforeAll(async () => {
  const config = testConfig({ AUTH_DEV_SECRET: randomBytes(24).toString('hex'), NO_JOB_AFTER_MINUTES: '10' });
  ctx = await createContext(config, 'system-reconciliation-test');
  tokens = new Tokens(config);
  app = buildApi(ctx, { tokens });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  if (ctx) {
    await Promise.all(STAGES.map((s) => ctx.queues.byStage[s].obliterate({ force: true }))).catch(() => {});
    await ctx.close();
    await dropDatabase(ctx.config.DATABASE_URL);
  }
});

const minutesAgo = (id: string, m: number) => ctx.db.query(`UPDATE documents SET received_at = now() - make_interval(mins => $2) WHERE id = $1`, [id, m]);
const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
const stuckIds = (r: SystemReconciliation) => r.stuck.map((s) => s.documentId).sort();

describe('reconciliation of the whole system (issue 12, part 4)', () => {
  it('counts per day, and calls stuck exactly what is old, unfinished and without a live job', async () => {
    // Two files ingested with no worker running: their split jobs wait in BullMQ.
    const files = await chaosCorpus(2, { scannedEvery: 0, seed: 77 });
    const report = await ingest(ctx, files, { batchName: 'reconcile', source: 'test' });
    const [queued, lost] = report.documents.map((d) => d.documentId) as [string, string];
    await minutesAgo(queued, 30);
    await minutesAgo(lost, 30);
    // The second one's job is gone (a flushed queue, Redis restarted without persistence).
    const jobs = await ctx.queues.byStage.split.getJobs(['waiting', 'delayed', 'prioritized']);
    const lostJob = jobs.find((j) => j.data.documentId === lost)!;
    expect(lostJob).toBeDefined();
    await lostJob.remove();
    // Delivered and archived; delivered but never archived (no job); in the manual queue; young and jobless.
    const done = await seedDocument(ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' });
    await ctx.db.query(`UPDATE documents SET archived_at = now(), stage = 'done' WHERE id = $1`, [done.id]);
    const unarchived = await seedDocument(ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' });
    await minutesAgo(unarchived.id, 45);
    const manual = await seedDocument(ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'unreadable' });
    await minutesAgo(manual.id, 600);
    const young = await seedDocument(ctx, { person: OSLO_PERSON, tema: 'AAP', kind: 'claim', title: 'Søknad om arbeidsavklaringspenger' });
    // A strictly confidential document, old and without a job.
    const kode6 = await seedDocument(ctx, { person: PROTECTED_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' });
    await minutesAgo(kode6.id, 45);

    const r = await reconcileSystem(ctx, { protectedToo: false });
    expect(r.queueUnavailable).toBe(false);
    expect(stuckIds(r)).toEqual([lost, unarchived.id].sort());
    expect(r.stuck.find((s) => s.documentId === unarchived.id)).toMatchObject({ status: 'delivered', minutes: 45 });
    const day = r.days.find((d) => d.day === today())!;
    // Without kode 6: 6 documents; delivered counts only the archived one; moving: the two queued, the unarchived, the young one.
    expect(day).toMatchObject({ received: 6, delivered: 1, manual: 1, merged: 0, setAside: 0, moving: 4, stuck: 2 });
    expect(JSON.stringify(r)).not.toContain(kode6.id);

    // The command line sees the whole system, kode 6 included.
    const all = await reconcileSystem(ctx, { protectedToo: true });
    expect(stuckIds(all)).toEqual([lost, unarchived.id, kode6.id].sort());
    expect(all.days.find((d) => d.day === today())).toMatchObject({ received: 7, stuck: 3 });

    // A job that waits is not stuck however old; put the lost one's job back and it is not either.
    await ctx.queues.enqueue('split', { documentId: lost });
    expect(stuckIds(await reconcileSystem(ctx, { protectedToo: false }))).toEqual([unarchived.id]);
    await (await ctx.queues.byStage.split.getJobs(['waiting', 'delayed', 'prioritized'])).find((j) => j.data.documentId === lost)!.remove();
  });

  it('is on the API for the mail room and administrators only, without strictly confidential documents', async () => {
    const as = async (user: string) => ({ authorization: `Bearer ${(await tokens.signDev(user)).token}` });
    const ok = await app.inject({ method: 'GET', url: '/api/overview/reconciliation', headers: await as('ops') });
    expect(ok.statusCode).toBe(200);
    const body = ok.json() as SystemReconciliation;
    expect(body.thresholdMinutes).toBe(10);
    expect(body.stuck.length).toBe(2);
    expect(body.days[0]).toMatchObject({ day: today(), received: 6, stuck: 2 });
    expect((await app.inject({ method: 'GET', url: '/api/overview/reconciliation', headers: await as('sb4450') })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/overview/reconciliation', headers: await as('status') })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/overview/reconciliation' })).statusCode).toBe(401);
  });

  it('intake status --stuck lists them with exit code 3', async () => {
    const env: Record<string, string> = { ...process.env } as Record<string, string>;
    for (const [k, v] of Object.entries(ctx.config)) if (v !== undefined && typeof v !== 'object') env[k] = String(v);
    const out = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin', 'intake.ts'), 'status', '--stuck'], { cwd: ROOT, env })
      .then(() => ({ code: 0, stdout: '' }), (e: { code: number; stdout: string }) => e);
    expect(out.code).toBe(3);
    expect(out.stdout).toMatch(/3 document\(s\) older than 10 min, not finished, with no live job/);
    expect(out.stdout).toMatch(new RegExp(`^${today()}\\s+7\\s+1\\s+1\\s+0\\s+0\\s+5\\s+3$`, 'm'));
  }, 60_000);
});
