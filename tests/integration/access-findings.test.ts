/**
 * One test per finding of issue 11 that the API can show (the web app's are in tests/e2e/).
 * Each failed before its fix; the canary (access-canary.test.ts) proves the same rules on every route.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokens } from '../../api/auth/tokens.ts';
import { roles, ROLE_REFUSED } from '../../api/auth/plugin.ts';
import { buildApi } from '../../api/server.ts';
import { createContext, type Context } from '../../app/context.ts';
import { buildVendorZip, vendorMetadataXml } from '../../fixtures/vendor-zip.ts';
import { PolicySchema } from '../../schemas/reference.ts';
import { ingest } from '../../services/ingest.service.ts';
import { orderCoverSheet } from '../../services/foersteside.service.ts';
import { listAccess } from '../../storage/repositories/access-log.repository.ts';
import { listDeliveries } from '../../storage/repositories/document-actions.repository.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { listEvents } from '../../storage/repositories/events.repository.ts';
import { BAERUM_PERSON, OSLO_PERSON, PROTECTED_PERSON, seedDocument } from '../e2e/harness.ts';
import { closeTestContext, testConfig } from '../helpers/services.ts';
import policy2010 from '../../data/policies/ekspertgruppe-2010.json' with { type: 'json' };
import { runStage } from '../../workers/runner.ts';

let ctx: Context;
let app: FastifyInstance;
let tokens: Tokens;

beforeAll(async () => {
  const config = testConfig({ AUTH_DEV_SECRET: randomBytes(24).toString('hex'), MAX_UPLOAD_BYTES: String(64 * 1024) });
  ctx = await createContext(config, 'findings');
  tokens = new Tokens(config);
  app = buildApi(ctx, { tokens });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await Promise.all(Object.values(ctx?.queues.byStage ?? {}).map((q) => q.obliterate({ force: true }))).catch(() => {});
  await closeTestContext(ctx);
});

const bearer = async (user: string) => ({ authorization: `Bearer ${(await tokens.signDev(user)).token}` });
const call = async (user: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method, url, headers: { ...(user ? await bearer(user) : {}), ...headers }, payload: payload as never });
const log = async (actor: string) => (await listAccess(ctx.db, { actor, limit: 500, offset: 0 })).rows;

describe('issue 11: protected addresses and access', () => {
  it('finding 1: a cover sheet is read only by those entitled, looks like an unknown number to others, and every read is logged', async () => {
    const { sheet } = await orderCoverSheet(ctx, { tema: 'DAG', personId: PROTECTED_PERSON.id, unit: '2103', attachments: ['Arbeidsavtale'] }, 'sb4450');
    const unknown = '20200102000017';
    for (const path of [`/api/foersteside/${sheet.loepenummer}`, `/api/foersteside/${sheet.loepenummer}/pdf`]) {
      const res = await call('sb0219', 'GET', path);
      const none = await call('sb0219', 'GET', path.replace(sheet.loepenummer, unknown));
      expect(res.statusCode, path).toBe(404);
      expect(res.body.replace(sheet.loepenummer, '#')).toBe(none.body.replace(unknown, '#'));
      expect(res.body).not.toContain(PROTECTED_PERSON.id);
    }
    const vika = await call('sb2103', 'GET', `/api/foersteside/${sheet.loepenummer}`);
    expect(vika.statusCode).toBe(200);
    expect(vika.json().personId).toBe(PROTECTED_PERSON.id);
    const refused = (await log('sb0219')).filter((r) => r.action.startsWith('foersteside:') && r.subject === sheet.loepenummer);
    expect(refused.length).toBe(2);
    expect(refused.every((r) => r.outcome === 'denied' && r.personIds.includes(PROTECTED_PERSON.id))).toBe(true);
    expect((await log('sb2103')).some((r) => r.action === 'foersteside:read' && r.outcome === 'granted' && r.personIds.includes(PROTECTED_PERSON.id))).toBe(true);
    // An ordinary sheet: the mail room reads it with the person masked; a caseworker of another unit gets nothing.
    const { sheet: plain } = await orderCoverSheet(ctx, { tema: 'DAG', personId: OSLO_PERSON.id, unit: '4450' }, 'sb4450');
    const ops = await call('ops', 'GET', `/api/foersteside/${plain.loepenummer}`);
    expect(ops.statusCode).toBe(200);
    expect(ops.json().personId).toBe(`${OSLO_PERSON.id.slice(0, 6)}*****`);
    expect((await call('sb0219', 'GET', `/api/foersteside/${plain.loepenummer}`)).statusCode).toBe(404);
    expect((await call('sb4450', 'GET', `/api/foersteside/${plain.loepenummer}`)).json().personId).toBe(OSLO_PERSON.id);
  });

  it('finding 2: a kode-6 document sent back by NAV Vikafossen stays with NAV Vikafossen, in its own manual queue', async () => {
    for (const via of ['mail-room', 'rule'] as const) {
      const d = await seedDocument(ctx, { person: PROTECTED_PERSON, tema: 'DAG', kind: 'claim' });
      expect(d.units).toEqual(['2103']);
      const back = await call('sb2103', 'POST', `/api/inbox/2103/documents/${d.id}/return`, { reason: 'wrong-tema', via });
      expect(back.statusCode, back.body).toBe(200);
      expect(back.json()).toMatchObject({ outcome: 'special-unit', units: [{ unitId: '2103', name: 'NAV Vikafossen' }] });
      const theirs = (await call('sb2103', 'GET', '/api/manual?pageSize=100')).json() as { items: Array<{ documentId: string; protection: string | null }> };
      expect(theirs.items.find((i) => i.documentId === d.id)?.protection).toBe('strengt-fortrolig');
      const mailRoom = (await call('ops', 'GET', '/api/manual?pageSize=100')).json() as { items: Array<{ documentId: string }>; total: number };
      expect(mailRoom.items.map((i) => i.documentId)).not.toContain(d.id);
      expect((await call('ops', 'GET', `/api/manual/${d.id}`)).statusCode).toBe(404);
      expect((await call('sb2103', 'GET', `/api/manual/${d.id}`)).statusCode).toBe(200);
      const resolved = await call('sb2103', 'POST', `/api/manual/${d.id}/resolve`, { personId: PROTECTED_PERSON.id, tema: 'AAP', kind: 'claim' });
      expect(resolved.statusCode, resolved.body).toBe(200);
      expect(resolved.json().units).toEqual([{ unitId: '2103', name: 'NAV Vikafossen' }]);
    }
    // Nobody else handles kode 6 in a manual queue.
    expect((await call('sb4450', 'GET', '/api/manual')).statusCode).toBe(403);
  });

  it('finding 3: batch summary, deviations, statistics, overview and a duplicate upload do not describe a kode-6 document', async () => {
    const k6 = await seedDocument(ctx, { person: PROTECTED_PERSON, tema: 'DAG', kind: 'claim', formNumber: 'NAV 04-06.10', fileName: 'hemmelig-k6.png', contentHash: true, pages: [['Søknad', 'kode seks innhold']] });
    await seedDocument(ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim', batchId: k6.batchId });
    await ctx.db.query(`INSERT INTO deviations (kind, document_id, case_id, unit_id, policy_id, rule_id, reason) VALUES ('misrouted', $1, $2, '2103', 'ekspertgruppe-2010', 'strengt-fortrolig-adresse', 'feil tema')`, [k6.id, k6.caseId]);
    const secrets = [k6.id, k6.caseId!, 'hemmelig-k6.png', 'NAV 04-06.10', 'strengt-fortrolig-adresse', PROTECTED_PERSON.id];
    const clean = (body: string) => secrets.filter((s) => new RegExp(`(?<![A-Za-z0-9])${s}(?![0-9])`).test(body)).concat(/\b2103\b|Vikafossen/.test(body) ? ['2103'] : []);
    for (const user of ['ops', 'admin']) {
      const summary = await call(user, 'GET', `/api/batches/${k6.batchId}/summary`);
      expect(summary.statusCode).toBe(200);
      expect(clean(summary.body), `summary as ${user}`).toEqual([]);
      expect(summary.json().rows).toHaveLength(2); // counted, not described
      for (const path of ['/api/deviations?pageSize=100', '/api/deviations/stats', '/api/overview', `/api/deviations?unitId=2103`]) {
        expect(clean((await call(user, 'GET', path)).body), `${path} as ${user}`).toEqual([]);
      }
    }
    const dup = await call('ops', 'POST', '/api/ingest?filename=igjen.png', k6.original, { 'content-type': 'application/octet-stream' });
    expect(dup.statusCode).toBe(201);
    expect(dup.json().duplicates).toEqual([{ file: 'igjen.png', existingDocumentId: null }]);
    expect(clean(dup.body)).toEqual([]);
    // NAV Vikafossen sees its own deviation.
    expect((await call('sb2103', 'GET', '/api/deviations?pageSize=100')).body).toContain(k6.id);
  });

  it('finding 4: two simultaneous resolves of one manual item: one wins, the other is refused', async () => {
    for (let round = 0; round < 3; round++) {
      const m = await seedDocument(ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'unreadable' });
      const [a, b] = await Promise.all([
        call('ops', 'POST', `/api/manual/${m.id}/resolve`, { personId: OSLO_PERSON.id, tema: 'DAG', kind: 'claim' }),
        call('ops', 'POST', `/api/manual/${m.id}/resolve`, { personId: BAERUM_PERSON.id, tema: 'SYK', kind: 'claim' }),
      ]);
      expect([a.statusCode, b.statusCode].sort(), `round ${round}`).toEqual([200, 409]);
      expect(await listDeliveries(ctx.db, m.id)).toHaveLength(1);
      expect((await listEvents(ctx.db, [m.id])).filter((e) => e.type === 'manual-resolved')).toHaveLength(1);
    }
  });

  it('finding 5: the queue dashboard is for administrators only, read-only, and hides kode-6 documents', async () => {
    const k6 = await seedDocument(ctx, { person: PROTECTED_PERSON, tema: 'DAG', kind: 'claim' });
    const plain = await seedDocument(ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim' });
    await ctx.queues.enqueue('archive', { documentId: k6.id });
    await ctx.queues.enqueue('archive', { documentId: plain.id });
    expect((await call('ops', 'GET', '/admin/queues/api/queues?activeQueue=archive&status=latest')).statusCode).toBe(403);
    const list = await call('admin', 'GET', '/admin/queues/api/queues?activeQueue=archive&status=latest&jobsPerPage=100');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(plain.id);
    expect(list.body).not.toMatch(new RegExp(`${k6.id}(?![0-9])`));
    expect((await call('admin', 'GET', `/admin/queues/api/queues/archive/archive-${k6.id}`)).statusCode).toBe(404);
    for (const [method, url, body] of [
      ['PUT', '/admin/queues/api/queues/archive/pause', undefined], ['PUT', '/admin/queues/api/queues/archive/empty', undefined],
      ['PUT', '/admin/queues/api/queues/archive/obliterate', undefined], ['POST', '/admin/queues/api/queues/archive/add', { name: 'archive', data: { documentId: 'JP1' } }],
      ['PUT', `/admin/queues/api/queues/archive/archive-${plain.id}/clean`, undefined],
    ] as const) {
      const res = await call('admin', method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(405);
    }
    expect(await ctx.queues.byStage.archive.isPaused()).toBe(false);
    expect(await ctx.queues.byStage.archive.getJob(`archive-${plain.id}`)).toBeTruthy();
  });

  it('finding 6: a routing policy whose kode-6 rule is narrowed cannot be loaded', async () => {
    const narrowed = structuredClone(policy2010) as { id: string; rules: Array<{ when: Record<string, unknown> }> };
    narrowed.id = 'smal-kode6';
    narrowed.rules[0]!.when = { addressProtection: ['strengt-fortrolig'], tema: ['AAP'] };
    expect(PolicySchema.safeParse(narrowed).success).toBe(false);
    const res = await call('admin', 'POST', '/api/admin/policies', { policy: narrowed });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/kode 6/);
    expect((await call('admin', 'GET', '/api/admin/policy')).json().policy.id).toBe('ekspertgruppe-2010');
  });

  it('finding 7: a body is refused before it is read, and an upload is limited per request, not per file', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    try {
      // A status reader starts a chunked upload that never ends: the refusal must come while it is still sending.
      const auth = await bearer('status');
      let req: http.ClientRequest | undefined;
      const status = await new Promise<number>((resolve, reject) => {
        req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/ingest?filename=stor.pdf', headers: { ...auth, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } }, (res) => {
          resolve(res.statusCode!);
          req!.destroy();
        });
        req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
        req.write(Buffer.alloc(64 * 1024, 1));
        setTimeout(() => reject(new Error('no answer while the body was still coming')), 3000);
      }).finally(() => req?.destroy());
      expect(status).toBe(403);
    } finally {
      await app.close().catch(() => {});
      app = buildApi(ctx, { tokens });
      await app.ready();
    }
    // Three files each under MAX_UPLOAD_BYTES (64 KiB) but together over it.
    const boundary = '----kanari';
    const part = (name: string, data: Buffer) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`), data, Buffer.from('\r\n')]);
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(30 * 1024)]);
    const body = Buffer.concat([part('a.png', png), part('b.png', png), part('c.png', png), Buffer.from(`--${boundary}--\r\n`)]);
    const res = await call('ops', 'POST', '/api/uploads', body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/opplastingen er større enn/);
    // A route that names its roles the older way (a preHandler) is checked on arrival all the same.
    const old = buildApi(ctx, { tokens, plugins: [async (scope) => { scope.post('/api/gammel', { preHandler: roles('admin') }, async () => ({ ok: true })); }] });
    await old.ready();
    const refused = await old.inject({ method: 'POST', url: '/api/gammel', headers: await bearer('status'), payload: { x: 1 } });
    expect([refused.statusCode, refused.json().message]).toEqual([403, ROLE_REFUSED]);
    expect((await old.inject({ method: 'POST', url: '/api/gammel', headers: await bearer('admin'), payload: { x: 1 } })).statusCode).toBe(200);
    await old.close();
  });

  it('finding 8: refusals, another unit\'s inbox, summaries and cover sheets are logged; the server sets the channel; an unknown id is not "granted"', async () => {
    const d = await seedDocument(ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim' });
    expect((await call('status', 'GET', '/api/batches')).statusCode).toBe(403);
    expect((await log('status')).some((r) => r.outcome === 'denied' && r.subject === 'GET /api/batches')).toBe(true);
    expect((await call('sb0219', 'GET', '/api/inbox/4450')).statusCode).toBe(403);
    expect((await log('sb0219')).some((r) => r.action === 'inbox:list' && r.subject === '4450' && r.outcome === 'denied')).toBe(true);
    expect((await call('ops', 'GET', `/api/batches/${d.batchId}/summary`)).statusCode).toBe(200);
    expect((await log('ops')).some((r) => r.action === 'batch:summary' && r.subject === d.batchId && r.personIds.includes(OSLO_PERSON.id))).toBe(true);
    // The client cannot choose the channel: a bearer token is the API, whatever the header says.
    await call('sb4450', 'GET', `/api/documents/${d.id}`, undefined, { 'x-intake-client': 'web' });
    expect((await log('sb4450')).find((r) => r.action === 'document:read' && r.subject === d.id)?.channel).toBe('api');
    expect((await call('status', 'GET', '/api/status/JP987654?purpose=kontroll')).statusCode).toBe(404);
    expect((await log('status')).find((r) => r.subject === 'JP987654')?.outcome).toBe('not-found');
  });

  it('finding 9: a kode-6 vendor document whose PDF cannot be read keeps its person and goes to NAV Vikafossen', async () => {
    const zip = await buildVendorZip([{
      baseName: 'DOK_K6', pdf: Buffer.from('%PDF-1.7\nthis is not a readable PDF at all\n%%EOF'),
      xml: vendorMetadataXml({ filnavn: 'DOK_K6.pdf', batchnavn: 'BATCH_K6', datoMottatt: '2026-01-05', mottakskanal: 'SKAN_IM', antallSider: 1, brukerId: PROTECTED_PERSON.id, tema: 'DAG' }),
    }]);
    const report = await ingest(ctx, [{ name: 'BATCH_K6.zip', data: zip }], { batchName: 'k6', source: 'test' });
    const id = report.documents[0]!.documentId;
    await runStage(ctx, 'split', { documentId: id });
    const doc = (await getDocument(ctx.db, id))!;
    expect(doc.status).toBe('manual');
    expect(doc.personId).toBe(PROTECTED_PERSON.id);
    const mailRoom = (await call('ops', 'GET', '/api/manual?pageSize=100')).json() as { items: Array<{ documentId: string }> };
    expect(mailRoom.items.map((i) => i.documentId)).not.toContain(id);
    const vika = (await call('sb2103', 'GET', '/api/manual?pageSize=100')).json() as { items: Array<{ documentId: string }> };
    expect(vika.items.map((i) => i.documentId)).toContain(id);
  });

  it('finding 10: a merged document shows as merged on the batch page, not as protected', async () => {
    const a = await seedDocument(ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'unreadable', pages: [['Brev side 1']] });
    const b = await seedDocument(ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'unreadable', pages: [['Brev side 2']], batchId: a.batchId });
    expect((await call('ops', 'POST', `/api/manual/${a.id}/merge`, { otherId: b.id })).statusCode).toBe(200);
    const rec = (await call('ops', 'GET', `/api/batches/${a.batchId}`)).json() as { documents: Array<{ id: string; protected: boolean; mergedInto: string | null }> };
    expect(rec.documents.find((x) => x.id === b.id)).toMatchObject({ protected: false, mergedInto: a.id });
    expect(rec.documents.filter((x) => x.protected)).toEqual([]);
  });
});

describe('issue 11: the API behind the web app', () => {
  it('finding 11: a document sent back as "wrong unit" is not routed straight back; the operator can choose the unit', async () => {
    const d = await seedDocument(ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim' });
    expect(d.units).toEqual(['4450']);
    expect((await call('sb4450', 'POST', `/api/inbox/4450/documents/${d.id}/return`, { reason: 'wrong-unit', via: 'mail-room' })).json().outcome).toBe('mail-room');
    const view = (await call('ops', 'GET', `/api/manual/${d.id}`)).json() as { returns: Array<{ unitId: string; reason: string }> };
    expect(view.returns).toMatchObject([{ unitId: '4450', reason: 'feil enhet' }]);
    const again = await call('ops', 'POST', `/api/manual/${d.id}/resolve`, { personId: OSLO_PERSON.id, tema: 'DAG', kind: 'claim' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/4450 NAV Arbeid og ytelser.*sendte det tilbake.*[Vv]elg enhet/);
    const units = (await call('ops', 'GET', '/api/units')).json() as Array<{ unitId: string }>;
    expect(units.map((u) => u.unitId)).toContain('0219');
    expect(units.map((u) => u.unitId)).not.toContain('2103');
    const chosen = await call('ops', 'POST', `/api/manual/${d.id}/resolve`, { personId: OSLO_PERSON.id, tema: 'DAG', kind: 'claim', unitId: '0219' });
    expect(chosen.statusCode, chosen.body).toBe(200);
    expect(chosen.json().units).toEqual([{ unitId: '0219', name: 'NAV Bærum' }]);
    expect((await call('ops', 'POST', `/api/manual/${(await seedDocument(ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'x' })).id}/resolve`, { personId: OSLO_PERSON.id, tema: 'DAG', kind: 'claim', unitId: '2103' })).statusCode).toBe(400);
  });

  it('finding 12: answers name the unit, and the status of a resolved document says where it is now', async () => {
    // Routed to the mail room by the rules (unknown person), as the route stage does, then resolved by hand.
    const m = await seedDocument(ctx, { person: null, tema: 'DAG', kind: 'claim', manual: 'x' });
    await ctx.db.query(`UPDATE documents SET status = 'processing', attached_at = now() WHERE id = $1`, [m.id]);
    await runStage(ctx, 'route', { documentId: m.id });
    expect((await getDocument(ctx.db, m.id))?.status).toBe('manual');
    expect((await call('ops', 'POST', `/api/manual/${m.id}/resolve`, { personId: OSLO_PERSON.id, tema: 'DAG', kind: 'claim' })).statusCode).toBe(200);
    const t = (await call('status', 'GET', `/api/status/${m.id}?purpose=kontroll`)).json() as { documents: Array<{ status: string; now: string; deliveries: Array<{ unitId: string }> }> };
    expect(t.documents[0]!.status).toBe('delivered');
    expect(t.documents[0]!.deliveries.map((x) => x.unitId)).toEqual(['4450']);
    expect(t.documents[0]!.now).toBe('Ligger i innboksen til 4450 NAV Arbeid og ytelser');
    const d = await seedDocument(ctx, { person: BAERUM_PERSON, tema: 'DAG', kind: 'follow-up' });
    const back = await call('sb4450', 'POST', `/api/inbox/4450/documents/${d.id}/return`, { reason: 'wrong-tema', tema: 'OPP', via: 'rule' });
    expect(back.json()).toMatchObject({ outcome: 'rerouted', units: [{ unitId: '0219', name: 'NAV Bærum' }] });
  });

  it('finding 13: what the API says to people is Norwegian, with codes explained', async () => {
    const bad = await call('ops', 'POST', '/api/manual/JP1/resolve', { personId: '123', tema: 'dagpenger', kind: 'claim' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).not.toMatch(/Invalid|must match|pattern|expected/i);
    expect(bad.json().message).toMatch(/fødselsnummer/i);
    const m = await seedDocument(ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'routing rule ukjent-bruker' });
    await ctx.db.query(`UPDATE documents SET classification = $2 WHERE id = $1`, [m.id, { reasons: ['no form number; content classifier: tema DAG (p=0.945), kind claim (p=0.8)', 'no valid person id'] }]);
    const view = (await call('ops', 'GET', `/api/manual/${m.id}`)).json() as { reasons: string[]; manualReason: string; stage: string };
    expect(view.manualReason).toBe('Regel «ukjent-bruker»: bruker ikke identifisert');
    expect(view.reasons).toEqual(['Uten skjemanummer; tekstklassifisering: tema DAG (sikkerhet 95 %), dokumenttype søknad/krav (sikkerhet 80 %)', 'Fant ikke gyldig fødselsnummer']);
    const list = (await call('ops', 'GET', '/api/manual?pageSize=100')).json() as { items: Array<{ documentId: string; reason: string }> };
    expect(list.items.find((i) => i.documentId === m.id)?.reason).toBe('Regel «ukjent-bruker»: bruker ikke identifisert');
  });
});
