import type { Queryable } from './queryable.ts';

export type Role = 'operator' | 'caseworker' | 'status-reader' | 'admin';
export const ROLES: readonly Role[] = ['operator', 'caseworker', 'status-reader', 'admin'];

export interface UserRow {
  id: string;
  name: string;
  role: Role;
  source: 'dev' | 'oidc';
  active: boolean;
  units: string[];
}

const SELECT = `SELECT u.id, u.name, u.role, u.source, u.active,
  coalesce(array_agg(m.unit_id ORDER BY m.unit_id) FILTER (WHERE m.unit_id IS NOT NULL), '{}') AS units
  FROM users u LEFT JOIN unit_memberships m ON m.user_id = u.id`;

const toRow = (r: Record<string, any>): UserRow => ({ id: r.id, name: r.name, role: r.role, source: r.source, active: r.active, units: r.units });

export async function getUser(q: Queryable, id: string): Promise<UserRow | null> {
  const { rows } = await q.query(`${SELECT} WHERE u.id = $1 GROUP BY u.id`, [id]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function listUsers(q: Queryable, opts: { source?: 'dev' | 'oidc'; limit: number; offset: number }): Promise<{ rows: UserRow[]; total: number }> {
  const where = '($1::text IS NULL OR u.source = $1)';
  const { rows } = await q.query(`${SELECT} WHERE ${where} GROUP BY u.id ORDER BY u.id LIMIT $2 OFFSET $3`, [opts.source ?? null, opts.limit, opts.offset]);
  const count = await q.query(`SELECT count(*)::int AS n FROM users u WHERE ${where}`, [opts.source ?? null]);
  return { rows: rows.map(toRow), total: count.rows[0].n };
}

export async function upsertUser(q: Queryable, u: Omit<UserRow, 'source'> & { source?: 'dev' | 'oidc' }): Promise<void> {
  await q.query(
    `INSERT INTO users (id, name, role, source, active) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, active = EXCLUDED.active, updated_at = now()`,
    [u.id, u.name, u.role, u.source ?? 'oidc', u.active],
  );
  await q.query('DELETE FROM unit_memberships WHERE user_id = $1', [u.id]);
  for (const unit of u.units) await q.query('INSERT INTO unit_memberships (user_id, unit_id) VALUES ($1, $2)', [u.id, unit]);
}
