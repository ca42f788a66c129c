import { STRICTLY_CONFIDENTIAL_SQL } from './document-access.repository.ts';
import type { Queryable } from './queryable.ts';

export type CorrectedField = 'personId' | 'tema' | 'formNumber' | 'kind' | 'split' | 'merge';

export interface CorrectionRow {
  id: number;
  documentId: string;
  field: CorrectedField;
  machineValue: string | null;
  correctedValue: string | null;
  correctedBy: string;
  correctedAt: Date;
}

export async function addCorrection(q: Queryable, c: Omit<CorrectionRow, 'id' | 'correctedAt'>): Promise<void> {
  await q.query(
    'INSERT INTO corrections (document_id, field, machine_value, corrected_value, corrected_by) VALUES ($1, $2, $3, $4, $5)',
    [c.documentId, c.field, c.machineValue, c.correctedValue, c.correctedBy],
  );
}

export async function listCorrections(q: Queryable, f: { documentId?: string; excludeStrictlyConfidential?: boolean; limit: number; offset: number }): Promise<{ rows: CorrectionRow[]; total: number }> {
  const where = `($1::text IS NULL OR c.document_id = $1)
    AND (NOT $2 OR NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = c.document_id AND ${STRICTLY_CONFIDENTIAL_SQL('d')}))`;
  const params = [f.documentId ?? null, f.excludeStrictlyConfidential ?? false];
  const { rows } = await q.query(`SELECT c.* FROM corrections c WHERE ${where} ORDER BY c.id DESC LIMIT $3 OFFSET $4`, [...params, f.limit, f.offset]);
  const count = await q.query(`SELECT count(*)::int AS n FROM corrections c WHERE ${where}`, params);
  return {
    total: count.rows[0].n,
    rows: rows.map((r) => ({
      id: Number(r.id), documentId: r.document_id, field: r.field, machineValue: r.machine_value,
      correctedValue: r.corrected_value, correctedBy: r.corrected_by, correctedAt: r.corrected_at,
    })),
  };
}
