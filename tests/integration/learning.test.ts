import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokens } from '../../api/auth/tokens.ts';
import { buildApi } from '../../api/server.ts';
import { createContext, type Context } from '../../app/context.ts';
import type { LabelledDoc } from '../../pipeline/learning/score.ts';
import { activeModel, learningSet, modelKey, retrain } from '../../services/learning.service.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { latestDecision } from '../../storage/repositories/routing.repository.ts';
import { runStage } from '../../workers/runner.ts';
import { people, PROTECTED_PERSON, seedDocument } from '../e2e/harness.ts';
import { closeTestContext, s3Env, startS3, testConfig, type S3Server } from '../helpers/services.ts';

/**
 * Issue 13 end to end below the browser: operators' resolves in the manual queue (through the API)
 * are the training data; the retraining job trains, scores, stores the model in S3 and promotes or
 * refuses; routing records the model and thresholds it used; an administrator rolls back.
 */
let s3: S3Server;
let ctx: Context;
let app: FastifyInstance;
let tokens: Tokens;

beforeAll(async () => {
  s3 = await startS3();
  const config = testConfig({ AUTH_DEV_SECRET: randomBytes(24).toString('hex'), ...s3Env(s3) });
  ctx = await createContext(config, 'learning-test');
  tokens = new Tokens(config);
  app = buildApi(ctx, { tokens });
  await app.ready();
}, 60_000);
afterAll(async () => {
  await app?.close();
  await closeTestContext(ctx);
  await s3?.close();
});

const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, user = 'admin') =>
  app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${(await tokens.signDev(user)).token}` } });

// Ordinary persons (no address protection, not NAV employees).
const ordinary = people.filter((p) => p.addressProtection === 'none' && !p.skjermet && !p.abroad);
// Letters in the writers' own words: the benefit is called by a name the shipped corpus does not know.
const EVERYDAY: Array<[string, string, string]> = [
  ['SYK', 'sykelønna', 'Jeg har vært syk i tre uker og legen har skrevet sykmelding.'],
  ['DAG', 'ledighetstrygda', 'Jeg ble permittert fra jobben på fabrikken og står uten arbeid.'],
  ['BAR', 'barnepengene', 'Vi har fått en sønn, og jeg vil ha pengene for barnet utbetalt til meg.'],
];

/** A letter waiting in the manual queue with the machine's wrong guess; an operator resolves it through the API. */
async function correctedLetter(i: number, tema: string, body: string, marker = ''): Promise<string> {
  const p = ordinary[i % ordinary.length]!;
  const d = await seedDocument(ctx, {
    person: p, tema: 'UKJ', kind: 'other', manual: 'usikker klassifisering', manualWithPerson: true,
    pages: [[p.name, p.address, `Fødselsnummer: ${p.id}`, 'Til NAV', body, marker, 'Med vennlig hilsen', p.name]],
  });
  const res = await call('POST', `/api/manual/${d.id}/resolve`, { personId: p.id, tema, formNumber: null, kind: 'claim' }, 'ops');
  expect(res.statusCode, res.body).toBe(200);
  return d.id;
}

/** An independent set the shipped model and a sound candidate both read right: forms carry their number. */
const independent: LabelledDoc[] = [
  { id: 'ind-1', pageTexts: ['NAV 04-01.03\nSøknad om dagpenger\nJeg søker dagpenger.'], truth: { tema: 'DAG', kind: 'claim', personId: null, formNumber: 'NAV 04-01.03' } },
  { id: 'ind-2', pageTexts: ['Til NAV\nJeg ble permittert fra jobben fordi bedriften nedbemannet, og jeg er registrert som arbeidssøker.'], truth: { tema: 'DAG', kind: 'claim', personId: null, formNumber: null } },
  { id: 'ind-3', pageTexts: ['Til NAV\nBarnet er født, og jeg er alene om omsorgen. Barnet bor fast hos meg.'], truth: { tema: 'BAR', kind: 'claim', personId: null, formNumber: null } },
];

describe('learning from the mail room\'s corrections', () => {
  const ordinaryIds: string[] = [];
  const protectedIds: string[] = [];

  it('trains on the corrections, never on protected persons\' documents, and promotes a candidate that is not worse', async () => {
    for (let i = 0; i < 45; i++) {
      const [tema, name, body] = EVERYDAY[i % EVERYDAY.length]!;
      ordinaryIds.push(await correctedLetter(i, tema, `Jeg søker om ${name}. ${body}`, 'hverdagsmarkør'));
    }
    // A person with a strictly confidential address: her letters are read and delivered, never learnt from.
    for (let i = 0; i < 4; i++) {
      const d = await seedDocument(ctx, { person: PROTECTED_PERSON, tema: 'SYK', kind: 'claim', pages: [[PROTECTED_PERSON.name, PROTECTED_PERSON.address, `Fødselsnummer: ${PROTECTED_PERSON.id}`, 'Jeg søker sykelønna. kode6markør vikafossenord']] });
      protectedIds.push(d.id);
    }
    const set = await learningSet(ctx);
    const ids = new Set(set.map((d) => d.id));
    expect(ordinaryIds.every((id) => ids.has(id))).toBe(true);
    expect(protectedIds.filter((id) => ids.has(id))).toEqual([]);
    // The corrections are what the person set; the machine's guess was UKJ.
    expect(set.find((d) => d.id === ordinaryIds[0])!.truth.tema).toBe('SYK');

    const before = await activeModel(ctx);
    expect(before.version).toBe(0);
    const r = await retrain(ctx, 'test', { independent });
    expect(r, r.reason).toMatchObject({ version: 1, outcome: 'promoted', activeBefore: 0, activeAfter: 1 });
    expect(r.trainedOn.corrections + r.trainedOn.heldOut).toBe(45);
    expect(r.scores.candidate.heldOut.temaRight).toBeGreaterThanOrEqual(r.scores.active.heldOut.temaRight);
    expect(r.scores.candidate.independent.temaRight).toBeGreaterThanOrEqual(r.scores.active.independent.temaRight);

    // The model is in the object store (S3) with its scores in the database.
    expect(await ctx.store.exists(modelKey(1))).toBe(true);
    const stored = (await ctx.store.get(modelKey(1))).toString('utf8').toLowerCase();
    // Ordinary corrections were learnt (the lower-case marker of 45 letters is in the vocabulary) ...
    expect(stored).toContain('hverdagsmarkør');
    // ... the protected person's were not, and no seeded person's id, name or street is in it.
    expect(stored).not.toContain('kode6markør');
    expect(stored).not.toContain('vikafossenord');
    for (const p of people) {
      expect(stored).not.toContain(p.id);
      for (const part of p.name.toLowerCase().split(' ')) expect(stored, p.name).not.toMatch(new RegExp(`"(?:[hp]:)?${part}"`));
    }
    const active = await activeModel(ctx);
    expect(active.version).toBe(1);
    expect(active.classifier.model.mask).toBe('v1');
  }, 240_000);

  it('records the model that read a document and the thresholds that routed it on the routing decision', async () => {
    const p = ordinary[3]!;
    const d = await seedDocument(ctx, { person: p, tema: 'SYK', kind: 'claim', pages: [[p.name, `Fødselsnummer: ${p.id}`, 'Til NAV', 'Jeg søker om sykelønna. Jeg har vært syk i tre uker.']] });
    await ctx.db.query(`UPDATE documents SET identified_at = NULL, attached_at = NULL, routed_at = NULL, status = 'processing', stage = 'identify' WHERE id = $1`, [d.id]);
    await ctx.db.query('DELETE FROM deliveries WHERE document_id = $1', [d.id]);
    await runStage(ctx, 'identify', { documentId: d.id });
    const doc = (await getDocument(ctx.db, d.id))!;
    expect(doc.classification).toMatchObject({ modelVersion: 1, fields: { tema: expect.any(Number), person: expect.any(Number), form: null } });
    await ctx.db.query(`UPDATE documents SET attached_at = now() WHERE id = $1`, [d.id]);
    await runStage(ctx, 'route', { documentId: d.id });
    expect(await latestDecision(ctx.db, d.id)).toMatchObject({ modelVersion: 1, thresholdVersion: 1 });
  }, 60_000);

  it('refuses a candidate that is worse on the independent set, and keeps the model in force', async () => {
    // Careless corrections: letters about being laid off (dagpenger) set to child benefit, again and again.
    for (let i = 0; i < 45; i++) await correctedLetter(100 + i, 'BAR', 'Jeg ble permittert fra jobben fordi bedriften nedbemannet. Jeg er registrert som arbeidssøker.');
    const r = await retrain(ctx, 'test', { independent });
    expect(r.outcome, r.reason).toBe('refused');
    expect(r.reason).toMatch(/uavhengige/);
    expect(r.scores.candidate.independent.temaRight).toBeLessThan(r.scores.active.independent.temaRight);
    expect(await ctx.store.exists(modelKey(r.version))).toBe(true);
    expect(r.activeAfter).not.toBe(r.version);
    expect((await activeModel(ctx)).version).toBe(r.activeAfter);
    const models = await call('GET', '/api/admin/models');
    expect(models.statusCode, models.body).toBe(200);
    const view = models.json() as { activeVersion: number; items: Array<{ version: number; outcome: string; reason: string }> };
    expect(view.items.find((m) => m.version === r.version)).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('Avvist') });
    // A refused model cannot be put in force by hand either.
    const refused = await call('PUT', '/api/admin/models/active', { version: r.version });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toMatch(/avvist/);
  }, 240_000);

  it('lets an administrator roll back to the shipped model, and only an administrator', async () => {
    expect((await call('PUT', '/api/admin/models/active', { version: 0 }, 'ops')).statusCode).toBe(403);
    expect((await call('POST', '/api/admin/models/retrain', undefined, 'sb4450')).statusCode).toBe(403);
    const res = await call('PUT', '/api/admin/models/active', { version: 0 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().activeVersion).toBe(0);
    expect(res.json().activations[0]).toMatchObject({ version: 0, activatedBy: 'admin', reason: expect.stringContaining('rullet tilbake') });
    expect((await activeModel(ctx)).version).toBe(0);
    expect((await call('PUT', '/api/admin/models/active', { version: 0 })).statusCode).toBe(409);
    // Routing after the roll-back records the shipped model and no learnt thresholds.
    const p = ordinary[5]!;
    const d = await seedDocument(ctx, { person: p, tema: 'DAG', kind: 'claim', formNumber: 'NAV 04-01.03', pages: [['NAV 04-01.03', 'Søknad om dagpenger', `Fødselsnummer: ${p.id}`]] });
    await ctx.db.query(`UPDATE documents SET routed_at = NULL, status = 'processing', stage = 'route' WHERE id = $1`, [d.id]);
    await ctx.db.query('DELETE FROM deliveries WHERE document_id = $1', [d.id]);
    await runStage(ctx, 'route', { documentId: d.id });
    expect(await latestDecision(ctx.db, d.id)).toMatchObject({ thresholdVersion: 0 });
    // The overview shows per field and tema what went straight through and how much of it was wrong.
    const ov = await call('GET', '/api/overview', undefined, 'ops');
    expect(ov.statusCode, ov.body).toBe(200);
    const learning = ov.json().learning as { ceiling: number; byField: Array<{ field: string; documents: number }>; byTema: Array<{ tema: string; documents: number; automatic: number }> };
    expect(learning.ceiling).toBe(0.005);
    expect(learning.byField.map((f) => f.field)).toEqual(['tema', 'person', 'form']);
    // The corrected letters were in the manual queue (not straight through); kode-6 documents are not counted.
    const guessed = learning.byTema.find((t) => t.tema === 'UKJ');
    expect(guessed).toMatchObject({ automatic: 0 });
    expect(guessed!.documents).toBeGreaterThanOrEqual(90);
    expect(JSON.stringify(ov.json())).not.toContain(PROTECTED_PERSON.id);
  }, 60_000);
});
