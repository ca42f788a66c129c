import type { Queryable } from './queryable.ts';

export interface CaseRow {
  id: string;
  personId: string;
  tema: string;
  status: 'open' | 'closed';
  createdAt: Date;
}

const toRow = (r: Record<string, any>): CaseRow => ({ id: r.id, personId: r.person_id, tema: r.tema, status: r.status, createdAt: r.created_at });

/** The person's open case for the tema, opened now if there is none (one open case per person and tema). */
export async function findOrOpenCase(q: Queryable, personId: string, tema: string): Promise<{ case: CaseRow; opened: boolean }> {
  const inserted = await q.query(
    `INSERT INTO cases (person_id, tema) VALUES ($1, $2)
     ON CONFLICT (person_id, tema) WHERE status = 'open' DO NOTHING RETURNING *`,
    [personId, tema],
  );
  if (inserted.rows[0]) return { case: toRow(inserted.rows[0]), opened: true };
  const { rows } = await q.query(`SELECT * FROM cases WHERE person_id = $1 AND tema = $2 AND status = 'open'`, [personId, tema]);
  return { case: toRow(rows[0]), opened: false };
}

export async function getCase(q: Queryable, id: string): Promise<CaseRow | null> {
  const { rows } = await q.query('SELECT * FROM cases WHERE id = $1', [id]);
  return rows[0] ? toRow(rows[0]) : null;
}
