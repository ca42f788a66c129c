import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../services/access.service.ts';
import { recordLookup } from '../../services/audit.service.ts';
import { userForSubject } from '../../services/users.service.ts';
import type { Role, UserRow } from '../../storage/repositories/users.repository.ts';
import type { Context } from '../../app/context.ts';
import type { Channel, Tokens } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: UserRow | null;
    /** How the request came: set by the server from how it authenticated, never from a header. */
    channel: Channel;
  }
  interface FastifyContextConfig {
    /** Who may call the route. Checked before the body is read; every /api route but the public ones must say. */
    roles?: Role[];
  }
}

/** Reachable without a token: what the login page needs, the health check, and signing out. */
export const PUBLIC = new Set(['/api/health', '/api/auth/config', '/api/auth/dev-users', '/api/auth/dev-login', '/api/auth/logout']);

/** The browser's session: the token in an HttpOnly cookie, so every tab of the browser shares it. */
export const SESSION_COOKIE = 'intake_session';
/** A request authenticated by the cookie that changes something must carry this header (a page of another site cannot set it). */
export const CSRF_HEADER = 'x-intake-csrf';

export const only = (...roles: Role[]) => ({ roles });

/**
 * The older way to name a route's roles (`preHandler: roles(...)`): still understood. The roles are
 * moved into the route's config when it is added, so they too are checked on arrival, before the body.
 */
export function roles(...allowed: Role[]) {
  return Object.assign(async () => {}, { roles: allowed });
}

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

export function sessionCookie(token: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

/** 401 says nothing about why: not which check failed, nothing from the token. */
export function unauthorized(reply: FastifyReply): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'innlogging kreves' });
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The answer to a role the route does not name: the same whatever the request asked for. */
export const ROLE_REFUSED = 'rollen din gir ikke tilgang til dette';

/**
 * Who is asking: a bearer token (API clients, and the browser behind a login proxy in oidc mode)
 * or the session cookie (the web app). The channel comes from that, not from anything the client says.
 */
export async function authenticate(ctx: Context, tokens: Tokens, req: FastifyRequest): Promise<{ user: UserRow; channel: Channel } | null> {
  const header = bearer(req);
  const fromCookie = header ? null : cookie(req, SESSION_COOKIE);
  const token = header ?? fromCookie;
  if (!token) return null;
  const verified = await tokens.verify(token);
  if (!verified) return null;
  // A forged form on another site could send the cookie; it cannot send a custom header.
  if (fromCookie && UNSAFE.has(req.method) && req.headers[CSRF_HEADER] !== '1') return null;
  const user = await userForSubject(ctx, verified.subject);
  return user ? { user, channel: fromCookie ? 'web' : verified.channel } : null;
}

/** Records a refusal by the role check: who tried what. */
export async function recordRefusal(ctx: Context, req: FastifyRequest, user: UserRow, channel: Channel): Promise<void> {
  await recordLookup(ctx, { user, channel }, {
    action: 'route', subject: `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`, purpose: 'tilgangskontroll: rollen har ikke tilgang', outcome: 'denied',
  });
}

/**
 * Every /api route needs a valid token or session, except the few that let someone sign in, and
 * a role its route names. Both are checked when the request arrives, before its body is read.
 */
export function registerAuth(app: FastifyInstance, ctx: Context, tokens: Tokens): void {
  app.decorateRequest('user', null);
  app.decorateRequest('channel', 'api');
  app.addHook('onRoute', (r) => {
    const named = [r.preHandler].flat().find((h): h is ReturnType<typeof roles> => typeof h === 'function' && 'roles' in h);
    if (named && !r.config?.roles) r.config = { ...r.config, roles: named.roles };
    if (r.url.startsWith('/api/') && !PUBLIC.has(r.url) && !r.config?.roles?.length) {
      throw new Error(`route ${[r.method].flat().join(',')} ${r.url} names no roles (config.roles)`);
    }
  });
  app.addHook('onRequest', async (req, reply) => {
    // The matched route, not the raw URL: percent-encoding cannot dodge the check.
    const path = req.routeOptions.url ?? req.url.split('?')[0]!;
    if (!path.startsWith('/api/') || PUBLIC.has(path)) return;
    const who = await authenticate(ctx, tokens, req);
    if (!who) return unauthorized(reply);
    req.user = who.user;
    req.channel = who.channel;
    const allowed = req.routeOptions.config.roles;
    if (!allowed || !allowed.includes(who.user.role)) {
      await recordRefusal(ctx, req, who.user, who.channel);
      return reply.code(403).send({ error: 'forbidden', message: ROLE_REFUSED });
    }
  });
}

/** The actor of an authenticated request: the user and the channel the server found. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.user) throw new Error('actorOf on an unauthenticated request');
  return { user: req.user, channel: req.channel };
}
