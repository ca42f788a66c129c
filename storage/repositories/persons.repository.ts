import type { RoutingPerson } from '../../pipeline/route/route.ts';
import type { Queryable } from './queryable.ts';

export interface PersonRow extends RoutingPerson {
  id: string;
  name: string;
}

export async function getPerson(q: Queryable, id: string): Promise<PersonRow | null> {
  const { rows } = await q.query('SELECT * FROM persons WHERE id = $1', [id]);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id, name: r.name, municipality: r.municipality, district: r.district,
    addressProtection: r.address_protection, skjermet: r.skjermet, abroad: r.abroad,
  };
}
