import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../db/pool.ts';

/** The register file's header, in this order: the values as PDL names them, skjermet true/false. */
export const REGISTER_HEADER = 'ident,gradering,gtKommune,gtBydel,gtLand,skjermet';

export class RegisterImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegisterImportError';
  }
}

export interface ImportReport {
  rows: number;
  inserted: number;
  updated: number;
  ms: number;
  sha256: string;
}

export type ImportProgress = (p: { phase: 'copy' | 'check' | 'merge'; bytes: number; totalBytes: number }) => void;

// Problems found in the staged rows; messages name the line, never the ident (personal data).
const CHECKS: Array<[string, string]> = [
  [`ident IS NULL OR ident !~ '^[0-9]{11}$'`, 'ident er ikke 11 siffer'],
  [`coalesce(gradering, '') NOT IN ('', 'STRENGT_FORTROLIG', 'STRENGT_FORTROLIG_UTLAND', 'FORTROLIG', 'UGRADERT')`, 'gradering er ikke STRENGT_FORTROLIG, STRENGT_FORTROLIG_UTLAND, FORTROLIG eller UGRADERT'],
  [`gt_kommune IS NOT NULL AND gt_kommune !~ '^[0-9]{4}$'`, 'gtKommune er ikke et kommunenummer på fire siffer'],
  [`gt_bydel IS NOT NULL AND gt_bydel !~ '^[0-9]{6}$'`, 'gtBydel er ikke et bydelsnummer på seks siffer'],
  [`gt_land IS NOT NULL AND gt_land !~ '^[A-Z]{2,3}$'`, 'gtLand er ikke en landkode (ISO 3166)'],
  [`coalesce(skjermet, '') NOT IN ('true', 'false')`, 'skjermet er ikke true eller false'],
];

/** Counts bytes as they pass, for progress and the file's hash. */
function meter(onBytes: (n: number, chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onBytes(chunk.length, chunk);
      cb(null, chunk);
    },
  });
}

async function checkHeader(file: string): Promise<void> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const first = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
    if (first.trim() !== REGISTER_HEADER) {
      throw new RegisterImportError(`første linje må være «${REGISTER_HEADER}», men er «${first.slice(0, 80)}»`);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Loads a register file into `persons` in one transaction: COPY into a temporary table (no WAL,
 * no index), every row checked in SQL, then merged (new ids inserted, changed ones updated).
 * A file with any bad row changes nothing and says which lines are wrong. Persons already in the
 * table but absent from the file are kept (documents and cases may refer to them).
 */
export async function importRegister(db: Db, file: string, opts: { actor: string; name?: string; onProgress?: ImportProgress; source?: Readable }): Promise<ImportReport> {
  const started = Date.now();
  await checkHeader(file);
  const totalBytes = (await stat(file)).size;
  const hash = createHash('sha256');
  let bytes = 0;
  let lastReport = 0;
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query(`CREATE TEMP TABLE person_import (
      line bigserial, ident text, gradering text, gt_kommune text, gt_bydel text, gt_land text, skjermet text) ON COMMIT DROP`);
    const copy = client.query(copyFrom(`COPY person_import (ident, gradering, gt_kommune, gt_bydel, gt_land, skjermet) FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')`));
    await pipeline(
      opts.source ?? createReadStream(file, { highWaterMark: 1 << 20 }),
      meter((n, chunk) => {
        bytes += n;
        hash.update(chunk);
        if (opts.onProgress && Date.now() - lastReport > 1000) {
          lastReport = Date.now();
          opts.onProgress({ phase: 'copy', bytes, totalBytes });
        }
      }),
      copy,
    ).catch((err: Error) => {
      // COPY's own errors name the line (e.g. "extra data after last expected column").
      throw new RegisterImportError(`filen kan ikke leses som CSV: ${err.message.replace(/\n.*$/s, '')}`);
    });
    opts.onProgress?.({ phase: 'check', bytes, totalBytes });
    const problems: string[] = [];
    for (const [where, what] of CHECKS) {
      const { rows } = await client.query(`SELECT line + 1 AS line FROM person_import WHERE ${where} ORDER BY line LIMIT 3`);
      if (rows.length) problems.push(`${what} (linje ${rows.map((r) => r.line).join(', ')}${rows.length === 3 ? ', …' : ''})`);
    }
    const dup = await client.query(`SELECT min(line) + 1 AS line FROM person_import GROUP BY ident HAVING count(*) > 1 LIMIT 3`);
    if (dup.rows.length) problems.push(`samme ident på flere linjer (linje ${dup.rows.map((r) => r.line).join(', ')})`);
    if (problems.length) throw new RegisterImportError(`registerfilen ble ikke lest inn: ${problems.join('; ')}`);

    opts.onProgress?.({ phase: 'merge', bytes, totalBytes });
    const { rows } = await client.query(`
      WITH up AS (
        INSERT INTO persons (id, gradering, address_protection, municipality, district, gt_land, abroad, skjermet, source, updated_at)
        SELECT ident, coalesce(nullif(gradering, ''), 'UGRADERT'),
               CASE WHEN gradering LIKE 'STRENGT_FORTROLIG%' THEN 'strengt-fortrolig' WHEN gradering = 'FORTROLIG' THEN 'fortrolig' ELSE 'none' END,
               gt_kommune, gt_bydel, gt_land, gt_land IS NOT NULL AND gt_kommune IS NULL, skjermet = 'true', 'import', now()
        FROM person_import
        ON CONFLICT (id) DO UPDATE SET gradering = EXCLUDED.gradering, address_protection = EXCLUDED.address_protection,
          municipality = EXCLUDED.municipality, district = EXCLUDED.district, gt_land = EXCLUDED.gt_land, abroad = EXCLUDED.abroad,
          skjermet = EXCLUDED.skjermet, source = EXCLUDED.source, updated_at = now()
        WHERE (persons.gradering, persons.municipality, persons.district, persons.gt_land, persons.skjermet)
          IS DISTINCT FROM (EXCLUDED.gradering, EXCLUDED.municipality, EXCLUDED.district, EXCLUDED.gt_land, EXCLUDED.skjermet)
        RETURNING (xmax = 0) AS inserted
      )
      SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated,
             (SELECT count(*) FROM person_import) AS rows
      FROM up`);
    const report: ImportReport = {
      rows: Number(rows[0].rows), inserted: Number(rows[0].inserted), updated: Number(rows[0].updated),
      ms: Date.now() - started, sha256: hash.digest('hex'),
    };
    await client.query(
      'INSERT INTO register_imports (file_name, sha256, rows, inserted, updated, ms, imported_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [opts.name ?? file, report.sha256, report.rows, report.inserted, report.updated, report.ms, opts.actor],
    );
    await client.query('COMMIT');
    report.ms = Date.now() - started;
    return report;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
