import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../api/server.ts';
import { upsertUser } from '../../storage/repositories/users.repository.ts';
import { createContext, type Context } from '../../app/context.ts';
import { testConfig, closeTestContext } from '../helpers/services.ts';

const ISSUER = 'https://login.test.nav.invalid/tenant/v2.0';
const AUDIENCE = 'api://intake-test';
const KID = 'intake-test-key-1';
const WEB_CLIENT = 'intake-web-client-id';

let jwks: Server;
let jwksHits = 0;
let ctx: Context;
let app: FastifyInstance;
let key: { privateKey: CryptoKey; publicKey: CryptoKey };
let publicJwk: JWK;

/** The identity provider's key set, served on loopback as a real OIDC provider would. */
async function startJwks(keys: JWK[]): Promise<Server> {
  const server = createServer((req, res) => {
    jwksHits++;
    if (req.url !== '/discovery/v2.0/keys') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  key = await generateKeyPair('RS256', { extractable: true });
  publicJwk = { ...(await exportJWK(key.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  jwks = await startJwks([publicJwk]);
  const port = (jwks.address() as AddressInfo).port;
  ctx = await createContext(testConfig({
    AUTH_MODE: 'oidc', AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_JWKS_URL: `http://127.0.0.1:${port}/discovery/v2.0/keys`, AUTH_WEB_CLIENT_ID: WEB_CLIENT,
  }), 'api-oidc-test');
  // A user the administrator has added (NAV ident), and a seeded dev user that must not sign in here.
  await upsertUser(ctx.db, { id: 'Z990001', name: 'Oda Oidc', role: 'caseworker', units: ['4450'], active: true, source: 'oidc' });
  await upsertUser(ctx.db, { id: 'Z990002', name: 'Sperret Bruker', role: 'operator', units: [], active: false, source: 'oidc' });
  app = buildApi(ctx);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await closeTestContext(ctx);
  await new Promise((r) => jwks?.close(r));
});

interface Claims { sub?: string; NAVident?: string; iss?: string; aud?: string; exp?: number | null; iat?: number; nbf?: number; azp?: string }
const now = () => Math.floor(Date.now() / 1000);

/** A token as the identity provider would sign it, with any claim overridden. */
async function sign(c: Claims = {}, opts: { key?: CryptoKey; kid?: string; alg?: string } = {}): Promise<string> {
  const claims: Record<string, unknown> = { NAVident: c.NAVident ?? 'Z990001', name: 'Oda Oidc', ...(c.azp ? { azp: c.azp } : {}) };
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? KID, typ: 'JWT' })
    .setSubject(c.sub ?? 'a0c5f8e2-object-id').setIssuer(c.iss ?? ISSUER).setAudience(c.aud ?? AUDIENCE).setIssuedAt(c.iat ?? now() - 10);
  if (c.exp !== null) jwt.setExpirationTime(c.exp ?? now() + 600);
  if (c.nbf) jwt.setNotBefore(c.nbf);
  return jwt.sign(opts.key ?? key.privateKey);
}

const me = (token: string) => app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
const NO_DETAIL = { error: 'unauthorized', message: 'innlogging kreves' };

describe('OIDC bearer tokens verified against the provider\'s JWKS', () => {
  it('accepts a valid token and maps its NAVident to the user the administrator added', async () => {
    const res = await me(await sign());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: 'Z990001', role: 'caseworker', units: ['4450'] });
    expect(jwksHits).toBeGreaterThan(0);
    // Without NAVident the subject claim names the user.
    const bySub = await me(await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: KID })
      .setSubject('Z990001').setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(key.privateKey));
    expect(bySub.statusCode).toBe(200);
    // The caseworker reaches her unit's inbox and nothing of the mail room's.
    const inbox = await app.inject({ method: 'GET', url: '/api/inbox/4450', headers: { authorization: `Bearer ${await sign()}` } });
    expect(inbox.statusCode).toBe(200);
    const batches = await app.inject({ method: 'GET', url: '/api/batches', headers: { authorization: `Bearer ${await sign()}` } });
    expect(batches.statusCode).toBe(403);
  });

  it('answers 401 with no detail for every token it must not trust', async () => {
    const other = await generateKeyPair('RS256', { extractable: true });
    const ec = await generateKeyPair('ES256', { extractable: true });
    const hmacWithPublicKey = await new SignJWT({ NAVident: 'Z990001' }).setProtectedHeader({ alg: 'HS256', kid: KID })
      .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    const unsigned = new UnsecuredJWT({ NAVident: 'Z990001' }).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').encode();
    const bad: Record<string, string> = {
      'wrong issuer': await sign({ iss: 'https://evil.invalid/v2.0' }),
      'wrong audience': await sign({ aud: 'api://some-other-app' }),
      expired: await sign({ iat: now() - 7200, exp: now() - 3600 }),
      'not yet valid': await sign({ nbf: now() + 3600 }),
      'no expiry': await sign({ exp: null }),
      'wrong key, same kid': await sign({}, { key: other.privateKey }),
      'unknown kid': await sign({}, { key: other.privateKey, kid: 'not-in-the-set' }),
      'ES256 key not in the set': await sign({}, { key: ec.privateKey, alg: 'ES256' }),
      'alg none': unsigned,
      'alg none, signature kept': `${unsigned.split('.').slice(0, 2).join('.')}.${(await sign()).split('.')[2]}`,
      'HS256 with the public key as secret': hmacWithPublicKey,
      'tampered payload': await (async () => {
        const [h, , s] = (await sign()).split('.');
        const p = Buffer.from(JSON.stringify({ NAVident: 'admin', iss: ISSUER, aud: AUDIENCE, exp: now() + 600 })).toString('base64url');
        return `${h}.${p}.${s}`;
      })(),
      'seeded dev user (dev users sign in only in dev mode)': await sign({ NAVident: 'admin' }),
      'unknown user': await sign({ NAVident: 'Z000404' }),
      'deactivated user': await sign({ NAVident: 'Z990002' }),
      garbage: 'eyJhbGciOiJSUzI1NiJ9.e30.',
    };
    for (const [what, token] of Object.entries(bad)) {
      const res = await me(token);
      expect(res.statusCode, what).toBe(401);
      expect(res.json(), what).toEqual(NO_DETAIL);
      expect(res.body, what).not.toMatch(/jwt|jws|claim|exp|iss|aud|signature|alg/i);
    }
    // The session cookie goes through the same check (the queue dashboard reads it too).
    const board = await app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie: `intake_session=${bad.expired}` } });
    expect(board.statusCode).toBe(401);
  });

  it('logs the channel from the client the token was issued to, never from a header', async () => {
    const read = async (token: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url: '/api/inbox/4450', headers: { authorization: `Bearer ${token}`, ...headers } });
    await read(await sign({ azp: WEB_CLIENT }));
    await read(await sign({ azp: 'some-script' }), { 'x-intake-client': 'web' });
    const { rows } = await ctx.db.query(`SELECT channel FROM access_log WHERE actor = 'Z990001' AND action = 'inbox:list' ORDER BY id DESC LIMIT 2`);
    expect(rows.map((r) => r.channel)).toEqual(['api', 'web']);
  });

  it('has no development login in oidc mode', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/auth/config' })).json()).toEqual({ mode: 'oidc', loginUrl: '/oauth2/login' });
    expect((await app.inject({ method: 'GET', url: '/api/auth/dev-users' })).statusCode).toBe(404);
    const login = await app.inject({ method: 'POST', url: '/api/auth/dev-login', payload: { userId: 'admin' } });
    expect(login.statusCode).toBe(404);
  });
});
