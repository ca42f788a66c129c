import type { Queryable } from '../repositories/queryable.ts';
import type { Gradering, PersonRegister, RegisterEntry } from './person-register.ts';

const toEntry = (r: Record<string, any>): RegisterEntry => ({
  ident: r.id, gradering: r.gradering as Gradering, gtKommune: r.municipality, gtBydel: r.district, gtLand: r.gt_land, skjermet: r.skjermet,
});

/** The standalone register: the `persons` table as loaded by `intake register import`. One query per batch of ids. */
export class TableRegister implements PersonRegister {
  readonly kind = 'table' as const;
  constructor(private readonly db: Queryable) {}

  async lookup(idents: readonly string[]): Promise<Map<string, RegisterEntry>> {
    if (idents.length === 0) return new Map();
    const { rows } = await this.db.query(
      'SELECT id, gradering, municipality, district, gt_land, skjermet FROM persons WHERE id = ANY($1::text[])',
      [[...idents]],
    );
    return new Map(rows.map((r) => [r.id as string, toEntry(r)]));
  }
}

/**
 * Keeps what another register (PDL) said about the persons we met in `persons`: documents and
 * cases refer to them, and access control reads their protection from there. Refreshed on every
 * look-up that reached the register.
 */
export async function saveSnapshot(db: Queryable, entries: RegisterEntry[], source: string): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO persons (id, gradering, address_protection, municipality, district, gt_land, abroad, skjermet, source, updated_at)
     SELECT e.ident, e.gradering,
            CASE WHEN e.gradering LIKE 'STRENGT_FORTROLIG%' THEN 'strengt-fortrolig' WHEN e.gradering = 'FORTROLIG' THEN 'fortrolig' ELSE 'none' END,
            e.gt_kommune, e.gt_bydel, e.gt_land, e.gt_land IS NOT NULL AND e.gt_kommune IS NULL, e.skjermet, $2, now()
     FROM jsonb_to_recordset($1::jsonb) AS e(ident text, gradering text, gt_kommune text, gt_bydel text, gt_land text, skjermet boolean)
     ON CONFLICT (id) DO UPDATE SET gradering = EXCLUDED.gradering, address_protection = EXCLUDED.address_protection,
       municipality = EXCLUDED.municipality, district = EXCLUDED.district, gt_land = EXCLUDED.gt_land, abroad = EXCLUDED.abroad,
       skjermet = EXCLUDED.skjermet, source = EXCLUDED.source, updated_at = now()`,
    [JSON.stringify(entries.map((e) => ({ ident: e.ident, gradering: e.gradering, gt_kommune: e.gtKommune, gt_bydel: e.gtBydel, gt_land: e.gtLand, skjermet: e.skjermet }))), source],
  );
}
