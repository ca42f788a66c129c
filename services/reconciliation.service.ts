import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { compareReferences, dayOfFileName, expectedDelivery, fileNamePrefix, osloToday, parseAvstemmingsfil } from '../pipeline/ingest/avstemming.ts';
import type { Context } from '../app/context.ts';

type Ctx = Pick<Context, 'db' | 'store' | 'log'> & { config: Pick<Context['config'], 'AVSTEMMING_DIR'> };

export interface Reconciliation {
  id: number;
  day: string;
  fileName: string | null;
  status: 'ok' | 'missing' | 'no-file' | 'not-expected';
  expected: number;
  filed: number;
  setAside: number;
  missing: string[];
  setAsideRefs: string[];
  note: string | null;
  runBy: string;
  createdAt: string;
}

const toRow = (r: Record<string, any>): Reconciliation => ({
  id: Number(r.id), day: r.day instanceof Date ? r.day.toISOString().slice(0, 10) : String(r.day), fileName: r.file_name, status: r.status,
  expected: r.expected, filed: r.filed, setAside: r.set_aside, missing: r.missing, setAsideRefs: r.set_aside_refs, note: r.note,
  runBy: r.run_by, createdAt: r.created_at.toISOString(),
});

/**
 * Reconciles one delivery day (avstemming, as NAV's AvstemRoute): the vendor's file of delivered
 * references against the pairs we filed or set aside; what is in neither is reported missing. With
 * no file given, the file for the expected day is looked for in AVSTEMMING_DIR; none after a
 * public holiday or weekend is expected, none after a working day is itself reported.
 */
export async function runReconciliation(ctx: Ctx, opts: { file?: { name: string; data: Buffer }; today?: string; actor: string }): Promise<Reconciliation> {
  let file = opts.file ?? null;
  const expectation = expectedDelivery(opts.today ?? osloToday());
  let day = file ? dayOfFileName(file.name) ?? expectation.day : expectation.day;
  if (!file && ctx.config.AVSTEMMING_DIR) {
    const names = (await readdir(ctx.config.AVSTEMMING_DIR).catch(() => [] as string[])).filter((n) => n.startsWith(fileNamePrefix(day)) && /\.txt$/i.test(n)).sort();
    if (names.length) {
      const chosen = names[names.length - 1]!;
      file = { name: chosen, data: await readFile(path.join(ctx.config.AVSTEMMING_DIR, chosen)) };
    }
  }
  const save = async (r: { status: Reconciliation['status']; expected?: number; filed?: number; setAside?: string[]; missing?: string[]; note?: string; key?: string | null }) => {
    const { rows } = await ctx.db.query(
      `INSERT INTO reconciliations (day, file_name, status, expected, filed, set_aside, missing, set_aside_refs, object_key, note, run_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [day, file?.name ?? null, r.status, r.expected ?? 0, r.filed ?? 0, r.setAside?.length ?? 0, r.missing ?? [], r.setAside ?? [], r.key ?? null, r.note ?? null, opts.actor],
    );
    const out = toRow(rows[0]);
    ctx.log.info({ day, status: out.status, expected: out.expected, missing: out.missing.length }, 'reconciliation');
    return out;
  };
  if (!file) {
    return expectation.expected
      ? save({ status: 'no-file', note: `fant ingen avstemmingsfil for ${fileNamePrefix(day)}; undersøk og kontakt eventuelt leverandøren` })
      : save({ status: 'not-expected', note: `ingen fil forventet: ${expectation.why}` });
  }
  day = dayOfFileName(file.name) ?? day;
  const key = `avstemming/${createHash('sha256').update(file.data).digest('hex')}`;
  await ctx.store.put(key, file.data, 'text/plain');
  const refs = parseAvstemmingsfil(file.data.toString('utf8'));
  const filed = new Set((await ctx.db.query('SELECT external_ref FROM documents WHERE external_ref = ANY($1::text[])', [refs])).rows.map((r) => r.external_ref as string));
  const aside = new Set((await ctx.db.query('SELECT DISTINCT external_ref FROM set_aside WHERE external_ref = ANY($1::text[])', [refs])).rows.map((r) => r.external_ref as string));
  const c = compareReferences(refs, filed, aside);
  return save({ status: c.missing.length ? 'missing' : 'ok', expected: c.expected, filed: c.filed.length, setAside: c.setAside, missing: c.missing, key });
}

export async function listReconciliations(ctx: Pick<Context, 'db'>, limit = 30): Promise<Reconciliation[]> {
  const { rows } = await ctx.db.query('SELECT * FROM reconciliations ORDER BY day DESC, id DESC LIMIT $1', [limit]);
  return rows.map(toRow);
}

export function formatReconciliation(r: Reconciliation): string {
  const head = `avstemming ${r.day}${r.fileName ? ` (${r.fileName})` : ''}: `;
  switch (r.status) {
    case 'not-expected': case 'no-file': return head + (r.note ?? r.status);
    default: return `${head}${r.expected} referanse(r) levert, ${r.filed} journalført, ${r.setAside} lagt til side, ${r.missing.length} mangler${r.missing.length ? `:\n${r.missing.map((m) => `  ${m}`).join('\n')}` : ''}`;
  }
}
