import type { Queryable } from './queryable.ts';

export interface AccessRecord {
  actor: string;
  purpose: string;
  action: string;
  subject: string;
  personIds: string[];
}

/** Records a read of a person's documents: who, why, what. */
export async function recordAccess(q: Queryable, r: AccessRecord): Promise<void> {
  await q.query(
    'INSERT INTO access_log (actor, purpose, action, subject, person_ids) VALUES ($1, $2, $3, $4, $5)',
    [r.actor, r.purpose, r.action, r.subject, r.personIds],
  );
}
