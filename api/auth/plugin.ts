import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../services/access.service.ts';
import { userForSubject } from '../../services/users.service.ts';
import type { Role, UserRow } from '../../storage/repositories/users.repository.ts';
import type { Context } from '../../app/context.ts';
import type { Tokens } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: UserRow | null;
  }
}

/** Reachable without a token: what the login page needs, and the health check. */
const PUBLIC = new Set(['/api/health', '/api/auth/config', '/api/auth/dev-users', '/api/auth/dev-login']);

export const BOARD_COOKIE = 'intake_board';

export function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h || !/^Bearer [A-Za-z0-9._~+/=-]+$/.test(h)) return null;
  return h.slice(7);
}

export function cookie(req: FastifyRequest, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** 401 says nothing about why: not which check failed, nothing from the token. */
export function unauthorized(reply: FastifyReply): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'innlogging kreves' });
}

export async function authenticate(ctx: Context, tokens: Tokens, token: string | null): Promise<UserRow | null> {
  if (!token) return null;
  const subject = await tokens.verify(token);
  return subject ? userForSubject(ctx, subject) : null;
}

/** Every /api route needs a valid token, except the few that let someone sign in. */
export function registerAuth(app: FastifyInstance, ctx: Context, tokens: Tokens): void {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (req, reply) => {
    // The matched route, not the raw URL: percent-encoding cannot dodge the check.
    const path = req.routeOptions.url ?? req.url.split('?')[0]!;
    if (!path.startsWith('/api/') || PUBLIC.has(path)) return;
    const user = await authenticate(ctx, tokens, bearer(req));
    if (!user) return unauthorized(reply);
    req.user = user;
  });
}

/** The actor of an authenticated request (the web app says it is the web app). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.user) throw new Error('actorOf on an unauthenticated request');
  return { user: req.user, channel: req.headers['x-intake-client'] === 'web' ? 'web' : 'api' };
}

/** Route guard: 403 for a role that has no business here. */
export function roles(...allowed: Role[]) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.user || !allowed.includes(req.user.role)) return reply.code(403).send({ error: 'forbidden', message: 'ingen tilgang' });
  };
}
