import { STRICTLY_CONFIDENTIAL_SQL } from './document-access.repository.ts';
import type { Queryable } from './queryable.ts';

/**
 * The whole system's reconciliation (issue 12): what came in per day and where it is now.
 * Finished is delivered with its archive PDF, waiting in a manual queue, or merged into another;
 * anything else is still moving ("delivered but never archived" included: it is not done).
 */
export const FINISHED_SQL = (d: string) =>
  `(${d}.merged_into IS NOT NULL OR ${d}.status = 'manual' OR (${d}.status IN ('delivered', 'archived') AND ${d}.archived_at IS NOT NULL))`;

/** The mail room's and administrators' view: strictly confidential documents are not counted at all. */
const VISIBLE = (d: string, protectedToo: boolean) => (protectedToo ? 'true' : `NOT ${STRICTLY_CONFIDENTIAL_SQL(d)}`);

export interface DayCounts {
  /** Day of receipt in Norway (YYYY-MM-DD). */
  day: string;
  received: number;
  delivered: number;
  manual: number;
  merged: number;
  setAside: number;
  moving: number;
}

export async function countsPerDay(q: Queryable, days: number, opts: { protectedToo: boolean }): Promise<DayCounts[]> {
  const { rows } = await q.query(
    `WITH d AS (
       SELECT (d.received_at AT TIME ZONE 'Europe/Oslo')::date AS day, d.status, d.archived_at, d.merged_into, ${FINISHED_SQL('d')} AS finished
       FROM documents d WHERE d.received_at >= (now() AT TIME ZONE 'Europe/Oslo')::date - ($1::int - 1) AND ${VISIBLE('d', opts.protectedToo)}
     ), s AS (
       SELECT (created_at AT TIME ZONE 'Europe/Oslo')::date AS day, count(*)::int AS n FROM set_aside
       WHERE created_at >= (now() AT TIME ZONE 'Europe/Oslo')::date - ($1::int - 1) GROUP BY 1
     ), per AS (
       SELECT day, count(*)::int AS received,
         count(*) FILTER (WHERE merged_into IS NULL AND status IN ('delivered', 'archived') AND archived_at IS NOT NULL)::int AS delivered,
         count(*) FILTER (WHERE merged_into IS NULL AND status = 'manual')::int AS manual,
         count(*) FILTER (WHERE merged_into IS NOT NULL)::int AS merged,
         count(*) FILTER (WHERE NOT finished)::int AS moving
       FROM d GROUP BY day
     )
     SELECT to_char(coalesce(per.day, s.day), 'YYYY-MM-DD') AS day, coalesce(per.received, 0) AS received, coalesce(per.delivered, 0) AS delivered,
       coalesce(per.manual, 0) AS manual, coalesce(per.merged, 0) AS merged, coalesce(s.n, 0) AS set_aside, coalesce(per.moving, 0) AS moving
     FROM per FULL JOIN s ON s.day = per.day ORDER BY 1 DESC`,
    [days],
  );
  return rows.map((r) => ({ day: r.day, received: r.received, delivered: r.delivered, manual: r.manual, merged: r.merged, setAside: r.set_aside, moving: r.moving }));
}

export interface Unfinished {
  documentId: string;
  day: string;
  status: string;
  stage: string;
  receivedAt: Date;
}

/** Documents received before the threshold that are not finished: the candidates for "stuck". */
export async function unfinishedOlderThan(q: Queryable, minutes: number, opts: { protectedToo: boolean; limit: number }): Promise<Unfinished[]> {
  const { rows } = await q.query(
    `SELECT d.id, to_char((d.received_at AT TIME ZONE 'Europe/Oslo')::date, 'YYYY-MM-DD') AS day, d.status, d.stage, d.received_at
     FROM documents d
     WHERE NOT ${FINISHED_SQL('d')} AND d.received_at < now() - make_interval(mins => $1) AND ${VISIBLE('d', opts.protectedToo)}
     ORDER BY d.received_at, d.id LIMIT $2`,
    [minutes, opts.limit],
  );
  return rows.map((r) => ({ documentId: r.id, day: r.day, status: r.status, stage: r.stage, receivedAt: r.received_at }));
}
