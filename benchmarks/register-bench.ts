/**
 * Person register benchmark: a register file the size of Norway's population (5.5 M rows) loaded
 * with `intake register import` (COPY), the disk it takes, and look-up latency (p50/p99) for
 * single ids, batches of 20 (one document's candidates), and cache hits.
 *
 *   npm run bench:register [-- --rows 5500000 --lookups 5000]
 *
 * Uses a database of its own on DATABASE_URL's server, dropped afterwards. Writes
 * benchmarks/RESULTS-register.md.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import pg from 'pg';
import { createContext } from '../app/context.ts';
import { loadConfig, ROOT } from '../schemas/config.ts';
import { importRegister } from '../storage/person-register/import.ts';
import { CachedRegister } from '../storage/person-register/person-register.ts';
import { TableRegister } from '../storage/person-register/table-register.ts';
import { loadReference } from '../pipeline/reference.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROWS = arg('rows', 5_500_000);
const LOOKUPS = arg('lookups', 5_000);

// A small deterministic generator (mulberry32): the same file on every run.
let seed = 20261203;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const identOf = (i: number) => String(10_000_000_000 + i * 7919 % 89_999_999_999).padStart(11, '0');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const base = loadConfig();
  const url = new URL(base.DATABASE_URL);
  url.pathname = `/intake_bench_register_${process.pid}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'intake-register-bench-'));
  const file = path.join(dir, 'register.csv');
  const ref = loadReference();
  const places: Array<[string, string]> = [];
  for (const m of ref.municipalities) {
    if (m.districts?.length) for (const d of m.districts) places.push([m.number, d.number]);
    else places.push([m.number, '']);
  }

  console.log(`writing ${ROWS.toLocaleString('en')} rows …`);
  let t = Date.now();
  const out = createWriteStream(file);
  out.write('ident,gradering,gtKommune,gtBydel,gtLand,skjermet\n');
  const sample: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const r = rand();
    // Shares of the population roughly as published: kode 6 and 7 are rare, some live abroad.
    const gradering = r < 0.0003 ? 'STRENGT_FORTROLIG' : r < 0.0004 ? 'STRENGT_FORTROLIG_UTLAND' : r < 0.0014 ? 'FORTROLIG' : 'UGRADERT';
    const abroad = rand() < 0.02;
    const [k, b] = places[Math.floor(rand() * places.length)]!;
    const ident = identOf(i);
    if (i % Math.max(1, Math.floor(ROWS / 20_000)) === 0) sample.push(ident);
    const line = `${ident},${gradering},${abroad ? '' : k},${abroad ? '' : b},${abroad ? 'SWE' : ''},${rand() < 0.005 ? 'true' : 'false'}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const fileBytes = (await stat(file)).size;
  console.log(`  ${mb(fileBytes)} in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const ctx = await createContext({ ...base, DATABASE_URL: url.toString(), SYNTHETIC_PERSONS: false }, 'register-bench');
  try {
    console.log('importing …');
    const report = await importRegister(ctx.db, file, {
      actor: 'bench', name: 'register.csv',
      onProgress: (p) => process.stderr.write(`  ${p.phase} ${mb(p.bytes)} / ${mb(p.totalBytes)}\n`),
    });
    console.log(`  ${report.rows} rows, ${report.inserted} inserted, in ${(report.ms / 1000).toFixed(1)} s`);
    await ctx.db.query('VACUUM ANALYZE persons');
    const { rows: size } = await ctx.db.query(`SELECT pg_relation_size('persons') AS heap, pg_indexes_size('persons') AS idx, pg_total_relation_size('persons') AS total, pg_database_size(current_database()) AS db`);
    const s = size[0];

    // Look-ups: random known ids (and some unknown), one at a time, in document-sized batches, and cached.
    const table = new TableRegister(ctx.db);
    const pick = () => (rand() < 0.9 ? sample[Math.floor(rand() * sample.length)]! : identOf(ROWS + Math.floor(rand() * 1e6)));
    const single: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      t = performance.now();
      await table.lookup([pick()]);
      single.push(performance.now() - t);
    }
    const batch: number[] = [];
    for (let i = 0; i < LOOKUPS / 5; i++) {
      const ids = Array.from({ length: 20 }, pick);
      t = performance.now();
      await table.lookup(ids);
      batch.push(performance.now() - t);
    }
    const cached = new CachedRegister(table, 300_000, 50_000);
    const hot = sample.slice(0, 500);
    await cached.lookup(hot);
    const hits: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      t = performance.now();
      await cached.lookup([hot[i % hot.length]!]);
      hits.push(performance.now() - t);
    }
    const row = (name: string, xs: number[]) => `| ${name} | ${xs.length} | ${pct(xs, 50).toFixed(2)} | ${pct(xs, 99).toFixed(2)} | ${Math.max(...xs).toFixed(2)} |`;
    const md = `# Person register benchmark

\`npm run bench:register -- --rows ${ROWS} --lookups ${LOOKUPS}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version},
PostgreSQL ${(await ctx.db.query('SHOW server_version')).rows[0].server_version} shared with other engineers' work (timings are noisy; the machine was not idle).
Generated ${new Date().toISOString().slice(0, 10)}.

## Import (\`intake register import\`: COPY into a temporary table, checks in SQL, one INSERT … ON CONFLICT into \`persons\`)

| rows | file | import time | rows/s | table (heap) | primary key index | table total | database |
| --- | --- | --- | --- | --- | --- | --- | --- |
| ${report.rows.toLocaleString('en')} | ${mb(fileBytes)} | ${(report.ms / 1000).toFixed(1)} s | ${Math.round(report.rows / (report.ms / 1000)).toLocaleString('en')} | ${mb(Number(s.heap))} | ${mb(Number(s.idx))} | ${mb(Number(s.total))} | ${mb(Number(s.db))} |

## Look-ups (ms, from this process over loopback; 10 % of ids unknown)

| kind | n | p50 | p99 | max |
| --- | --- | --- | --- | --- |
${row('one id per query (TableRegister)', single)}
${row('20 ids per query (one document\'s candidates)', batch)}
${row('cache hit (CachedRegister)', hits)}
`;
    await writeFile(path.join(ROOT, 'benchmarks', 'RESULTS-register.md'), md);
    console.log(md);
  } finally {
    await ctx.close();
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await c.end();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
