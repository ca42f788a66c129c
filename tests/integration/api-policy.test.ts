import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokens } from '../../api/auth/tokens.ts';
import { buildApi } from '../../api/server.ts';
import { activePolicy, POLICY_DIR } from '../../services/policy.service.ts';
import { latestDecision } from '../../storage/repositories/routing.repository.ts';
import { createContext, type Context } from '../../app/context.ts';
import { BAERUM_PERSON, seedDocument } from '../e2e/harness.ts';
import { testConfig, closeTestContext } from '../helpers/services.ts';
import { runStage } from '../../workers/runner.ts';

let ctx: Context;
/** A second process's context on the same database: what a pipeline worker sees. */
let worker: Context;
let app: FastifyInstance;
let tokens: Tokens;

beforeAll(async () => {
  const config = testConfig({ AUTH_DEV_SECRET: randomBytes(24).toString('hex') });
  ctx = await createContext(config, 'api-policy-test');
  worker = await createContext(config, 'api-policy-worker');
  tokens = new Tokens(config);
  app = buildApi(ctx, { tokens });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await worker?.close();
  await closeTestContext(ctx);
});

const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, user = 'admin') =>
  app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${(await tokens.signDev(user)).token}` } });

/** A SYK claim from Bærum, routed afresh by the route job in the worker's context. */
async function routeAfresh(): Promise<{ policyId: string; units: string[] }> {
  const d = await seedDocument(ctx, { person: BAERUM_PERSON, tema: 'SYK', kind: 'claim' });
  await ctx.db.query(`UPDATE documents SET routed_at = NULL, status = 'processing', stage = 'route' WHERE id = $1`, [d.id]);
  await worker.db.query('DELETE FROM deliveries WHERE document_id = $1', [d.id]);
  await runStage(worker, 'route', { documentId: d.id });
  const decision = (await latestDecision(worker.db, d.id))!;
  return { policyId: decision.policyId, units: decision.destinations.map((x) => x.unitId) };
}

describe('an administrator loads and switches the routing policy', () => {
  it('starts from the configured ROUTING_POLICY', async () => {
    const res = await call('GET', '/api/admin/policy');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ version: null, origin: 'config:ekspertgruppe-2010.json', activatedBy: null, policy: { id: 'ekspertgruppe-2010' } });
    expect(await routeAfresh()).toEqual({ policyId: 'ekspertgruppe-2010', units: ['0219'] });
    const files = (await call('GET', '/api/admin/policy-files')).json() as { items: Array<{ file: string; policyId: string | null; problem: string | null }> };
    expect(files.items).toEqual(expect.arrayContaining([
      { file: 'ekspertgruppe-2010.json', policyId: 'ekspertgruppe-2010', title: expect.any(String), problem: null },
      { file: 'meldst33-2016.json', policyId: 'meldst33-2016', title: expect.any(String), problem: null },
    ]));
  });

  it('switches to a shipped policy; the pipeline workers route by it at once, and who did it is recorded', async () => {
    const res = await call('POST', '/api/admin/policies', { file: 'meldst33-2016.json' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ created: true, version: { policyId: 'meldst33-2016', origin: 'file:meldst33-2016.json', loadedBy: 'admin', active: true, rules: 21 } });
    expect(body.active).toMatchObject({ version: body.version.version, activatedBy: 'admin', policy: { id: 'meldst33-2016' } });
    expect((await activePolicy(worker)).id).toBe('meldst33-2016');
    const routed = await routeAfresh();
    expect(routed.policyId).toBe('meldst33-2016');
    expect(routed.units).not.toEqual(['0219']);
    // Loading the same document again reuses its version.
    const again = (await call('POST', '/api/admin/policies', { file: 'meldst33-2016.json', activate: false })).json();
    expect(again).toMatchObject({ created: false, version: { version: body.version.version } });
  });

  it('validates an uploaded policy with PolicySchema and says what is wrong', async () => {
    const base = JSON.parse(readFileSync(path.join(POLICY_DIR, 'ekspertgruppe-2010.json'), 'utf8'));
    const noKode6 = { ...base, id: 'uten-kode-6', rules: base.rules.slice(1) };
    const bad = await call('POST', '/api/admin/policies', { policy: noKode6 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('kode 6');
    const noRules = await call('POST', '/api/admin/policies', { policy: { ...base, id: 'tom', rules: [] } });
    expect(noRules.statusCode, noRules.body).toBe(400);
    expect(noRules.json().message).toContain('ugyldig rutingspolicy');
    const unknownField = await call('POST', '/api/admin/policies', { policy: { ...base, id: 'x', owner: 'me' } });
    expect(unknownField.statusCode).toBe(400);
    expect((await call('POST', '/api/admin/policies', { policy: base, file: 'meldst33-2016.json' })).statusCode).toBe(400);
    expect((await call('POST', '/api/admin/policies', { file: 'finnes-ikke.json' })).statusCode).toBe(404);
    expect((await activePolicy(worker)).id).toBe('meldst33-2016');

    const mine = { ...base, id: 'egen-test', title: 'Egen testpolicy' };
    const ok = await call('POST', '/api/admin/policies', { policy: mine, activate: false });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ created: true, version: { policyId: 'egen-test', origin: 'upload', active: false } });
    const switched = await call('PUT', '/api/admin/policy', { version: ok.json().version.version });
    expect(switched.json()).toMatchObject({ policy: { id: 'egen-test' }, activatedBy: 'admin' });
    expect((await routeAfresh()).policyId).toBe('egen-test');
    expect((await call('PUT', '/api/admin/policy', { version: 99999 })).statusCode).toBe(404);
  });

  it('goes back to the configured default, and lists every switch newest first', async () => {
    const back = await call('PUT', '/api/admin/policy', { version: null });
    expect(back.json()).toMatchObject({ version: null, origin: 'config:ekspertgruppe-2010.json', activatedBy: 'admin' });
    expect(await activePolicy(worker)).toBe(worker.policy);
    expect((await routeAfresh()).policyId).toBe('ekspertgruppe-2010');
    const history = (await call('GET', '/api/admin/policy/history')).json() as { total: number; items: Array<{ policyId: string | null; activatedBy: string; activatedAt: string }> };
    expect(history.items.map((h) => h.policyId)).toEqual([null, 'egen-test', 'meldst33-2016']);
    expect(history.items.every((h) => h.activatedBy === 'admin' && !Number.isNaN(Date.parse(h.activatedAt)))).toBe(true);
    const versions = (await call('GET', '/api/admin/policies')).json() as { items: Array<{ policyId: string; active: boolean }> };
    expect(versions.items.map((v) => v.policyId)).toEqual(['egen-test', 'meldst33-2016']);
    expect(versions.items.some((v) => v.active)).toBe(false);
    expect((await call('PUT', '/api/admin/policy', { version: null }, 'ops')).statusCode).toBe(403);
  });
});
