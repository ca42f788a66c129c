import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { devUsers, userForSubject } from '../../services/users.service.ts';
import { actorOf, BOARD_COOKIE, roles } from '../auth/plugin.ts';
import { MeBody } from './bodies.ts';
import { bearerAuth, ErrorBody, type RouteOptions } from './common.ts';

export const authRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx, tokens }) => {
  const unitName = (id: string) => ctx.directory.unit(id)?.name ?? '';
  const withUnitNames = (u: Omit<z.infer<typeof MeBody>, 'unitNames'>) => ({ ...u, unitNames: Object.fromEntries(u.units.map((id) => [id, unitName(id)])) });

  app.get('/api/auth/config', {
    schema: { tags: ['auth'], summary: 'How to sign in (no token needed)', response: { 200: z.object({ mode: z.enum(['dev', 'oidc']), loginUrl: z.string().nullable() }) } },
  }, async () => ({ mode: tokens.mode, loginUrl: tokens.mode === 'oidc' ? ctx.config.AUTH_LOGIN_URL : null }));

  app.get('/api/auth/dev-users', {
    schema: { tags: ['auth'], summary: 'Seeded users for the development login (dev mode only)', response: { 200: z.array(MeBody), 404: ErrorBody } },
  }, async (_req, reply) => {
    if (tokens.mode !== 'dev') return reply.code(404).send({ error: 'not-found', message: 'utviklerinnlogging er slått av' });
    return (await devUsers(ctx)).map((u) => withUnitNames({ id: u.id, name: u.name, role: u.role, units: u.units }));
  });

  app.post('/api/auth/dev-login', {
    schema: {
      tags: ['auth'], summary: 'Development login as a seeded user: returns a signed bearer token (dev mode only)',
      body: z.object({ userId: z.string().min(1).max(100) }),
      response: { 200: z.object({ token: z.string(), expiresAt: z.string() }), 401: ErrorBody, 404: ErrorBody },
    },
  }, async (req, reply) => {
    if (tokens.mode !== 'dev') return reply.code(404).send({ error: 'not-found', message: 'utviklerinnlogging er slått av' });
    const user = await userForSubject(ctx, req.body.userId);
    if (!user || user.source !== 'dev') return reply.code(401).send({ error: 'unauthorized', message: 'ukjent utviklerbruker' });
    return tokens.signDev(user.id);
  });

  app.get('/api/me', {
    schema: { tags: ['auth'], summary: 'The signed-in user, role and units', security: bearerAuth, response: { 200: MeBody, 401: ErrorBody } },
  }, async (req) => {
    const u = actorOf(req).user;
    return withUnitNames({ id: u.id, name: u.name, role: u.role, units: u.units });
  });

  // The queue dashboard is a page of its own: the browser gets there with a short cookie, not a header.
  app.post('/api/auth/board-session', {
    preHandler: roles('operator', 'admin'),
    schema: { tags: ['auth'], summary: 'Opens the BullMQ dashboard (/admin/queues) for this browser', security: bearerAuth, response: { 204: z.null() } },
  }, async (req, reply) => {
    const token = req.headers.authorization!.slice(7);
    reply.header('set-cookie', `${BOARD_COOKIE}=${encodeURIComponent(token)}; Path=/admin/queues; HttpOnly; SameSite=Strict; Max-Age=3600`);
    return reply.code(204).send(null);
  });
};
