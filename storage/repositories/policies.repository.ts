import type { Queryable } from './queryable.ts';

export interface PolicyVersionRow {
  version: number;
  policyId: string;
  title: string;
  sha256: string;
  origin: string;
  loadedBy: string;
  loadedAt: Date;
  rules: number;
}

export interface ActivationRow {
  id: number;
  version: number | null;
  policyId: string | null;
  activatedBy: string;
  activatedAt: Date;
}

const COLUMNS = `version, policy_id, title, sha256, origin, loaded_by, loaded_at, jsonb_array_length(document->'rules') AS rules`;

const toVersion = (r: Record<string, any>): PolicyVersionRow => ({
  version: Number(r.version), policyId: r.policy_id, title: r.title, sha256: r.sha256, origin: r.origin, loadedBy: r.loaded_by, loadedAt: r.loaded_at, rules: r.rules,
});

/** Stores a validated policy document; the same document (by hash) is stored once. */
export async function savePolicyVersion(q: Queryable, p: { policyId: string; title: string; document: unknown; sha256: string; origin: string; loadedBy: string }): Promise<{ row: PolicyVersionRow; created: boolean }> {
  const inserted = await q.query(
    `INSERT INTO routing_policies (policy_id, title, document, sha256, origin, loaded_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (sha256) DO NOTHING RETURNING ${COLUMNS}`,
    [p.policyId, p.title, JSON.stringify(p.document), p.sha256, p.origin, p.loadedBy],
  );
  if (inserted.rows[0]) return { row: toVersion(inserted.rows[0]), created: true };
  const { rows } = await q.query(`SELECT ${COLUMNS} FROM routing_policies WHERE sha256 = $1`, [p.sha256]);
  return { row: toVersion(rows[0]), created: false };
}

export async function getPolicyVersion(q: Queryable, version: number): Promise<(PolicyVersionRow & { document: unknown }) | null> {
  const { rows } = await q.query(`SELECT ${COLUMNS}, document FROM routing_policies WHERE version = $1`, [version]);
  return rows[0] ? { ...toVersion(rows[0]), document: rows[0].document } : null;
}

export async function listPolicyVersions(q: Queryable, page: { limit: number; offset: number }): Promise<{ rows: PolicyVersionRow[]; total: number }> {
  const { rows } = await q.query(
    `SELECT ${COLUMNS} FROM routing_policies ORDER BY version DESC LIMIT $1 OFFSET $2`,
    [page.limit, page.offset],
  );
  const count = await q.query('SELECT count(*)::int AS n FROM routing_policies');
  return { rows: rows.map(toVersion), total: count.rows[0].n };
}

export async function addActivation(q: Queryable, version: number | null, by: string): Promise<void> {
  await q.query('INSERT INTO routing_policy_activations (version, activated_by) VALUES ($1, $2)', [version, by]);
}

const ACTIVATION = `SELECT a.id, a.version, p.policy_id, a.activated_by, a.activated_at
  FROM routing_policy_activations a LEFT JOIN routing_policies p ON p.version = a.version`;
const toActivation = (r: Record<string, any>): ActivationRow => ({
  id: Number(r.id), version: r.version === null ? null : Number(r.version), policyId: r.policy_id, activatedBy: r.activated_by, activatedAt: r.activated_at,
});

/** The newest switch, or null when no administrator has switched (the configured default applies). */
export async function latestActivation(q: Queryable): Promise<ActivationRow | null> {
  const { rows } = await q.query(`${ACTIVATION} ORDER BY a.id DESC LIMIT 1`);
  return rows[0] ? toActivation(rows[0]) : null;
}

export async function listActivations(q: Queryable, page: { limit: number; offset: number }): Promise<{ rows: ActivationRow[]; total: number }> {
  const { rows } = await q.query(`${ACTIVATION} ORDER BY a.id DESC LIMIT $1 OFFSET $2`, [page.limit, page.offset]);
  const count = await q.query('SELECT count(*)::int AS n FROM routing_policy_activations');
  return { rows: rows.map(toActivation), total: count.rows[0].n };
}
