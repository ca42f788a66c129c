import { STRICTLY_CONFIDENTIAL_SQL } from './document-access.repository.ts';
import type { Queryable } from './queryable.ts';

/** A document whose right reading is known: a person resolved it, or it was routed without one and not sent back. */
export interface LearningRow {
  id: string;
  tema: string;
  kind: string;
  personId: string | null;
  formNumber: string | null;
  vendorMetadata: unknown;
  classification: Record<string, unknown> | null;
  coverSheet: string | null;
  coverSheetPage: number | null;
  /** The machine's values where a person changed them (corrections), by field. */
  machine: Record<string, string | null>;
  resolved: boolean;
  automatic: boolean;
  returned: boolean;
  pageTexts: string[];
  /** The person's name and address from the register, masked before training. */
  personWords: string[];
}

// Protected persons' documents are never learnt from: kode 6 (strictly confidential, also through
// the vendor's person or the routing), kode 7 and NAV employees (skjermet) — whoever the person is:
// the one set by the mail room, the one the machine guessed, or the one the vendor named.
const PROTECTED_SQL = `(${STRICTLY_CONFIDENTIAL_SQL('d')} OR EXISTS (
  SELECT 1 FROM persons pp WHERE (pp.address_protection <> 'none' OR pp.skjermet)
    AND (pp.id = d.person_id OR pp.id = d.vendor_metadata->'journalpost'->'bruker'->>'brukerId'
         OR pp.id IN (SELECT c.machine_value FROM corrections c WHERE c.document_id = d.id AND c.field = 'personId'))))`;

const FIRST_OUTCOME = `(SELECT e.type FROM document_events e WHERE e.document_id = d.id AND e.type IN ('sent-to-manual','delivered') ORDER BY e.id LIMIT 1)`;

export async function listLearningRows(q: Queryable): Promise<LearningRow[]> {
  const { rows } = await q.query(`
    SELECT d.id, d.tema, d.document_kind, d.person_id, d.form_number, d.vendor_metadata, d.classification, d.cover_sheet, d.cover_sheet_page,
      coalesce((SELECT json_object_agg(c.field, c.machine_value) FROM (SELECT DISTINCT ON (field) field, machine_value FROM corrections
        WHERE document_id = d.id AND field IN ('tema','kind','personId','formNumber') ORDER BY field, id) c), '{}'::json) AS machine,
      EXISTS (SELECT 1 FROM document_events e WHERE e.document_id = d.id AND e.type = 'manual-resolved') AS resolved,
      ${FIRST_OUTCOME} = 'delivered' AS automatic,
      EXISTS (SELECT 1 FROM deliveries x WHERE x.document_id = d.id AND x.returned_at IS NOT NULL) AS returned,
      coalesce((SELECT array_agg(coalesce(p.text, p.header_text, '') ORDER BY p.page_no) FROM pages p WHERE p.document_id = d.id), '{}') AS texts,
      (SELECT concat_ws(' ', pr.name, pr.address) FROM persons pr WHERE pr.id = d.person_id) AS person_words
    FROM documents d
    WHERE d.identified_at IS NOT NULL AND d.merged_into IS NULL AND d.tema IS NOT NULL AND d.tema <> 'UKJ'
      AND d.status IN ('delivered','archived')
      AND NOT ${PROTECTED_SQL}
    ORDER BY d.id`);
  return rows.map((r) => ({
    id: r.id, tema: r.tema, kind: r.document_kind ?? 'other', personId: r.person_id, formNumber: r.form_number,
    vendorMetadata: r.vendor_metadata, classification: r.classification, coverSheet: r.cover_sheet, coverSheetPage: r.cover_sheet_page,
    machine: r.machine ?? {}, resolved: r.resolved, automatic: Boolean(r.automatic), returned: r.returned, pageTexts: r.texts,
    personWords: r.person_words ? String(r.person_words).split(/[\s,]+/).filter(Boolean) : [],
  }));
}

export interface ModelRow {
  version: number;
  objectKey: string;
  outcome: 'promoted' | 'refused';
  reason: string;
  scores: Record<string, unknown>;
  thresholds: unknown;
  trainedOn: Record<string, unknown>;
  createdBy: string;
  createdAt: Date;
}

const modelOf = (r: Record<string, any>): ModelRow => ({
  version: r.version, objectKey: r.object_key, outcome: r.outcome, reason: r.reason, scores: r.scores, thresholds: r.thresholds,
  trainedOn: r.trained_on, createdBy: r.created_by, createdAt: r.created_at,
});

export async function nextModelVersion(q: Queryable): Promise<number> {
  const { rows } = await q.query('SELECT coalesce(max(version), 0) + 1 AS v FROM classifier_models');
  return rows[0].v;
}

export async function saveModel(q: Queryable, m: Omit<ModelRow, 'createdAt'>): Promise<void> {
  await q.query(
    `INSERT INTO classifier_models (version, object_key, outcome, reason, scores, thresholds, trained_on, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
    [m.version, m.objectKey, m.outcome, m.reason, JSON.stringify(m.scores), JSON.stringify(m.thresholds), JSON.stringify(m.trainedOn), m.createdBy],
  );
}

export async function getModel(q: Queryable, version: number): Promise<ModelRow | null> {
  const { rows } = await q.query('SELECT * FROM classifier_models WHERE version = $1', [version]);
  return rows[0] ? modelOf(rows[0]) : null;
}

export async function listModels(q: Queryable, limit: number, offset: number): Promise<{ rows: ModelRow[]; total: number }> {
  const { rows } = await q.query('SELECT * FROM classifier_models ORDER BY version DESC LIMIT $1 OFFSET $2', [limit, offset]);
  const count = await q.query('SELECT count(*)::int AS n FROM classifier_models');
  return { rows: rows.map(modelOf), total: count.rows[0].n };
}

export interface ModelActivation {
  version: number;
  activatedBy: string;
  reason: string;
  activatedAt: Date;
}

export async function addModelActivation(q: Queryable, version: number, by: string, reason: string): Promise<void> {
  await q.query('INSERT INTO classifier_activations (version, activated_by, reason) VALUES ($1, $2, $3)', [version, by, reason]);
}

export async function latestModelActivation(q: Queryable): Promise<ModelActivation | null> {
  const { rows } = await q.query('SELECT * FROM classifier_activations ORDER BY id DESC LIMIT 1');
  const r = rows[0];
  return r ? { version: r.version, activatedBy: r.activated_by, reason: r.reason, activatedAt: r.activated_at } : null;
}

export async function listModelActivations(q: Queryable, limit: number): Promise<ModelActivation[]> {
  const { rows } = await q.query('SELECT * FROM classifier_activations ORDER BY id DESC LIMIT $1', [limit]);
  return rows.map((r) => ({ version: r.version, activatedBy: r.activated_by, reason: r.reason, activatedAt: r.activated_at }));
}

/** Routing decisions made by the route stage, per model version (for the administrator's page). */
export async function decisionsPerModel(q: Queryable): Promise<Map<number, number>> {
  const { rows } = await q.query('SELECT coalesce(model_version, 0) AS v, count(*)::int AS n FROM routing_decisions WHERE threshold_version IS NOT NULL OR model_version IS NOT NULL GROUP BY 1');
  return new Map(rows.map((r) => [r.v, r.n]));
}
