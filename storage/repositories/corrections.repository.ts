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

export async function listCorrections(q: Queryable, f: { documentId?: string; limit: number; offset: number }): Promise<{ rows: CorrectionRow[]; total: number }> {
  const where = '($1::text IS NULL OR document_id = $1)';
  const { rows } = await q.query(`SELECT * FROM corrections WHERE ${where} ORDER BY id DESC LIMIT $2 OFFSET $3`, [f.documentId ?? null, f.limit, f.offset]);
  const count = await q.query(`SELECT count(*)::int AS n FROM corrections WHERE ${where}`, [f.documentId ?? null]);
  return {
    total: count.rows[0].n,
    rows: rows.map((r) => ({
      id: Number(r.id), documentId: r.document_id, field: r.field, machineValue: r.machine_value,
      correctedValue: r.corrected_value, correctedBy: r.corrected_by, correctedAt: r.corrected_at,
    })),
  };
}
