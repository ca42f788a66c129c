import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokens } from '../../api/auth/tokens.ts';
import { buildApi } from '../../api/server.ts';
import { parseLoepenummer } from '../../pipeline/foersteside/loepenummer.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { createContext, type Context } from '../../app/context.ts';
import { testConfig, closeTestContext } from '../helpers/services.ts';

let ctx: Context;
let app: FastifyInstance;
let tokens: Tokens;
const secret = randomBytes(32).toString('hex');

beforeAll(async () => {
  const config = testConfig({ AUTH_DEV_SECRET: secret });
  ctx = await createContext(config, 'foersteside-api-test');
  tokens = new Tokens(config);
  app = buildApi(ctx, { tokens });
  await app.ready();
}, 60_000);
afterAll(async () => {
  await app?.close();
  await closeTestContext(ctx);
});

const as = async (user: string) => ({ authorization: `Bearer ${(await tokens.signDev(user)).token}` });

describe('cover sheet API', () => {
  it('creates a cover sheet, returns its metadata and prints its PDF', async () => {
    const personId = personRegister()[2]!.id;
    const res = await app.inject({
      method: 'POST', url: '/api/foersteside', headers: await as('ops'),
      payload: { tema: 'DAG', formNumber: 'NAV 04-01.03', personId, attachments: ['Arbeidsavtale'], language: 'en' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(parseLoepenummer(body.loepenummer)).not.toBeNull();
    expect(body).toMatchObject({ tema: 'DAG', formNumber: 'NAV 04-01.03', personId, attachments: ['Arbeidsavtale'], language: 'en' });
    const meta = await app.inject({ method: 'GET', url: `/api/foersteside/${body.loepenummer}`, headers: await as('ops') });
    expect(meta.json()).toMatchObject({ loepenummer: body.loepenummer, tema: 'DAG' });
    const pdf = await app.inject({ method: 'GET', url: body.pdf, headers: await as('ops') });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });
  it('refuses bad orders, bad check digits, strangers and the wrong role', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/foersteside', headers: await as('ops'), payload: { tema: 'DAG', formNumber: 'NAV 11-13.05' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/foersteside/20260101000011', headers: await as('ops') })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/foersteside', payload: { tema: 'DAG' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/foersteside', headers: await as('status'), payload: { tema: 'DAG' } })).statusCode).toBe(403);
  });
});
