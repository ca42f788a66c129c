import type { Reference } from '../../pipeline/reference.ts';
import type { Queryable } from '../repositories/queryable.ts';
import { personRegister } from './person-register.ts';

/** Loads units, municipalities and the synthetic person register; safe to run on every start. */
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
  for (const p of personRegister()) {
    await q.query(
      `INSERT INTO persons (id, name, municipality, district, address_protection, skjermet, abroad, address)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
      [p.id, p.name, p.municipality, p.district, p.addressProtection, p.skjermet, p.abroad, p.address],
    );
  }
}
