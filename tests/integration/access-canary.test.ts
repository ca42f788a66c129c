import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Tokens } from '../../api/auth/tokens.ts';
import { apiRoutes, buildApi } from '../../api/server.ts';
import type { RouteOptions } from '../../api/routes/common.ts';
import { createContext, type Context } from '../../app/context.ts';
import { buildView } from '../../services/document.service.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { collectOperations, seedCanaryWorld, sweep, type Allowance, type CanaryWorld, type Operation } from '../helpers/canary.ts';
import { closeTestContext, testConfig } from '../helpers/services.ts';

/** Where a kode-6 marker is configuration, not a document's data. Each entry says why. */
const ALLOW: Allowance[] = [
  ...['the special unit', 'the special unit\'s name'].flatMap((marker) => [
    { op: 'GET /api/auth/dev-users', marker, why: 'the development sign-in lists the seeded users and their units (dev mode only)' },
    { op: 'GET /api/admin/users', user: 'admin', marker, why: 'user administration: which unit each user belongs to' },
  ]),
  ...['the special unit\'s name', 'the kode-6 rule'].flatMap((marker) => ['GET /api/admin/policy', 'PUT /api/admin/policy', 'POST /api/admin/policies'].map((op) => (
    { op, user: 'admin', marker, why: 'the routing rule table itself: its first rule sends kode 6 to NAV Vikafossen' }))),
];

/** Where a kode-6 id may be told from one that exists nowhere, and why that is no leak. */
const DISTINGUISHABLE = [
  { op: 'POST /api/ingest', why: 'the uploader holds the bytes: they are told the file came before, not which document it became' },
  { op: 'POST /api/uploads', why: 'as /api/ingest' },
];

let ctx: Context;
let app: FastifyInstance;
let tokens: Tokens;
let world: CanaryWorld;
let ops: Operation[];

beforeAll(async () => {
  const config = testConfig({ AUTH_DEV_SECRET: randomBytes(24).toString('hex') });
  ctx = await createContext(config, 'canary');
  tokens = new Tokens(config);
  app = buildApi(ctx, { tokens });
  await app.ready();
  world = await seedCanaryWorld(ctx);
  ops = await collectOperations(app);
});
afterAll(async () => {
  await app?.close();
  await ctx?.queues && Promise.all(Object.values(ctx.queues.byStage).map((q) => q.obliterate({ force: true }))).catch(() => {});
  await closeTestContext(ctx);
});

const report = (what: string, r: Awaited<ReturnType<typeof sweep>>, ms: number) =>
  console.log(`access canary, ${what}: ${r.operations} operations x ${r.users} users x ${r.targets} targets: ${r.requests} requests (${r.refusedByRole} operation-user pairs refused by role, checked with one target), ${r.comparisons} kode-6 comparisons, ${r.leaks.length} leaks, ${ms} ms`);
const leaksOf = (r: Awaited<ReturnType<typeof sweep>>) => r.leaks.map((l) => `${l.op} as ${l.user} -> ${l.status} ${l.url}: ${l.what}`);

describe('access canary', () => {
  it('covers every API route in the OpenAPI document', () => {
    const documented = new Set(ops.filter((o) => o.source === 'openapi').map((o) => `${o.method} ${o.path}`));
    const missing = apiRoutes(app).map((r) => `${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`).filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    expect(ops.some((o) => o.source === 'dashboard')).toBe(true);
  });

  it('finds no leak on any route, as any role, before and after every write', async () => {
    const all: string[] = [];
    for (const phase of ['read', 'write', 'read'] as const) {
      const t0 = Date.now();
      const r = await sweep(app, ctx, tokens, world, ops, { phase, allow: ALLOW, distinguishable: DISTINGUISHABLE });
      report(phase, r, Date.now() - t0);
      if (process.env.CANARY_PROFILE) console.log(Object.entries(r.ms).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${v} ms ${k}`).join('\n'));
      all.push(...leaksOf(r));
    }
    if (process.env.CANARY_OUT) (await import('node:fs')).writeFileSync(process.env.CANARY_OUT, all.join('\n'));
    expect(all).toEqual([]);
  }, 120_000);

  it('catches a route left open on purpose in a test build', async () => {
    // Four ways to leave a route open: no access check, a header, an error message, a count.
    const open: FastifyPluginAsyncZod<RouteOptions> = async (scope, { ctx: c }) => {
      const config = { roles: ['operator', 'caseworker', 'status-reader', 'admin'] as Array<'operator'> };
      scope.get('/api/debug/documents/:id', {
        config,
        schema: { tags: ['test build'], summary: 'A document without its access check', params: z.object({ id: z.string().regex(/^JP\d+$/) }) },
      }, async (req) => {
        const doc = await getDocument(c.db, req.params.id);
        return doc ? buildView(c, doc) : { none: true };
      });
      scope.get('/api/debug/header/:id', {
        config,
        schema: { tags: ['test build'], summary: 'Tells the case in a header', params: z.object({ id: z.string().regex(/^JP\d+$/) }) },
      }, async (req, reply) => {
        const doc = await getDocument(c.db, req.params.id);
        return reply.header('x-case', doc?.caseId ?? '').send({ ok: true });
      });
      scope.get('/api/debug/error/:id', {
        config,
        schema: { tags: ['test build'], summary: 'Names the person in an error', params: z.object({ id: z.string().regex(/^JP\d+$/) }) },
      }, async (req, reply) => {
        const doc = await getDocument(c.db, req.params.id);
        return reply.code(403).send({ error: 'forbidden', message: `ingen tilgang til ${doc?.personId ?? 'dokumentet'}` });
      });
      scope.get('/api/debug/manual', {
        config,
        schema: { tags: ['test build'], summary: 'Lists what the user may see, but counts everything', querystring: z.object({ page: z.coerce.number().default(1) }) },
      }, async () => {
        const { rows } = await c.db.query(`SELECT count(*)::int AS n FROM documents WHERE status = 'manual'`);
        return { items: [], page: 1, pageSize: 25, total: rows[0].n };
      });
    };
    const leaky = buildApi(ctx, { tokens, plugins: [open] });
    await leaky.ready();
    try {
      const leakyOps = await collectOperations(leaky);
      const r = await sweep(leaky, ctx, tokens, world, leakyOps, { phase: 'read', only: (o) => o.path.startsWith('/api/debug/'), allow: ALLOW });
      report('test build with open routes', r, 0);
      const caught = new Set(r.leaks.map((l) => l.op));
      expect([...caught].sort()).toEqual(['GET /api/debug/documents/{id}', 'GET /api/debug/error/{id}', 'GET /api/debug/header/{id}', 'GET /api/debug/manual']);
      expect(r.leaks.some((l) => l.what.includes('kode 6') || l.what.startsWith('k6'))).toBe(true);
    } finally {
      await leaky.close();
    }
  });
});
