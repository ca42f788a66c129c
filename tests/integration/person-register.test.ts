import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../app/context.ts';
import { FileRegister, parseRegisterCsv } from '../../storage/person-register/file-register.ts';
import { importRegister, RegisterImportError } from '../../storage/person-register/import.ts';
import { PdlRegister, PersonRegisterUnavailableError } from '../../storage/person-register/pdl-register.ts';
import { CachedRegister, toRoutingPerson, type RegisterEntry } from '../../storage/person-register/person-register.ts';
import { TableRegister } from '../../storage/person-register/table-register.ts';
import { syntheticRegisterCsv } from '../../storage/seed/person-register.ts';
import { closeTestContext, testConfig } from '../helpers/services.ts';

let ctx: Context;
let dir: string;
const csv = async (name: string, text: string) => {
  const f = path.join(dir, name);
  await writeFile(f, text);
  return f;
};
const HEADER = 'ident,gradering,gtKommune,gtBydel,gtLand,skjermet';

beforeAll(async () => {
  ctx = await createContext(testConfig({ SYNTHETIC_PERSONS: 'false' }), 'person-register-test');
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-register-'));
});
afterAll(async () => {
  await closeTestContext(ctx);
  await rm(dir, { recursive: true, force: true });
});

describe('the register table, loaded from a register file', () => {
  it('imports every row with COPY, then again changes nothing, then only what changed', async () => {
    const file = await csv('synthetic.csv', syntheticRegisterCsv());
    const first = await importRegister(ctx.db, file, { actor: 'test' });
    expect(first).toMatchObject({ rows: 60, inserted: 60, updated: 0 });
    expect((await importRegister(ctx.db, file, { actor: 'test' }))).toMatchObject({ rows: 60, inserted: 0, updated: 0 });
    const lines = syntheticRegisterCsv().trim().split('\n');
    const changed = lines[1]!.replace(/,(true|false)$/, (_m, v) => `,${v === 'true' ? 'false' : 'true'}`);
    const second = await importRegister(ctx.db, await csv('changed.csv', [lines[0], changed, ...lines.slice(2), ''].join('\n')), { actor: 'test' });
    expect(second).toMatchObject({ rows: 60, inserted: 0, updated: 1 });
    const { rows } = await ctx.db.query('SELECT count(*)::int AS n FROM register_imports');
    expect(rows[0].n).toBe(3);
  });

  it('refuses a file with bad rows as a whole, naming the lines but never an ident', async () => {
    const bad = [HEADER, '12345678901,UGRADERT,0301,030101,,false', '1234,UGRADERT,0301,,,false', '12345678902,KODE6,0301,,,false', '12345678903,FORTROLIG,0301,,,ja', ''].join('\n');
    const before = (await ctx.db.query('SELECT count(*)::int AS n FROM persons')).rows[0].n;
    const err = await importRegister(ctx.db, await csv('bad.csv', bad), { actor: 'test' }).catch((e) => e);
    expect(err).toBeInstanceOf(RegisterImportError);
    expect(err.message).toMatch(/ident er ikke 11 siffer \(linje 3\)/);
    expect(err.message).toMatch(/gradering er ikke .* \(linje 4\)/);
    expect(err.message).toMatch(/skjermet er ikke true eller false \(linje 5\)/);
    expect(err.message).not.toMatch(/1234567890/);
    expect((await ctx.db.query('SELECT count(*)::int AS n FROM persons')).rows[0].n).toBe(before);
    await expect(importRegister(ctx.db, await csv('header.csv', 'fnr,kode\n1,2\n'), { actor: 'test' })).rejects.toThrow(/første linje må være «ident,gradering/);
    await expect(importRegister(ctx.db, await csv('dup.csv', [HEADER, '12345678901,,,,,false', '12345678901,,,,,true', ''].join('\n')), { actor: 'test' })).rejects.toThrow(/samme ident på flere linjer/);
  });

  it('looks persons up in one query per batch, cached', async () => {
    const entries = parseRegisterCsv(syntheticRegisterCsv());
    const table = new TableRegister(ctx.db);
    let queries = 0;
    const counting = { kind: 'table' as const, lookup: (ids: readonly string[]) => { queries++; return table.lookup(ids); } };
    const cached = new CachedRegister(counting, 60_000, 1000);
    const ids = [...entries.slice(0, 10).map((e) => e.ident), '01010199999'];
    const got = await cached.lookup(ids);
    expect(got.size).toBe(10);
    expect(got.get(entries[1]!.ident)).toEqual(entries[1]); // (the first was changed above)
    await cached.lookup(ids);
    await Promise.all([cached.lookup([entries[11]!.ident]), cached.lookup([entries[11]!.ident])]);
    expect(queries).toBe(2); // the unknown id is remembered too; concurrent callers share one call
    expect(cached.hits).toBeGreaterThan(0);
  });
});

describe('routing facts from the register', () => {
  const e = (over: Partial<RegisterEntry>): RegisterEntry => ({ ident: '1', gradering: 'UGRADERT', gtKommune: '0301', gtBydel: '030102', gtLand: null, skjermet: false, ...over });
  it.each([
    ['STRENGT_FORTROLIG', 'strengt-fortrolig'], ['STRENGT_FORTROLIG_UTLAND', 'strengt-fortrolig'], ['FORTROLIG', 'fortrolig'], ['UGRADERT', 'none'],
  ] as const)('%s is %s', (g, want) => {
    expect(toRoutingPerson(e({ gradering: g })).addressProtection).toBe(want);
  });
  it('abroad, municipality, district and skjermet as the register says', () => {
    expect(toRoutingPerson(e({ gtKommune: null, gtBydel: null, gtLand: 'ESP', skjermet: true }))).toEqual({ addressProtection: 'none', skjermet: true, abroad: true, municipality: null, district: null });
    expect(toRoutingPerson(e({}))).toMatchObject({ abroad: false, municipality: '0301', district: '030102' });
  });
});

describe("NAV's person API (PDL) and the register of shielded employees, against a stub speaking their shapes", () => {
  let server: http.Server;
  let url: string;
  const calls: Array<{ path: string; body: any; auth?: string }> = [];
  let failing = false;
  const people: Record<string, { gradering: string[]; gt: { gtType: string; gtKommune: string | null; gtBydel: string | null; gtLand: string | null }; skjermet: boolean }> = {
    '11111111111': { gradering: ['STRENGT_FORTROLIG'], gt: { gtType: 'BYDEL', gtKommune: '0301', gtBydel: '030105', gtLand: null }, skjermet: false },
    '22222222222': { gradering: [], gt: { gtType: 'KOMMUNE', gtKommune: '4601', gtBydel: null, gtLand: null }, skjermet: true },
    '33333333333': { gradering: ['FORTROLIG', 'UGRADERT'], gt: { gtType: 'UTLAND', gtKommune: null, gtBydel: null, gtLand: 'SWE' }, skjermet: false },
  };
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw);
        calls.push({ path: req.url!, body, auth: req.headers.authorization });
        if (failing) {
          res.writeHead(503).end();
          return;
        }
        res.setHeader('content-type', 'application/json');
        if (req.url === '/graphql') {
          const ids: string[] = body.variables.identer;
          res.end(JSON.stringify({
            data: {
              hentPersonBolk: ids.map((id) => people[id]
                ? { ident: id, code: 'ok', person: { adressebeskyttelse: people[id]!.gradering.map((g) => ({ gradering: g })) } }
                : { ident: id, code: 'not_found', person: null }),
              hentGeografiskTilknytningBolk: ids.map((id) => people[id]
                ? { ident: id, code: 'ok', geografiskTilknytning: people[id]!.gt }
                : { ident: id, code: 'not_found', geografiskTilknytning: null }),
            },
          }));
        } else if (req.url === '/skjermetBulk') {
          res.end(JSON.stringify(Object.fromEntries((body.personidenter as string[]).map((id) => [id, people[id]?.skjermet ?? false]))));
        } else res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('answers in one call to each service, maps PDL\'s names, and keeps a snapshot for cases and access control', async () => {
    const pdl = new PdlRegister({ pdlUrl: `${url}/graphql`, skjermingUrl: url, token: () => 'token-1', timeoutMs: 2000 }, ctx.db);
    const got = await pdl.lookup(['11111111111', '22222222222', '33333333333', '44444444444']);
    expect(calls.map((c) => c.path).sort()).toEqual(['/graphql', '/skjermetBulk']);
    expect(calls[0]!.auth).toBe('Bearer token-1');
    expect(calls.find((c) => c.path === '/graphql')!.body.query).toMatch(/hentPersonBolk[\s\S]*adressebeskyttelse \{ gradering \}[\s\S]*hentGeografiskTilknytningBolk[\s\S]*gtType gtKommune gtBydel gtLand/);
    expect(got.get('11111111111')).toEqual({ ident: '11111111111', gradering: 'STRENGT_FORTROLIG', gtKommune: '0301', gtBydel: '030105', gtLand: null, skjermet: false });
    expect(got.get('22222222222')).toMatchObject({ gradering: 'UGRADERT', gtKommune: '4601', skjermet: true });
    expect(got.get('33333333333')).toMatchObject({ gradering: 'FORTROLIG', gtLand: 'SWE' });
    expect(toRoutingPerson(got.get('33333333333')!).abroad).toBe(true);
    expect(got.has('44444444444')).toBe(false);
    const { rows } = await ctx.db.query(`SELECT id, address_protection, skjermet, source FROM persons WHERE id IN ('11111111111', '22222222222') ORDER BY id`);
    expect(rows).toEqual([
      { id: '11111111111', address_protection: 'strengt-fortrolig', skjermet: false, source: 'pdl' },
      { id: '22222222222', address_protection: 'none', skjermet: true, source: 'pdl' },
    ]);
  });

  it('an outage is a technical error (retried), never "not in the register"', async () => {
    failing = true;
    try {
      const pdl = new PdlRegister({ pdlUrl: `${url}/graphql`, skjermingUrl: url, timeoutMs: 2000 });
      await expect(pdl.lookup(['11111111111'])).rejects.toBeInstanceOf(PersonRegisterUnavailableError);
    } finally {
      failing = false;
    }
  });

  it('the context uses PDL when PERSON_REGISTER=pdl', async () => {
    const pdlCtx = await createContext(testConfig({ PERSON_REGISTER: 'pdl', PDL_URL: `${url}/graphql`, SKJERMING_URL: url, SYNTHETIC_PERSONS: 'false' }), 'pdl-ctx');
    try {
      expect(pdlCtx.persons.kind).toBe('pdl');
      expect((await pdlCtx.persons.lookup(['22222222222'])).get('22222222222')?.skjermet).toBe(true);
    } finally {
      await closeTestContext(pdlCtx);
    }
  });
});

describe('the register file in memory (intake classify --register)', () => {
  it('reads the same format and refuses bad lines with their number', async () => {
    const r = await FileRegister.load(await csv('mem.csv', syntheticRegisterCsv()));
    expect(r.size).toBe(60);
    await expect(FileRegister.load(await csv('mem-bad.csv', `${HEADER}\n12345678901,UGRADERT,301,,,false\n`))).rejects.toThrow(/linje 2: gtKommune/);
  });
});
