import type { CoverSheet, CoverSheetRequest } from '../../pipeline/foersteside/cover-sheet.ts';
import { makeLoepenummer } from '../../pipeline/foersteside/loepenummer.ts';
import type { Queryable } from './queryable.ts';

const toSheet = (r: Record<string, any>): CoverSheet => ({
  loepenummer: r.loepenummer, tema: r.tema, formNumber: r.form_number ?? undefined, followUp: r.follow_up, title: r.title,
  personId: r.person_id ?? undefined, attachments: r.attachments, unit: r.unit ?? undefined, language: r.language, createdAt: r.created_at,
});

/** Stores a new cover sheet under the next løpenummer of the day (counter taken atomically). */
export async function createCoverSheet(q: Queryable, req: CoverSheetRequest & { title: string }, actor: string, now = new Date()): Promise<CoverSheet> {
  const day = now.toISOString().slice(0, 10);
  const { rows } = await q.query(
    `INSERT INTO foersteside_counters (day, last) VALUES ($1, 1)
     ON CONFLICT (day) DO UPDATE SET last = foersteside_counters.last + 1 RETURNING last`,
    [day],
  );
  const loepenummer = makeLoepenummer(new Date(`${day}T00:00:00Z`), rows[0].last);
  const inserted = await q.query(
    `INSERT INTO foersteside (loepenummer, tema, form_number, follow_up, title, person_id, attachments, unit, language, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [loepenummer, req.tema, req.formNumber ?? null, req.followUp, req.title, req.personId ?? null, JSON.stringify(req.attachments), req.unit ?? null, req.language, actor, now],
  );
  return toSheet(inserted.rows[0]);
}

export async function getCoverSheet(q: Queryable, loepenummer: string): Promise<CoverSheet | null> {
  const { rows } = await q.query('SELECT * FROM foersteside WHERE loepenummer = $1', [loepenummer]);
  return rows[0] ? toSheet(rows[0]) : null;
}

/** The sheet and who ordered it (who may read it back in full). */
export async function getCoverSheetWithCreator(q: Queryable, loepenummer: string): Promise<{ sheet: CoverSheet; createdBy: string } | null> {
  const { rows } = await q.query('SELECT * FROM foersteside WHERE loepenummer = $1', [loepenummer]);
  return rows[0] ? { sheet: toSheet(rows[0]), createdBy: rows[0].created_by } : null;
}

/** Flags the attachments a cover sheet promised that did not arrive; returns how many were new. */
export async function flagMissingAttachments(q: Queryable, caseId: string, documentId: string, loepenummer: string, missing: string[]): Promise<number> {
  let added = 0;
  for (const a of missing) {
    const r = await q.query(
      `INSERT INTO case_missing_attachments (case_id, document_id, loepenummer, attachment) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [caseId, documentId, loepenummer, a],
    );
    added += r.rowCount ?? 0;
  }
  return added;
}

export async function listMissingAttachments(q: Queryable, caseId: string): Promise<Array<{ documentId: string; loepenummer: string; attachment: string }>> {
  const { rows } = await q.query(
    'SELECT document_id, loepenummer, attachment FROM case_missing_attachments WHERE case_id = $1 ORDER BY flagged_at, attachment',
    [caseId],
  );
  return rows.map((r) => ({ documentId: r.document_id, loepenummer: r.loepenummer, attachment: r.attachment }));
}
