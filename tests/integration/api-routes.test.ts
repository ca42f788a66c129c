import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokens } from '../../api/auth/tokens.ts';
import { apiRoutes, buildApi } from '../../api/server.ts';
import { makeLoepenummer } from '../../pipeline/foersteside/loepenummer.ts';
import { orderCoverSheet } from '../../services/foersteside.service.ts';
import { createContext, type Context } from '../../app/context.ts';
import { OSLO_PERSON, pagePng, seedDocument } from '../e2e/harness.ts';
import { testConfig, closeTestContext } from '../helpers/services.ts';

const secret = randomBytes(24).toString('hex');
let ctx: Context;
let app: FastifyInstance;
let tokens: Tokens;
let doc: { id: string; caseId: string | null };
let manual: { id: string };
let sheet: string;

beforeAll(async () => {
  const config = testConfig({ AUTH_DEV_SECRET: secret, MAX_UPLOAD_BYTES: '4096' });
  ctx = await createContext(config, 'api-test');
  tokens = new Tokens(config);
  app = buildApi(ctx, { tokens });
  await app.ready();
  doc = await seedDocument(ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim' });
  manual = await seedDocument(ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'unreadable', pages: [['a'], ['b']] });
  sheet = (await orderCoverSheet(ctx, { tema: 'DAG', attachments: ['Arbeidsavtale'] }, 'ops')).sheet.loepenummer;
});
afterAll(async () => {
  await app?.close();
  await closeTestContext(ctx);
});

type Method = 'GET' | 'POST' | 'PUT';
const as = async (user: string) => ({ authorization: `Bearer ${(await tokens.signDev(user)).token}` });
const call = async (method: Method, url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  app.inject({ method, url, headers, payload: payload as never });

interface RouteCase {
  method: Method;
  url: (ids: { doc: string; manual: string; sheet: string }) => string;
  ok: string; // a user allowed here
  forbidden?: string; // a role that is not
  notFound?: string; // the same route with an unknown id
  bad?: { url?: string; body?: unknown }; // input that fails validation
  body?: unknown;
}

const ROUTES: RouteCase[] = [
  { method: 'GET', url: () => '/api/me', ok: 'ops' },
  { method: 'GET', url: () => '/api/reconciliations', ok: 'ops', forbidden: 'sb4450', bad: { url: '/api/reconciliations?limit=0' } },
  { method: 'GET', url: () => '/api/batches', ok: 'ops', forbidden: 'sb4450', bad: { url: '/api/batches?pageSize=1000' } },
  { method: 'POST', url: () => '/api/batches', ok: 'ops', forbidden: 'status', body: { name: 'x' }, bad: { body: { name: '' } } },
  { method: 'GET', url: () => '/api/batches/B1', ok: 'ops', forbidden: 'sb4450', notFound: '/api/batches/B999', bad: { url: '/api/batches/nope' } },
  { method: 'GET', url: () => '/api/batches/B1/summary', ok: 'ops', forbidden: 'status', notFound: '/api/batches/B999/summary', bad: { url: '/api/batches/x/summary' } },
  { method: 'POST', url: () => '/api/uploads', ok: 'ops', forbidden: 'admin' },
  { method: 'POST', url: () => '/api/ingest?filename=a.png', ok: 'ops', forbidden: 'sb4450', bad: { url: '/api/ingest?filename=a/b.png' } },
  { method: 'GET', url: () => '/api/manual', ok: 'ops', forbidden: 'status', bad: { url: '/api/manual?page=0' } },
  { method: 'GET', url: () => '/api/units', ok: 'ops', forbidden: 'admin' },
  { method: 'GET', url: (i) => `/api/manual/${i.manual}`, ok: 'ops', forbidden: 'admin', notFound: '/api/manual/JP999', bad: { url: '/api/manual/x1' } },
  { method: 'POST', url: () => '/api/deviations/1/close', ok: 'admin', forbidden: 'status', notFound: '/api/deviations/999999/close', body: { note: 'ordnet' }, bad: { body: { note: '' } } },
  { method: 'POST', url: (i) => `/api/manual/${i.manual}/resolve`, ok: 'ops', forbidden: 'status', notFound: '/api/manual/JP999/resolve', body: { personId: OSLO_PERSON.id, tema: 'DAG', kind: 'claim' }, bad: { body: { personId: '123', tema: 'DAG', kind: 'claim' } } },
  { method: 'POST', url: (i) => `/api/manual/${i.manual}/split`, ok: 'ops', forbidden: 'status', notFound: '/api/manual/JP999/split', body: { fromPage: 2 }, bad: { body: { fromPage: 1 } } },
  { method: 'POST', url: (i) => `/api/manual/${i.manual}/merge`, ok: 'ops', forbidden: 'status', notFound: '/api/manual/JP999/merge', body: { otherId: 'JP998' }, bad: { body: { otherId: 'B1' } } },
  { method: 'GET', url: (i) => `/api/documents/${i.doc}`, ok: 'sb4450', forbidden: 'status', notFound: '/api/documents/JP999', bad: { url: '/api/documents/1' } },
  { method: 'GET', url: (i) => `/api/documents/${i.doc}/pages/1/image`, ok: 'sb4450', forbidden: 'admin', notFound: '/api/documents/JP999/pages/1/image', bad: { url: '/api/documents/JP1/pages/0/image' } },
  { method: 'GET', url: (i) => `/api/documents/${i.doc}/archive.pdf`, ok: 'sb4450', forbidden: 'status', notFound: '/api/documents/JP999/archive.pdf', bad: { url: '/api/documents/JPX/archive.pdf' } },
  { method: 'GET', url: () => '/api/inbox/4450', ok: 'sb4450', forbidden: 'ops', bad: { url: '/api/inbox/44' } },
  { method: 'POST', url: (i) => `/api/inbox/4450/documents/${i.doc}/take`, ok: 'sb4450', forbidden: 'ops', notFound: '/api/inbox/4450/documents/JP999/take', bad: { url: '/api/inbox/4450/documents/x/take' } },
  { method: 'POST', url: (i) => `/api/inbox/4450/documents/${i.doc}/return`, ok: 'sb4450', forbidden: 'status', notFound: '/api/inbox/4450/documents/JP999/return', body: { reason: 'wrong-unit' }, bad: { body: { reason: 'because' } } },
  { method: 'GET', url: (i) => `/api/status/${i.doc}?purpose=test`, ok: 'status', forbidden: 'admin', notFound: '/api/status/JP999?purpose=test', bad: { url: '/api/status/JP1' } },
  { method: 'GET', url: () => '/api/deviations', ok: 'admin', forbidden: 'status', bad: { url: '/api/deviations?kind=other' } },
  { method: 'GET', url: () => '/api/deviations/stats', ok: 'admin', forbidden: 'status', bad: { url: '/api/deviations/stats?unitId=abc' } },
  { method: 'GET', url: () => '/api/overview', ok: 'admin', forbidden: 'sb4450', bad: { url: '/api/overview?hours=0' } },
  { method: 'GET', url: () => '/api/overview/reconciliation', ok: 'ops', forbidden: 'sb4450', bad: { url: '/api/overview/reconciliation?days=0' } },
  { method: 'GET', url: () => '/api/queues', ok: 'ops', forbidden: 'status' },
  { method: 'GET', url: () => '/api/admin/users', ok: 'admin', forbidden: 'ops', bad: { url: '/api/admin/users?page=x' } },
  { method: 'POST', url: () => '/api/admin/users', ok: 'admin', forbidden: 'ops', body: { id: 'Z999999', name: 'Ny Bruker', role: 'caseworker', units: ['4450'] }, bad: { body: { id: 'Z1', name: 'x', role: 'king' } } },
  { method: 'PUT', url: () => '/api/admin/users/Z999999', ok: 'admin', forbidden: 'sb4450', notFound: '/api/admin/users/Z000000', body: { name: 'Ny Bruker', role: 'status-reader', units: [] }, bad: { body: { name: 'Ny', role: 'caseworker', units: ['12'] } } },
  { method: 'GET', url: () => '/api/admin/access-log', ok: 'admin', forbidden: 'status', bad: { url: '/api/admin/access-log?personId=123' } },
  { method: 'GET', url: () => '/api/admin/corrections', ok: 'admin', forbidden: 'ops', bad: { url: '/api/admin/corrections?documentId=B1' } },
  { method: 'GET', url: () => '/api/admin/policy', ok: 'admin', forbidden: 'sb2103' },
  { method: 'PUT', url: () => '/api/admin/policy', ok: 'admin', forbidden: 'ops', body: { version: null }, bad: { body: { version: 'latest' } } },
  { method: 'GET', url: () => '/api/admin/policy/history', ok: 'admin', forbidden: 'status', bad: { url: '/api/admin/policy/history?page=0' } },
  { method: 'GET', url: () => '/api/admin/policies', ok: 'admin', forbidden: 'sb4450', bad: { url: '/api/admin/policies?pageSize=0' } },
  { method: 'POST', url: () => '/api/admin/policies', ok: 'admin', forbidden: 'ops', body: { file: 'meldst33-2016.json', activate: false }, bad: { body: { file: '../../etc/passwd' } } },
  { method: 'GET', url: () => '/api/admin/policy-files', ok: 'admin', forbidden: 'ops', bad: { url: '/api/admin/policy-files?page=-1' } },
  { method: 'GET', url: () => '/api/admin/models', ok: 'admin', forbidden: 'ops', bad: { url: '/api/admin/models?pageSize=0' } },
  { method: 'POST', url: () => '/api/admin/models/retrain', ok: 'admin', forbidden: 'sb4450' },
  { method: 'PUT', url: () => '/api/admin/models/active', ok: 'admin', forbidden: 'ops', body: { version: 0 }, bad: { body: { version: -1 } } },
  { method: 'GET', url: (i) => `/api/documents/${i.doc}/letters`, ok: 'sb4450', forbidden: 'status', notFound: '/api/documents/JP999999/letters', bad: { url: '/api/documents/x/letters' } },
  { method: 'GET', url: (i) => `/api/documents/${i.doc}/letters/1/pdf`, ok: 'sb4450', forbidden: 'admin', notFound: '/api/documents/JP999999/letters/1/pdf', bad: { url: `/api/documents/JP1/letters/0/pdf` } },
  { method: 'POST', url: (i) => `/api/documents/${i.doc}/letters/1/retry`, ok: 'sb4450', forbidden: 'ops', notFound: '/api/documents/JP999999/letters/1/retry', bad: { url: '/api/documents/JP1/letters/0/retry' } },
  { method: 'GET', url: () => '/api/admin/letters/failed', ok: 'admin', forbidden: 'ops', bad: { url: '/api/admin/letters/failed?pageSize=0' } },
  { method: 'POST', url: () => '/api/admin/letters/1/retry', ok: 'admin', forbidden: 'sb4450', notFound: '/api/admin/letters/999999/retry', bad: { url: '/api/admin/letters/0/retry' } },
  { method: 'POST', url: () => '/api/foersteside', ok: 'ops', forbidden: 'status', body: { tema: 'DAG' }, bad: { body: { tema: 'dagpenger' } } },
  { method: 'GET', url: (i) => `/api/foersteside/${i.sheet}`, ok: 'ops', forbidden: 'status', notFound: `/api/foersteside/${makeLoepenummer(new Date('2020-01-02'), 7)}`, bad: { url: '/api/foersteside/123' } },
  { method: 'GET', url: (i) => `/api/foersteside/${i.sheet}/pdf`, ok: 'sb4450', forbidden: 'status', notFound: `/api/foersteside/${makeLoepenummer(new Date('2020-01-02'), 7)}/pdf`, bad: { url: '/api/foersteside/x/pdf' } },
];

const PUBLIC_ROUTES = ['GET /api/health', 'GET /api/auth/config', 'GET /api/auth/dev-users', 'POST /api/auth/dev-login', 'POST /api/auth/logout'];
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}');

describe('every API route', () => {
  it('is in the table above, so each is tested for 401, 403, 400 and 404', () => {
    const concrete = ROUTES.map((r) => ({ method: r.method, path: r.url({ doc: doc.id, manual: manual.id, sheet }).split('?')[0]! }));
    const pattern = (url: string) => new RegExp(`^${url.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
    const missing = apiRoutes(app)
      .filter((r) => !PUBLIC_ROUTES.includes(`${r.method} ${r.url}`))
      .filter((r) => !concrete.some((c) => c.method === r.method && pattern(r.url).test(c.path)))
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('is in the OpenAPI document with its success body described', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> }>>;
    };
    const routes = apiRoutes(app);
    expect(routes.length).toBeGreaterThan(35);
    const problems: string[] = [];
    for (const r of routes) {
      const op = doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()];
      if (!op) { problems.push(`${r.method} ${r.url}: not documented`); continue; }
      const ok = Object.entries(op.responses ?? {}).filter(([code]) => /^2\d\d$/.test(code));
      // A 2xx response whose body is described: a schema with content (not the empty schema of z.unknown()).
      const described = ok.some(([code, res]) => code === '204' || Object.values(res.content ?? {}).some((c) => c.schema && Object.keys(c.schema).length > 0));
      if (!described) problems.push(`${r.method} ${r.url}: no 2xx response schema`);
    }
    expect(problems).toEqual([]);
    // Spot checks: a paged list and a document body say what is in them.
    const inbox = doc.paths['/api/inbox/{unitId}']!.get!.responses!['200']!.content!['application/json']!.schema as { properties: Record<string, { items?: { properties?: Record<string, unknown> } }> };
    expect(Object.keys(inbox.properties)).toEqual(['items', 'page', 'pageSize', 'total']);
    expect(Object.keys(inbox.properties.items!.items!.properties!)).toContain('missingAttachments');
    expect(doc.paths['/api/documents/{id}/archive.pdf']!.get!.responses!['200']!.content!['application/pdf']).toBeDefined();
  });

  it('answers 401 without a token, with a bad token and with an expired one, with no detail', async () => {
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setIssuer('intake-dev').setAudience('intake')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600).sign(new TextEncoder().encode(secret));
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setIssuer('intake-dev').setAudience('intake')
      .setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(48)));
    for (const r of ROUTES) {
      const url = r.url({ doc: doc.id, manual: manual.id, sheet });
      const variants: Array<Record<string, string>> = [{}, { authorization: 'Bearer nonsense' }, { authorization: `Bearer ${expired}` }, { authorization: `Bearer ${forged}` }, { authorization: 'Basic YWRtaW46YWRtaW4=' }];
      for (const headers of variants) {
        const res = await call(r.method, url, headers, r.body);
        expect(res.statusCode, `${r.method} ${url}`).toBe(401);
        expect(res.json()).toEqual({ error: 'unauthorized', message: 'innlogging kreves' });
      }
    }
  });

  it('answers 403 to a role that has no business there', async () => {
    for (const r of ROUTES.filter((x) => x.forbidden)) {
      const url = r.url({ doc: doc.id, manual: manual.id, sheet });
      const res = await call(r.method, url, await as(r.forbidden!), r.body);
      expect(res.statusCode, `${r.method} ${url} as ${r.forbidden}`).toBe(403);
    }
  });

  it('answers 400 to bad input and 404 to unknown ids', async () => {
    for (const r of ROUTES) {
      const auth = await as(r.ok);
      if (r.bad) {
        const url = r.bad.url ?? r.url({ doc: doc.id, manual: manual.id, sheet });
        const res = await call(r.method, url, auth, r.bad.body ?? r.body);
        expect(res.statusCode, `${r.method} ${url}: ${res.body}`).toBe(400);
        expect(res.json().error).toBe('bad-request');
      }
      if (r.notFound) {
        const res = await call(r.method, r.notFound, auth, r.body);
        expect(res.statusCode, `${r.method} ${r.notFound}: ${res.body}`).toBe(404);
      }
    }
  });

  it('lets the right role in', async () => {
    const ok = async (method: Method, url: string, user: string, body?: unknown) => {
      const res = await call(method, url, await as(user), body);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res;
    };
    expect((await ok('GET', '/api/me', 'sb4450')).json()).toMatchObject({ id: 'sb4450', role: 'caseworker', units: ['4450'] });
    expect((await ok('GET', '/api/batches', 'ops')).json()).toMatchObject({ page: 1, pageSize: 25 });
    expect((await ok('GET', `/api/documents/${doc.id}/pages/1/image?width=100`, 'sb4450')).headers['content-type']).toBe('image/png');
    await ok('GET', `/api/status/${doc.caseId}?purpose=test`, 'sb4450');
    await ok('GET', '/api/admin/policy', 'admin');
    // The web app's session is a cookie from the sign-in; the queue dashboard is the administrator's.
    const login = await call('POST', '/api/auth/dev-login', {}, { userId: 'admin' });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect(String(login.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).json().id).toBe('admin');
    expect((await app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/admin/queues' })).statusCode).toBe(401);
    const opsCookie = String((await call('POST', '/api/auth/dev-login', {}, { userId: 'ops' })).headers['set-cookie']).split(';')[0]!;
    expect((await app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie: opsCookie, accept: 'text/html' } })).body).toContain('bare for administratorer');
    // A change made with the cookie needs the header a page of another site cannot send.
    expect((await app.inject({ method: 'POST', url: '/api/batches', headers: { cookie: opsCookie }, payload: { name: 'x' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/batches', headers: { cookie: opsCookie, 'x-intake-csrf': '1' }, payload: { name: 'x' } })).statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).json().paths['/api/inbox/{unitId}']).toBeDefined();
  });

  it('refuses wrong file types and oversized uploads with clear messages', async () => {
    const auth = { ...(await as('ops')), 'content-type': 'application/octet-stream' };
    const txt = await call('POST', '/api/ingest?filename=notat.txt', auth, Buffer.from('bare tekst'));
    expect(txt.statusCode).toBe(415);
    expect(txt.json().message).toContain('notat.txt');
    const big = await call('POST', '/api/ingest?filename=stor.png', auth, Buffer.concat([await pagePng(['x']), randomBytes(8192)]));
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('too-large');
    const tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'white' } }).png().toBuffer();
    const unknownBatch = await call('POST', '/api/ingest?filename=a.png&batchId=B999', auth, tiny);
    expect(unknownBatch.statusCode).toBe(404);
    const empty = await call('POST', '/api/ingest?filename=tom.png', auth, Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);

    const boundary = '----intake';
    const part = (name: string, data: Buffer) => Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), data, Buffer.from('\r\n'),
    ]);
    const multipart = (parts: Buffer[]) => Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
    const mpHeaders = { ...(await as('ops')), 'content-type': `multipart/form-data; boundary=${boundary}` };
    const tooBig = await call('POST', '/api/uploads', mpHeaders, multipart([part('stor.png', randomBytes(6000))]));
    expect(tooBig.statusCode).toBe(413);
    const wrong = await call('POST', '/api/uploads', mpHeaders, multipart([part('x.exe', Buffer.from('MZ....'))]));
    expect(wrong.statusCode).toBe(415);
    const none = await call('POST', '/api/uploads', mpHeaders, multipart([]));
    expect(none.statusCode).toBe(400);
  });
});
