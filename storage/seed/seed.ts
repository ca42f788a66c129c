import type { Reference } from '../../pipeline/reference.ts';
import type { Queryable } from '../repositories/queryable.ts';
import { personRegister } from './person-register.ts';

/** Loads units and municipalities; safe to run on every start. */
export async function seedReferenceData(q: Queryable, ref: Reference): Promise<void> {
  for (const u of ref.units) {
    await q.query(
      `INSERT INTO units (id, name, type, tema, counties, handles) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type, tema = EXCLUDED.tema,
         counties = EXCLUDED.counties, handles = EXCLUDED.handles`,
      [u.id, u.name, u.type, u.tema, u.counties, u.handles],
    );
  }
  for (const m of ref.municipalities) {
    await q.query(
      `INSERT INTO municipalities (number, name, nav_office) VALUES ($1, $2, $3)
       ON CONFLICT (number) DO UPDATE SET name = EXCLUDED.name, nav_office = EXCLUDED.nav_office`,
      [m.number, m.name, m.navOffice ?? null],
    );
    for (const d of m.districts ?? []) {
      await q.query(
        `INSERT INTO municipalities (number, name, parent, nav_office) VALUES ($1, $2, $3, $4)
         ON CONFLICT (number) DO UPDATE SET name = EXCLUDED.name, parent = EXCLUDED.parent, nav_office = EXCLUDED.nav_office`,
        [d.number, d.name, m.number, d.navOffice],
      );
    }
  }
}

/**
 * Development and tests only (SYNTHETIC_PERSONS=true): the 60 synthetic people of
 * storage/seed/person-register.ts in the register table, with their made-up names. A real
 * register comes from `intake register import FILE.csv`, or from PDL.
 */
export async function seedSyntheticPersons(q: Queryable): Promise<void> {
  for (const p of personRegister()) {
    const gradering = p.addressProtection === 'strengt-fortrolig' ? 'STRENGT_FORTROLIG' : p.addressProtection === 'fortrolig' ? 'FORTROLIG' : 'UGRADERT';
    await q.query(
      `INSERT INTO persons (id, name, municipality, district, address_protection, gradering, skjermet, abroad, gt_land, address, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'seed') ON CONFLICT (id) DO NOTHING`,
      [p.id, p.name, p.municipality, p.district, p.addressProtection, gradering, p.skjermet, p.abroad, p.abroad ? 'ESP' : null, p.address],
    );
  }
}
