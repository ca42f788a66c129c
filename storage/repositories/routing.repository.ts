import type { RoutingDecision } from '../../pipeline/route/route.ts';
import type { Queryable } from './queryable.ts';

/**
 * Records a routing decision and delivers to its units. A re-routing (`redeliver`) hands the
 * document afresh to a unit that had it before and leaves the mail room out of the inboxes.
 */
export async function recordDecision(
  q: Queryable, documentId: string, d: RoutingDecision,
  opts: { redeliver?: boolean; modelVersion?: number | null; thresholdVersion?: number | null } = {},
): Promise<void> {
  // The classifier model that read the document and the model version whose thresholds decided (issue 13).
  await q.query(
    `INSERT INTO routing_decisions (document_id, policy_id, rule_id, rule_source, destinations, restricted, model_version, threshold_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [documentId, d.policyId, d.ruleId, d.ruleSource, JSON.stringify(d.destinations), d.restricted, opts.modelVersion ?? null, opts.thresholdVersion ?? null],
  );
  for (const dest of d.destinations) {
    if (!opts.redeliver) {
      await q.query('INSERT INTO deliveries (document_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [documentId, dest.unitId]);
    } else if (dest.unitType !== 'manual') {
      await q.query(
        `INSERT INTO deliveries (document_id, unit_id) VALUES ($1, $2)
         ON CONFLICT (document_id, unit_id) DO UPDATE SET delivered_at = now(), taken_by = NULL, taken_at = NULL,
           returned_by = NULL, returned_at = NULL, return_reason = NULL`,
        [documentId, dest.unitId],
      );
    }
  }
}

export interface DecisionRow {
  policyId: string;
  ruleId: string;
  ruleSource: string;
  destinations: Array<{ unitType: string; unitId: string }>;
  restricted: string | null;
  modelVersion: number | null;
  thresholdVersion: number | null;
  decidedAt: Date;
}

export async function latestDecision(q: Queryable, documentId: string): Promise<DecisionRow | null> {
  const { rows } = await q.query(
    'SELECT * FROM routing_decisions WHERE document_id = $1 ORDER BY id DESC LIMIT 1',
    [documentId],
  );
  const r = rows[0];
  return r ? { policyId: r.policy_id, ruleId: r.rule_id, ruleSource: r.rule_source, destinations: r.destinations, restricted: r.restricted, modelVersion: r.model_version, thresholdVersion: r.threshold_version, decidedAt: r.decided_at } : null;
}
