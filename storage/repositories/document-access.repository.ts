import type { Queryable } from './queryable.ts';

/**
 * A document is strictly confidential when its person, or the person its vendor metadata names
 * (before or without identification), has a strictly confidential address, or when its latest
 * routing decision restricted it so. For the document aliased `d`.
 */
export const STRICTLY_CONFIDENTIAL_SQL = (d: string) => `(EXISTS (SELECT 1 FROM persons sfp WHERE sfp.address_protection = 'strengt-fortrolig'
    AND (sfp.id = ${d}.person_id OR sfp.id = ${d}.vendor_metadata->'journalpost'->'bruker'->>'brukerId'))
  OR coalesce((SELECT sfr.restricted FROM routing_decisions sfr WHERE sfr.document_id = ${d}.id ORDER BY sfr.id DESC LIMIT 1), '') = 'strengt-fortrolig')`;

/** Which of these documents are strictly confidential. */
export async function strictlyConfidentialIds(q: Queryable, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await q.query(`SELECT d.id FROM documents d WHERE d.id = ANY($1) AND ${STRICTLY_CONFIDENTIAL_SQL('d')}`, [ids]);
  return new Set(rows.map((r) => r.id));
}

/** Persons among these with a strictly confidential address. */
export async function strictlyConfidentialPersons(q: Queryable, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await q.query(`SELECT id FROM persons WHERE id = ANY($1) AND address_protection = 'strengt-fortrolig'`, [ids]);
  return new Set(rows.map((r) => r.id));
}

/** What access decisions need to know about a document. */
export interface DocumentFacts {
  id: string;
  status: string;
  personId: string | null;
  /** The stricter of the identified person's and the vendor metadata's person's. */
  protection: 'none' | 'fortrolig' | 'strengt-fortrolig';
  skjermet: boolean;
  restricted: string | null;
  /** Units it is delivered to and not returned from. */
  activeUnits: string[];
  mergedInto: string | null;
}

export async function documentFacts(q: Queryable, ids: string[]): Promise<Map<string, DocumentFacts>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query(
    `SELECT d.id, d.status, d.person_id, d.merged_into,
       CASE WHEN 'strengt-fortrolig' IN (p.address_protection, vp.address_protection) THEN 'strengt-fortrolig'
            WHEN 'fortrolig' IN (p.address_protection, vp.address_protection) THEN 'fortrolig' ELSE 'none' END AS protection,
       coalesce(p.skjermet, false) OR coalesce(vp.skjermet, false) AS skjermet,
       (SELECT r.restricted FROM routing_decisions r WHERE r.document_id = d.id ORDER BY r.id DESC LIMIT 1) AS restricted,
       coalesce((SELECT array_agg(dl.unit_id ORDER BY dl.unit_id) FROM deliveries dl JOIN units u ON u.id = dl.unit_id
         WHERE dl.document_id = d.id AND dl.returned_at IS NULL AND u.type <> 'manual'), '{}') AS active_units
     FROM documents d LEFT JOIN persons p ON p.id = d.person_id
       LEFT JOIN persons vp ON vp.id = d.vendor_metadata->'journalpost'->'bruker'->>'brukerId'
     WHERE d.id = ANY($1)`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, {
    id: r.id, status: r.status, personId: r.person_id, protection: r.protection, skjermet: r.skjermet, restricted: r.restricted,
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

/**
 * A document sent to a person before it was identified keeps the person its vendor metadata
 * names (when the register knows them), so its protection goes with it to the right manual queue.
 */
export async function keepVendorPerson(q: Queryable, documentId: string): Promise<void> {
  await q.query(
    `UPDATE documents d SET person_id = p.id FROM persons p
     WHERE d.id = $1 AND d.person_id IS NULL AND p.id = d.vendor_metadata->'journalpost'->'bruker'->>'brukerId'`,
    [documentId],
  );
}
