import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type FastifyPluginAsyncZod, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { STAGES } from '../pipeline/stages.ts';
import { UnsupportedTypeError } from '../services/batches.service.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../services/errors.ts';
import type { Context } from '../app/context.ts';
import { authenticate, recordRefusal, registerAuth, SESSION_COOKIE, unauthorized } from './auth/plugin.ts';
import { explainIssues } from './validation-text.ts';
import { strictlyConfidentialIds } from '../storage/repositories/document-access.repository.ts';
import { bytesNb, TooLargeError } from './routes/common.ts';
import { Tokens } from './auth/tokens.ts';
import { adminRoutes } from './routes/admin.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { batchRoutes } from './routes/batches.routes.ts';
import { deviationRoutes } from './routes/deviations.routes.ts';
import { documentRoutes } from './routes/documents.routes.ts';
import { foerstesideRoutes } from './routes/foersteside.routes.ts';
import { reconciliationRoutes } from './routes/reconciliation.routes.ts';
import { letterRoutes } from './routes/letters.routes.ts';
import { inboxRoutes } from './routes/inbox.routes.ts';
import { manualRoutes } from './routes/manual.routes.ts';
import { overviewRoutes } from './routes/overview.routes.ts';
import { statusRoutes } from './routes/status.routes.ts';
import type { RouteOptions } from './routes/common.ts';

const ROUTES = new WeakMap<FastifyInstance, Array<{ method: string; url: string }>>();

/** Every route the app registered (method and path): the API, the queue dashboard, the web app, the docs. */
export function allRoutes(app: FastifyInstance): Array<{ method: string; url: string }> {
  return [...(ROUTES.get(app) ?? [])];
}

/** Every /api route the app registered (method and path), e.g. to check the OpenAPI document covers them. */
export function apiRoutes(app: FastifyInstance): Array<{ method: string; url: string }> {
  return allRoutes(app).filter((r) => r.url.startsWith('/api/'));
}

export interface ApiOptions {
  /** Shared with tests that sign their own dev tokens. */
  tokens?: Tokens;
  /** More route plugins, registered like the others (the access canary's test build adds a route left open on purpose). */
  plugins?: Array<FastifyPluginAsyncZod<RouteOptions>>;
}

/** The HTTP API and the web app: plugins here, routes in routes/ (no SQL there, only services). */
export function buildApi(ctx: Context, opts: ApiOptions = {}): FastifyInstance {
  const tokens = opts.tokens ?? new Tokens(ctx.config);
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 }).withTypeProvider<ZodTypeProvider>();
  const registered: Array<{ method: string; url: string }> = [];
  ROUTES.set(app, registered);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') registered.push({ method, url: r.url });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Raw uploads are the file's bytes as they are; the type is read from the bytes, not the header.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ctx.config.MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));

  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string; recorded?: boolean }, req, reply) => {
    const send = (code: number, error: string, message: string) => reply.code(code).send({ error, message });
    if (hasZodFastifySchemaValidationErrors(err)) {
      return send(400, 'bad-request', explainIssues(err.validation.map((v) => ({ path: v.instancePath, code: v.keyword, params: v.params })), err.validationContext));
    }
    if (err instanceof z.ZodError) return send(400, 'bad-request', explainIssues(err.issues.map((i) => ({ path: `/${i.path.join('/')}`, code: i.code, params: i as unknown as Record<string, unknown> }))));
    if (err instanceof NotFoundError) return send(404, 'not-found', err.message);
    if (err instanceof ForbiddenError) {
      // A refusal the service did not record itself (a role or unit outside the user's) is recorded here.
      if (!err.recorded && req.user) await recordRefusal(ctx, req, req.user, req.channel).catch(() => {});
      return send(403, 'forbidden', err.message);
    }
    if (err instanceof ConflictError) return send(409, 'conflict', err.message);
    if (err instanceof UnsupportedTypeError) return send(415, 'unsupported-type', err.message);
    if (err instanceof InvalidInputError) return send(400, 'bad-request', err.message);
    if (err.statusCode === 413) return send(413, 'too-large', err instanceof TooLargeError ? err.message : `filen er større enn grensen på ${bytesNb(ctx.config.MAX_UPLOAD_BYTES)}`);
    if (err.statusCode === 415) return send(415, 'unsupported-type', 'ukjent innholdstype');
    if (err.statusCode && err.statusCode < 500) return send(err.statusCode, 'bad-request', 'forespørselen kunne ikke leses');
    ctx.log.error({ err: err.message, route: req.routeOptions.url }, 'request failed');
    return send(500, 'internal', 'noe gikk galt hos oss; prøv igjen, og meld fra om det gjentar seg');
  });

  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
  });

  app.register(fastifySwagger, {
    openapi: {
      info: { title: 'intake', description: 'NAV sentralt postmottak: skanning, mottak og ruting', version: '0.1.0' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
    transform: jsonSchemaTransform,
  });
  app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.register(fastifyMultipart, { limits: { fileSize: ctx.config.MAX_UPLOAD_BYTES, files: 500, fields: 20 } });

  registerAuth(app, ctx, tokens);
  app.register(async (scope) => scope.get('/api/health', { schema: { tags: ['health'], summary: 'Liveness (no token needed)', response: { 200: z.object({ ok: z.boolean() }) } } }, async () => ({ ok: true })));
  const routes = { ctx, tokens };
  app.register(authRoutes, routes);
  app.register(batchRoutes, routes);
  app.register(manualRoutes, routes);
  app.register(documentRoutes, routes);
  app.register(inboxRoutes, routes);
  app.register(statusRoutes, routes);
  app.register(deviationRoutes, routes);
  app.register(overviewRoutes, routes);
  app.register(adminRoutes, routes);
  app.register(foerstesideRoutes, routes);
  app.register(reconciliationRoutes, routes);
  app.register(letterRoutes, routes);
  for (const plugin of opts.plugins ?? []) app.register(plugin, routes);

  registerQueueBoard(app, ctx, tokens);
  registerWeb(app, ctx);
  return app;
}

/** A small page in Norwegian for a browser that asked for a page it may not see. */
function htmlPage(title: string, text: string): string {
  const esc = (x: string) => x.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html><html lang="nb"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>`
    + `<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem"><main><h1>${esc(title)}</h1><p>${esc(text)}</p><p><a href="/">Til forsiden</a></p></main></body></html>`;
}

/**
 * BullMQ's own dashboard (bull-board), for administrators, read-only: no pausing, emptying or
 * adding jobs from here. Jobs of strictly confidential documents do not exist for it: their ids are
 * masked in every answer and looking one up by id answers as for a job that does not exist.
 */
function registerQueueBoard(app: FastifyInstance, ctx: Context, tokens: Tokens): void {
  const board = new FastifyAdapter();
  const readOnly = (q: ConstructorParameters<typeof BullMQAdapter>[0]) => new BullMQAdapter(q, { readOnlyMode: true, allowRetries: false });
  // @bull-board/fastify pins its own copy of @bull-board/api: same shape, separate declarations.
  createBullBoard({ queues: [...STAGES.map((s) => readOnly(ctx.queues.byStage[s])), readOnly(ctx.queues.deviations)], serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'] });
  board.setBasePath('/admin/queues');
  app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      const page = !req.url.startsWith('/admin/queues/api/') && String(req.headers.accept ?? '').includes('text/html');
      const who = await authenticate(ctx, tokens, req);
      if (!who) return page ? reply.redirect(`/?neste=${encodeURIComponent('/admin/queues')}`) : unauthorized(reply);
      if (who.user.role !== 'admin') {
        await recordRefusal(ctx, req, who.user, who.channel);
        const text = 'Kødashbordet er bare for administratorer.';
        return page ? reply.code(403).type('text/html').send(htmlPage('Ingen tilgang', text)) : reply.code(403).send({ error: 'forbidden', message: text });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return reply.code(405).send({ error: 'read-only', message: 'kødashbordet kan bare leses: jobber endres ikke herfra' });
      }
      // Asked by id, a job of a strictly confidential document is looked up as one that does not exist.
      const params = req.params as { jobId?: string } | undefined;
      if (params?.jobId && (await strictlyConfidentialIds(ctx.db, documentIdsIn(params.jobId))).size > 0) params.jobId = 'finnes-ikke';
    });
    // Job ids and data name documents: a strictly confidential one is masked wherever it appears.
    scope.addHook('onSend', async (_req, reply, payload) => {
      if (typeof payload !== 'string') return payload;
      const html = String(reply.getHeader('content-type') ?? '').includes('text/html');
      // bull-board's page links Google Fonts; nothing may be fetched from outside (it falls back to the system font).
      const text = html ? payload.replace(/<link[^>]+href="https?:\/\/[^"]*"[^>]*>/g, '') : payload;
      const hidden = await strictlyConfidentialIds(ctx.db, documentIdsIn(text));
      return hidden.size ? text.replace(/\bJP\d+\b/g, (id) => (hidden.has(id) ? 'skjermet' : id)) : text;
    });
    await scope.register(board.registerPlugin(), { prefix: '/admin/queues' });
  });
}

const documentIdsIn = (text: string) => [...new Set(text.match(/\bJP\d+\b/g) ?? [])];

/** The built web app (web/dist); any other browser path gets index.html (client-side pages). */
function registerWeb(app: FastifyInstance, ctx: Context): void {
  const dist = ctx.config.WEB_DIST;
  const index = path.join(dist, 'index.html');
  if (existsSync(index)) {
    app.register(async (scope) => {
      await scope.register(fastifyStatic, { root: dist, prefix: '/', wildcard: false, index: false, cacheControl: false });
    });
  }
  app.setNotFoundHandler(async (req, reply) => {
    if (req.method !== 'GET' || req.url.startsWith('/api/') || req.url.startsWith('/admin/')) {
      return reply.code(404).send({ error: 'not-found', message: 'finnes ikke' });
    }
    if (!existsSync(index)) return reply.code(503).type('text/html').send(htmlPage('Ikke klar', 'Nettsidene er ikke bygget ennå (npm run build:web).'));
    return reply.type('text/html').header('cache-control', 'no-cache').send(await readFile(index));
  });
}
