import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { devUsers, userForSubject } from '../../services/users.service.ts';
import { protectedUnits } from '../../services/access.service.ts';
import { actorOf, only, sessionCookie } from '../auth/plugin.ts';
import { MeBody } from './bodies.ts';
import { bearerAuth, ErrorBody, type RouteOptions } from './common.ts';

export const authRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx, tokens }) => {
  const unitName = (id: string) => ctx.directory.unit(id)?.name ?? '';
  const special = protectedUnits(ctx);
  const withUnitNames = (u: Omit<z.infer<typeof MeBody>, 'unitNames' | 'handlesProtected'>) => ({
    ...u, unitNames: Object.fromEntries(u.units.map((id) => [id, unitName(id)])), handlesProtected: u.role === 'caseworker' && u.units.some((x) => special.has(x)),
  });

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
      tags: ['auth'], summary: 'Development login as a seeded user (dev mode only): sets the browser session cookie and returns a bearer token for API clients',
      body: z.object({ userId: z.string().min(1).max(100) }),
      response: { 200: z.object({ token: z.string(), expiresAt: z.string() }), 401: ErrorBody, 404: ErrorBody },
    },
  }, async (req, reply) => {
    if (tokens.mode !== 'dev') return reply.code(404).send({ error: 'not-found', message: 'utviklerinnlogging er slått av' });
    const user = await userForSubject(ctx, req.body.userId);
    if (!user || user.source !== 'dev') return reply.code(401).send({ error: 'unauthorized', message: 'ukjent utviklerbruker' });
    // The cookie is the web app's session (channel web, shared by every tab); the token in the body is for API clients.
    const web = await tokens.signDev(user.id, 'web');
    reply.header('set-cookie', sessionCookie(web.token, ctx.config.AUTH_TOKEN_TTL_S, req.protocol === 'https' || ctx.config.NODE_ENV === 'production'));
    return tokens.signDev(user.id, 'api');
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: 'Ends the browser session (clears its cookie; no token needed)', response: { 204: z.null() } },
  }, async (req, reply) => {
    reply.header('set-cookie', sessionCookie('', 0, req.protocol === 'https' || ctx.config.NODE_ENV === 'production'));
    return reply.code(204).send(null);
  });

  app.get('/api/me', {
    config: only('operator', 'caseworker', 'status-reader', 'admin'),
    schema: { tags: ['auth'], summary: 'The signed-in user, role and units', security: bearerAuth, response: { 200: MeBody, 401: ErrorBody } },
  }, async (req) => {
    const u = actorOf(req).user;
    return withUnitNames({ id: u.id, name: u.name, role: u.role, units: u.units });
  });
};
