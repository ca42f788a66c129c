import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokens } from '../../api/auth/tokens.ts';
import { buildApi } from '../../api/server.ts';
import { makeLoepenummer } from '../../pipeline/foersteside/loepenummer.ts';
import { STAGES } from '../../pipeline/stages.ts';
import { flagMissingAttachments } from '../../storage/repositories/foersteside.repository.ts';
import { createContext, type Context } from '../../app/context.ts';
import { SWEEP_SCHEDULER_ID } from '../../workers/deviation-sweep.ts';
import { startWorkers, type RunningWorkers } from '../../workers/worker.ts';
import { OSLO_PERSON, people, seedDocument, type Seed } from '../e2e/harness.ts';
import { dropDatabase, testConfig, waitFor } from '../helpers/services.ts';

let ctx: Context;
let app: FastifyInstance;
let tokens: Tokens;
let workers: RunningWorkers | undefined;

beforeAll(async () => {
  const config = testConfig({ AUTH_DEV_SECRET: randomBytes(24).toString('hex'), STUCK_AFTER_MINUTES: '1' });
  ctx = await createContext(config, 'deviation-sweep-test');
  tokens = new Tokens(config);
  app = buildApi(ctx, { tokens });
  await app.ready();
});
afterAll(async () => {
  await workers?.close();
  await app?.close();
  if (ctx) {
    await Promise.all([...STAGES.map((s) => ctx.queues.byStage[s].obliterate({ force: true })), ctx.queues.deviations.obliterate({ force: true })]).catch(() => {});
    await ctx.close();
    await dropDatabase(ctx.config.DATABASE_URL);
  }
});

const daysAgo = (id: string, days: number) => ctx.db.query(`UPDATE documents SET received_at = now() - make_interval(days => $2) WHERE id = $1`, [id, days]);

interface Row { kind: string; document_id: string; unit_id: string | null; reason: string; resolved_at: Date | null }
const deviations = async (): Promise<Row[]> => (await ctx.db.query<Row>(`SELECT kind, document_id, unit_id, reason, resolved_at FROM deviations ORDER BY id`)).rows;
const open = (rows: Row[], id: string, kind: string) => rows.find((r) => r.document_id === id && r.kind === kind && !r.resolved_at);

/** A claim that came behind a cover sheet listing these attachments, of which `missing` did not come. */
async function coverSheetClaim(s: Seed, missing: string[], receivedDaysAgo: number): Promise<{ id: string; caseId: string }> {
  const d = await seedDocument(ctx, s);
  const lnr = makeLoepenummer(new Date(), 100 + Math.floor(Math.random() * 90_000));
  await ctx.db.query('UPDATE documents SET cover_sheet = $2 WHERE id = $1', [d.id, lnr]);
  if (missing.length) await flagMissingAttachments(ctx.db, d.caseId!, d.id, lnr, missing);
  await daysAgo(d.id, receivedDaysAgo);
  return { id: d.id, caseId: d.caseId! };
}

describe('the background deviation sweep (a BullMQ job scheduler on its own queue)', () => {
  it('finds stuck documents and overdue attachments without anyone opening a page, and closes them when the cause is gone', async () => {
    // A: waiting in the manual queue for two hours (stuck after 1 minute in this configuration).
    const stuck = await seedDocument(ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'unreadable' });
    await ctx.db.query(`UPDATE documents SET updated_at = now() - interval '2 hours' WHERE id = $1`, [stuck.id]);
    // B: a dagpenger claim whose cover sheet promised two attachments; one came later in the case, one never did (20 days > 14).
    const overdue = await coverSheetClaim({ person: OSLO_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' }, ['Arbeidsavtale', 'Lønnsslipp'], 20);
    const lonn = await seedDocument(ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'attachment', title: 'Lønnsslipp', pages: [['Lønnsslipp', 'Periode: mars', 'Utbetalt: 32 000 kr']] });
    expect(lonn.caseId).toBe(overdue.caseId);
    // C: the same, but within the deadline.
    const recent = await coverSheetClaim({ person: people[1]!, tema: 'DAG', kind: 'claim' }, ['Arbeidsavtale'], 2);
    // D: no cover sheet: the tema rule (AAP expects a legeerklæring) is the fallback.
    const byRule = await seedDocument(ctx, { person: people[2]!, tema: 'AAP', kind: 'claim', title: 'Søknad om AAP' });
    await daysAgo(byRule.id, 20);
    // E: a cover sheet with nothing missing: the sheet, not the tema rule, decides.
    const complete = await coverSheetClaim({ person: people[3]!, tema: 'AAP', kind: 'claim' }, [], 20);

    workers = startWorkers(ctx, { stages: [], deviations: true, deviationSweepMs: 700 });
    const found = await waitFor(async () => {
      const rows = await deviations();
      return open(rows, stuck.id, 'stuck') && open(rows, overdue.id, 'missing-attachment') && open(rows, byRule.id, 'missing-attachment') ? rows : null;
    }, 20_000, 'the sweep to open deviations');
    expect(open(found, stuck.id, 'stuck')).toMatchObject({ unit_id: '0000', reason: 'manual at stage identify' });
    expect(open(found, overdue.id, 'missing-attachment')).toMatchObject({ unit_id: '4450', reason: 'Mangler vedlegg fra førstesiden: Arbeidsavtale' });
    expect(open(found, byRule.id, 'missing-attachment')?.reason).toBe('Legeerklæring');
    expect(found.filter((r) => r.document_id === recent.id || r.document_id === complete.id)).toEqual([]);
    const { rows: arrivals } = await ctx.db.query('SELECT attachment, arrived_in FROM case_attachment_arrivals');
    expect(arrivals).toEqual([{ attachment: 'Lønnsslipp', arrived_in: lonn.id }]);

    // One scheduler, on the deviations queue, with the interval asked for.
    const schedulers = await ctx.queues.deviations.getJobSchedulers();
    expect(schedulers.map((s) => ({ key: s.key, every: Number(s.every) }))).toEqual([{ key: SWEEP_SCHEDULER_ID, every: 700 }]);

    // The unit's inbox flags what is missing; the deviation list and statistics show the sweep's work.
    const as = async (user: string) => ({ authorization: `Bearer ${(await tokens.signDev(user)).token}` });
    const inbox = (await app.inject({ method: 'GET', url: '/api/inbox/4450', headers: await as('sb4450') })).json() as { items: Array<{ documentId: string; missingAttachment: boolean; missingAttachments: string[] }> };
    expect(inbox.items.find((i) => i.documentId === overdue.id)).toMatchObject({ missingAttachment: true, missingAttachments: ['Arbeidsavtale'] });
    const list = (await app.inject({ method: 'GET', url: '/api/deviations?kind=missing-attachment&open=true', headers: await as('sb4450') })).json() as { items: Array<{ documentId: string }> };
    expect(list.items.map((i) => i.documentId)).toEqual([overdue.id]);
    const stats = (await app.inject({ method: 'GET', url: '/api/deviations/stats', headers: await as('admin') })).json() as { lastSweepAt: string | null };
    expect(Date.now() - Date.parse(stats.lastSweepAt!)).toBeLessThan(10_000);

    // The causes go away: the stuck document moves on, the missing attachment and the legeerklæring arrive.
    await ctx.db.query(`UPDATE documents SET status = 'delivered', updated_at = now() WHERE id = $1`, [stuck.id]);
    await seedDocument(ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'attachment', title: 'Arbeidsavtale', pages: [['Arbeidsavtale', 'Stilling: lagerarbeider', 'Tiltredelse: 1. mars']] });
    await seedDocument(ctx, { person: people[2]!, tema: 'AAP', kind: 'attachment', title: 'Legeerklæring', pages: [['Legeerklæring', 'Diagnose oppgis ikke her']] });
    const closed = await waitFor(async () => {
      const rows = await deviations();
      return rows.length >= 3 && rows.every((r) => r.resolved_at) ? rows : null;
    }, 20_000, 'the sweep to close the deviations');
    expect(closed.map((r) => r.kind).sort()).toEqual(['missing-attachment', 'missing-attachment', 'stuck']);
  }, 60_000);
});
