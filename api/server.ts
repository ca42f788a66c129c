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
import { authenticate, bearer, BOARD_COOKIE, cookie, registerAuth, unauthorized } from './auth/plugin.ts';
import { Tokens } from './auth/tokens.ts';
import { adminRoutes } from './routes/admin.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { batchRoutes } from './routes/batches.routes.ts';
import { deviationRoutes } from './routes/deviations.routes.ts';
import { documentRoutes } from './routes/documents.routes.ts';
import { foerstesideRoutes } from './routes/foersteside.routes.ts';
import { reconciliationRoutes } from './routes/reconciliation.routes.ts';
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

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const send = (code: number, error: string, message: string) => reply.code(code).send({ error, message });
    if (hasZodFastifySchemaValidationErrors(err)) {
      return send(400, 'bad-request', err.validation.map((v) => `${v.instancePath.replace(/^\//, '').replace(/\//g, '.') || err.validationContext}: ${v.message}`).join('; '));
    }
    if (err instanceof z.ZodError) return send(400, 'bad-request', err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    if (err instanceof NotFoundError) return send(404, 'not-found', err.message);
    if (err instanceof ForbiddenError) return send(403, 'forbidden', err.message);
    if (err instanceof ConflictError) return send(409, 'conflict', err.message);
    if (err instanceof UnsupportedTypeError) return send(415, 'unsupported-type', err.message);
    if (err instanceof InvalidInputError) return send(400, 'bad-request', err.message);
    if (err.statusCode === 413) return send(413, 'too-large', `filen er større enn grensen på ${ctx.config.MAX_UPLOAD_BYTES} byte`);
    if (err.statusCode === 415) return send(415, 'unsupported-type', err.message);
    if (err.statusCode && err.statusCode < 500) return send(err.statusCode, 'bad-request', err.message);
    ctx.log.error({ err: err.message }, 'request failed');
    return send(500, 'internal', 'intern feil');
  });

  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
  });

  app.register(fastifySwagger, {
    openapi: {
      info: { title: 'intake', description: 'NAV sentralt postmottak: skanning, mottak og ruting', version: '0.1.0' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
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
  for (const plugin of opts.plugins ?? []) app.register(plugin, routes);

  registerQueueBoard(app, ctx, tokens);
  registerWeb(app, ctx);
  return app;
}

/** BullMQ's own dashboard (bull-board) for operators and administrators. */
function registerQueueBoard(app: FastifyInstance, ctx: Context, tokens: Tokens): void {
  const board = new FastifyAdapter();
  // @bull-board/fastify pins its own copy of @bull-board/api: same shape, separate declarations.
  createBullBoard({ queues: [...STAGES.map((s) => new BullMQAdapter(ctx.queues.byStage[s])), new BullMQAdapter(ctx.queues.deviations)], serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'] });
  board.setBasePath('/admin/queues');
  app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      const user = await authenticate(ctx, tokens, cookie(req, BOARD_COOKIE) ?? bearer(req));
      if (!user || (user.role !== 'operator' && user.role !== 'admin')) return unauthorized(reply);
    });
    // bull-board's page links Google Fonts; nothing may be fetched from outside (it falls back to the system font).
    scope.addHook('onSend', async (_req, reply, payload) => {
      if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').includes('text/html')) return payload;
      return payload.replace(/<link[^>]+href="https?:\/\/[^"]*"[^>]*>/g, '');
    });
    await scope.register(board.registerPlugin(), { prefix: '/admin/queues' });
  });
}

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
      return reply.code(404).send({ error: 'not-found', message: `ingen rute ${req.method} ${req.url.split('?')[0]}` });
    }
    if (!existsSync(index)) return reply.code(503).type('text/plain').send('web app not built: run npm run build:web');
    return reply.type('text/html').header('cache-control', 'no-cache').send(await readFile(index));
  });
}
