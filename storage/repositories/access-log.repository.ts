import type { Queryable } from './queryable.ts';

export interface AccessEntry {
  actor: string;
  userId: string | null;
  role: string | null;
  channel: 'api' | 'web' | 'cli';
  purpose: string;
  action: string;
  subject: string;
  personIds: string[];
  documentIds: string[];
  outcome: 'granted' | 'denied' | 'not-found';
}

export interface AccessLogRow extends AccessEntry {
  id: number;
  at: Date;
}

export async function appendAccess(q: Queryable, e: AccessEntry): Promise<void> {
  await q.query(
    `INSERT INTO access_log (actor, user_id, role, channel, purpose, action, subject, person_ids, document_ids, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [e.actor, e.userId, e.role, e.channel, e.purpose, e.action, e.subject, e.personIds, e.documentIds, e.outcome],
  );
}

/** Look-ups by one user (actor) or of one person, newest first. */
export async function listAccess(q: Queryable, f: { actor?: string; personId?: string; excludeActions?: string[]; limit: number; offset: number }): Promise<{ rows: AccessLogRow[]; total: number }> {
  const where = '($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR $2 = ANY(person_ids)) AND NOT action = ANY($3)';
  const params = [f.actor ?? null, f.personId ?? null, f.excludeActions ?? []];
  const { rows } = await q.query(`SELECT * FROM access_log WHERE ${where} ORDER BY at DESC, id DESC LIMIT $4 OFFSET $5`, [...params, f.limit, f.offset]);
  const count = await q.query(`SELECT count(*)::int AS n FROM access_log WHERE ${where}`, params);
  return {
    total: count.rows[0].n,
    rows: rows.map((r) => ({
      id: Number(r.id), at: r.at, actor: r.actor, userId: r.user_id, role: r.role, channel: r.channel, purpose: r.purpose,
      action: r.action, subject: r.subject, personIds: r.person_ids, documentIds: r.document_ids, outcome: r.outcome,
    })),
  };
}
