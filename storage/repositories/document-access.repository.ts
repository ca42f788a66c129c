import type { Queryable } from './queryable.ts';

/** What access decisions need to know about a document. */
export interface DocumentFacts {
  id: string;
  status: string;
  personId: string | null;
  protection: 'none' | 'fortrolig' | 'strengt-fortrolig';
  restricted: string | null;
  /** Units it is delivered to and not returned from. */
  activeUnits: string[];
  mergedInto: string | null;
}

export async function documentFacts(q: Queryable, ids: string[]): Promise<Map<string, DocumentFacts>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query(
    `SELECT d.id, d.status, d.person_id, d.merged_into, coalesce(p.address_protection, 'none') AS protection,
       (SELECT r.restricted FROM routing_decisions r WHERE r.document_id = d.id ORDER BY r.id DESC LIMIT 1) AS restricted,
       coalesce((SELECT array_agg(dl.unit_id ORDER BY dl.unit_id) FROM deliveries dl WHERE dl.document_id = d.id AND dl.returned_at IS NULL), '{}') AS active_units
     FROM documents d LEFT JOIN persons p ON p.id = d.person_id WHERE d.id = ANY($1)`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, {
    id: r.id, status: r.status, personId: r.person_id, protection: r.protection, restricted: r.restricted,
    activeUnits: r.active_units, mergedInto: r.merged_into,
  }]));
}

export async function documentIdsOfPerson(q: Queryable, personId: string): Promise<string[]> {
  const { rows } = await q.query('SELECT id FROM documents WHERE person_id = $1 AND merged_into IS NULL ORDER BY received_at, id', [personId]);
  return rows.map((r) => r.id);
}

export async function personExists(q: Queryable, personId: string): Promise<boolean> {
  const { rowCount } = await q.query('SELECT 1 FROM persons WHERE id = $1', [personId]);
  return rowCount === 1;
}
