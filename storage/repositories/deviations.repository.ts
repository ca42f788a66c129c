import { COVER_MISSING_SQL, DEFAULT_DEADLINE_DAYS, TEMA_RULE_MISSING_SQL } from './missing-attachments.repository.ts';
import { STRICTLY_CONFIDENTIAL_SQL } from './document-access.repository.ts';
import type { Queryable } from './queryable.ts';

export type DeviationKind = 'misrouted' | 'bounced' | 'missing-attachment' | 'stuck';

export interface DeviationRow {
  id: number;
  kind: DeviationKind;
  documentId: string | null;
  caseId: string | null;
  unitId: string | null;
  policyId: string | null;
  ruleId: string | null;
  reason: string | null;
  reportedBy: string | null;
  detectedAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  tema: string | null;
  /** The document's status now, so a reader can go to it where it is. */
  documentStatus: string | null;
}

export async function addDeviation(q: Queryable, d: Pick<DeviationRow, 'kind' | 'documentId' | 'caseId' | 'unitId' | 'policyId' | 'ruleId' | 'reason' | 'reportedBy'>): Promise<void> {
  await q.query(
    `INSERT INTO deviations (kind, document_id, case_id, unit_id, policy_id, rule_id, reason, reported_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [d.kind, d.documentId, d.caseId, d.unitId, d.policyId, d.ruleId, d.reason, d.reportedBy],
  );
}

export interface SweepCounts {
  opened: number;
  closed: number;
}

/** Opens a deviation for each document not moving (in the pipeline or the manual queue); closes those moving again. */
export async function sweepStuck(q: Queryable, stuckMinutes: number, mailRoomUnit: string): Promise<SweepCounts> {
  const opened = await q.query(
    `INSERT INTO deviations (kind, document_id, case_id, unit_id, reason)
     SELECT 'stuck', d.id, d.case_id, $2, d.status || ' at stage ' || d.stage FROM documents d
     WHERE d.status IN ('processing', 'manual') AND d.merged_into IS NULL AND d.updated_at < now() - make_interval(mins => $1)
     ON CONFLICT (kind, document_id) WHERE kind IN ('stuck','missing-attachment') AND resolved_at IS NULL DO NOTHING`,
    [stuckMinutes, mailRoomUnit],
  );
  const closed = await q.query(
    `UPDATE deviations v SET resolved_at = now() FROM documents d
     WHERE v.kind = 'stuck' AND v.resolved_at IS NULL AND d.id = v.document_id
       AND (d.status NOT IN ('processing', 'manual') OR d.merged_into IS NOT NULL OR d.updated_at >= now() - make_interval(mins => $1))`,
    [stuckMinutes],
  );
  return { opened: opened.rowCount ?? 0, closed: closed.rowCount ?? 0 };
}

/**
 * Expected attachments still missing after the tema's deadline (attachment_expectations, else
 * DEFAULT_DEADLINE_DAYS), counted from when the claim was received. What is expected comes from
 * the cover sheet where the document had one, else from the tema rule. One open deviation per
 * document; its reason names what is missing; closed when nothing is missing any more.
 */
export async function sweepMissingAttachments(q: Queryable): Promise<SweepCounts> {
  const { rows } = await q.query(
    `WITH due AS (
       SELECT d.id AS document_id, d.case_id, 'Mangler vedlegg fra førstesiden: ' || array_to_string(${COVER_MISSING_SQL('d')}, ', ') AS reason
       FROM documents d LEFT JOIN attachment_expectations ae ON ae.tema = d.tema
       WHERE d.merged_into IS NULL AND d.case_id IS NOT NULL AND cardinality(${COVER_MISSING_SQL('d')}) > 0
         AND d.received_at < now() - make_interval(days => coalesce(ae.deadline_days, $1))
       UNION ALL
       SELECT d.id, d.case_id, ae.description
       FROM documents d JOIN attachment_expectations ae ON ae.tema = d.tema
       WHERE d.document_kind = 'claim' AND d.merged_into IS NULL AND d.received_at < now() - make_interval(days => ae.deadline_days)
         AND ${TEMA_RULE_MISSING_SQL('d')}
     ), opened AS (
       INSERT INTO deviations (kind, document_id, case_id, unit_id, reason)
       SELECT 'missing-attachment', due.document_id, due.case_id,
         (SELECT dl.unit_id FROM deliveries dl WHERE dl.document_id = due.document_id AND dl.returned_at IS NULL ORDER BY dl.unit_id LIMIT 1), due.reason
       FROM due
       ON CONFLICT (kind, document_id) WHERE kind IN ('stuck','missing-attachment') AND resolved_at IS NULL
       DO UPDATE SET reason = EXCLUDED.reason WHERE deviations.reason IS DISTINCT FROM EXCLUDED.reason
       RETURNING (xmax = 0) AS inserted
     ), closed AS (
       UPDATE deviations v SET resolved_at = now()
       WHERE v.kind = 'missing-attachment' AND v.resolved_at IS NULL AND v.document_id NOT IN (SELECT document_id FROM due)
       RETURNING v.id
     )
     SELECT (SELECT count(*)::int FROM opened WHERE inserted) AS opened, (SELECT count(*)::int FROM closed) AS closed`,
    [DEFAULT_DEADLINE_DAYS],
  );
  return { opened: rows[0].opened, closed: rows[0].closed };
}

export async function recordSweep(q: Queryable, s: { startedAt: Date; opened: number; closed: number; arrivals: number }): Promise<void> {
  await q.query('INSERT INTO deviation_sweeps (started_at, opened, closed, arrivals) VALUES ($1, $2, $3, $4)', [s.startedAt, s.opened, s.closed, s.arrivals]);
  await q.query(`DELETE FROM deviation_sweeps WHERE finished_at < now() - interval '30 days'`);
}

export async function lastSweep(q: Queryable): Promise<{ finishedAt: Date; opened: number; closed: number } | null> {
  const { rows } = await q.query('SELECT finished_at, opened, closed FROM deviation_sweeps ORDER BY id DESC LIMIT 1');
  return rows[0] ? { finishedAt: rows[0].finished_at, opened: rows[0].opened, closed: rows[0].closed } : null;
}

/** Who may see which deviations: strictly confidential documents' and the special unit's only with `includeProtected`. */
export interface DeviationScope {
  unitIds: string[] | null;
  includeProtected: boolean;
  protectedUnits: string[];
}

const VISIBLE_SQL = (v: string, p: number) => `($${p}::boolean OR ((${v}.unit_id IS NULL OR NOT ${v}.unit_id = ANY($${p + 1}))
  AND (${v}.document_id IS NULL OR NOT EXISTS (SELECT 1 FROM documents vd WHERE vd.id = ${v}.document_id AND ${STRICTLY_CONFIDENTIAL_SQL('vd')}))))`;

const toDeviation = (r: Record<string, any>): DeviationRow => ({
  id: Number(r.id), kind: r.kind, documentId: r.document_id, caseId: r.case_id, unitId: r.unit_id, policyId: r.policy_id,
  ruleId: r.rule_id, reason: r.reason, reportedBy: r.reported_by, detectedAt: r.detected_at, resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by, resolutionNote: r.resolution_note, tema: r.tema, documentStatus: r.document_status,
});

export async function listDeviations(q: Queryable, f: DeviationScope & { kind?: DeviationKind; open?: boolean; limit: number; offset: number }): Promise<{ rows: DeviationRow[]; total: number }> {
  const where = `($1::text[] IS NULL OR v.unit_id = ANY($1)) AND ($2::text IS NULL OR v.kind = $2)
    AND ($3::boolean IS NULL OR ($3 AND v.resolved_at IS NULL) OR (NOT $3 AND v.resolved_at IS NOT NULL)) AND ${VISIBLE_SQL('v', 4)}`;
  const params = [f.unitIds, f.kind ?? null, f.open ?? null, f.includeProtected, f.protectedUnits];
  const { rows } = await q.query(
    `SELECT v.*, d.tema, d.status AS document_status FROM deviations v LEFT JOIN documents d ON d.id = v.document_id
     WHERE ${where} ORDER BY v.detected_at DESC, v.id DESC LIMIT $6 OFFSET $7`,
    [...params, f.limit, f.offset],
  );
  const count = await q.query(`SELECT count(*)::int AS n FROM deviations v WHERE ${where}`, params);
  return { total: count.rows[0].n, rows: rows.map(toDeviation) };
}

export async function getDeviation(q: Queryable, id: number): Promise<DeviationRow | null> {
  const { rows } = await q.query('SELECT v.*, d.tema, d.status AS document_status FROM deviations v LEFT JOIN documents d ON d.id = v.document_id WHERE v.id = $1', [id]);
  return rows[0] ? toDeviation(rows[0]) : null;
}

/** Closes an open deviation with who and why; false when it was closed already. */
export async function closeDeviation(q: Queryable, id: number, by: string, note: string): Promise<boolean> {
  const { rowCount } = await q.query(
    'UPDATE deviations SET resolved_at = now(), resolved_by = $2, resolution_note = $3 WHERE id = $1 AND resolved_at IS NULL',
    [id, by, note],
  );
  return rowCount === 1;
}

export interface DeviationStats {
  perRule: Array<{ policyId: string; ruleId: string; routed: number; misrouted: number; bounced: number }>;
  perUnit: Array<{ unitId: string; misrouted: number; bounced: number; missingAttachment: number; stuck: number; open: number }>;
}

/** Counts per routing rule (against how many documents the rule routed) and per unit. */
export async function deviationStats(q: Queryable, scope: DeviationScope): Promise<DeviationStats> {
  const perRule = await q.query(
    `WITH routed AS (
       SELECT r.policy_id, r.rule_id, count(DISTINCT r.document_id)::int AS n FROM routing_decisions r JOIN documents rd ON rd.id = r.document_id
       WHERE $2::boolean OR NOT ${STRICTLY_CONFIDENTIAL_SQL('rd')} GROUP BY 1, 2),
     dev AS (
       SELECT policy_id, rule_id, count(*) FILTER (WHERE kind = 'misrouted')::int AS misrouted,
         count(*) FILTER (WHERE kind = 'bounced')::int AS bounced
       FROM deviations v WHERE rule_id IS NOT NULL AND ($1::text[] IS NULL OR unit_id = ANY($1)) AND ${VISIBLE_SQL('v', 2)} GROUP BY 1, 2)
     SELECT r.policy_id, r.rule_id, r.n AS routed, coalesce(dev.misrouted, 0) AS misrouted, coalesce(dev.bounced, 0) AS bounced
     FROM routed r LEFT JOIN dev ON dev.policy_id = r.policy_id AND dev.rule_id = r.rule_id
     ORDER BY coalesce(dev.misrouted, 0) + coalesce(dev.bounced, 0) DESC, r.n DESC`,
    [scope.unitIds, scope.includeProtected, scope.protectedUnits],
  );
  const perUnit = await q.query(
    `SELECT unit_id, count(*) FILTER (WHERE kind = 'misrouted')::int AS misrouted, count(*) FILTER (WHERE kind = 'bounced')::int AS bounced,
       count(*) FILTER (WHERE kind = 'missing-attachment')::int AS missing, count(*) FILTER (WHERE kind = 'stuck')::int AS stuck,
       count(*) FILTER (WHERE resolved_at IS NULL)::int AS open
     FROM deviations v WHERE unit_id IS NOT NULL AND ($1::text[] IS NULL OR unit_id = ANY($1)) AND ${VISIBLE_SQL('v', 2)}
     GROUP BY unit_id ORDER BY count(*) DESC`,
    [scope.unitIds, scope.includeProtected, scope.protectedUnits],
  );
  return {
    perRule: perRule.rows.map((r) => ({ policyId: r.policy_id, ruleId: r.rule_id, routed: r.routed, misrouted: r.misrouted, bounced: r.bounced })),
    perUnit: perUnit.rows.map((r) => ({ unitId: r.unit_id, misrouted: r.misrouted, bounced: r.bounced, missingAttachment: r.missing, stuck: r.stuck, open: r.open })),
  };
}
