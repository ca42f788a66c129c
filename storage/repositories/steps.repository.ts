import { jobIdOf, STAGES, type DocumentFacts, type Stage, type Step } from '../../pipeline/stages.ts';
import type { Queryable } from './queryable.ts';

/** An open or finished step of the outbox (pipeline_steps), with the job id that carries it. */
export interface StepRow extends Step {
  run: number;
  jobId: string;
  dueAt: Date;
  createdAt: Date;
  doneAt: Date | null;
}

const toRow = (r: Record<string, any>): StepRow => ({
  documentId: r.document_id, stage: r.stage, pageNo: r.page_no, run: r.run, jobId: r.job_id, dueAt: r.due_at, createdAt: r.created_at, doneAt: r.done_at,
});

const STAMP: Record<Stage, string> = {
  // A range's pages are stamped in split_pages (made_at); all of them are made once split is stamped.
  split: 'split_at', page: 'split_at', header: 'header_at', ocr: 'ocr_at', identify: 'identified_at', attach: 'attached_at', route: 'routed_at', archive: 'archived_at',
};
export const stampOf = (stage: Stage) => STAMP[stage];

/** The document row locked for this transaction, with what the stage table needs; null if it does not exist. */
export async function lockFacts(q: Queryable, documentId: string): Promise<DocumentFacts | null> {
  const { rows } = await q.query(
    `SELECT status, merged_into, ${STAGES.map((s) => `${STAMP[s]} IS NOT NULL AS "${s}"`).join(', ')},
       (SELECT coalesce(array_agg(page_no ORDER BY page_no), '{}') FROM pages WHERE document_id = d.id) AS pages,
       (SELECT coalesce(array_agg(page_no ORDER BY page_no), '{}') FROM pages WHERE document_id = d.id AND ocr_at IS NULL) AS unread,
       (SELECT coalesce(array_agg(DISTINCT range_start ORDER BY range_start), '{}') FROM split_pages WHERE document_id = d.id AND made_at IS NULL) AS unmade
     FROM documents d WHERE id = $1 FOR UPDATE`,
    [documentId],
  );
  const r = rows[0];
  if (!r) return null;
  return { status: r.status, merged: r.merged_into !== null, done: new Set(STAGES.filter((s) => r[s])), pages: r.pages, unread: r.unread, unmade: r.unmade };
}

/**
 * Opens steps: a new step is inserted; one that ran before is opened again as a new run only
 * when its stage is no longer stamped (archive after a manual split or merge). Returns the
 * steps opened (to be queued after commit).
 */
export async function openSteps(q: Queryable, steps: Step[]): Promise<StepRow[]> {
  const out: StepRow[] = [];
  for (const s of steps) {
    const { rows } = await q.query(
      `INSERT INTO pipeline_steps (document_id, stage, page_no, run, job_id) VALUES ($1, $2, $3, 1, $4)
       ON CONFLICT (document_id, stage, page_no) DO UPDATE
         SET run = pipeline_steps.run + 1, done_at = NULL, due_at = now(), created_at = now(),
             job_id = $5 || (pipeline_steps.run + 1)::text
         WHERE pipeline_steps.done_at IS NOT NULL
       RETURNING document_id, stage, page_no, run, job_id, due_at, created_at, done_at`,
      [s.documentId, s.stage, s.pageNo, jobIdOf(s), `${jobIdOf(s)}-r`],
    );
    if (rows[0]) out.push(toRow(rows[0]));
  }
  return out;
}

/** Closes a step (the stage ended: done, stopped for a person, or waiting on a join). */
export async function closeStep(q: Queryable, s: Step): Promise<void> {
  await q.query('UPDATE pipeline_steps SET done_at = now() WHERE document_id = $1 AND stage = $2 AND page_no = $3 AND done_at IS NULL', [s.documentId, s.stage, s.pageNo]);
}

/** Closes every open document-level step of a document (it was merged away). */
export async function closeAllSteps(q: Queryable, documentId: string): Promise<void> {
  await q.query('UPDATE pipeline_steps SET done_at = now() WHERE document_id = $1 AND done_at IS NULL', [documentId]);
}

/** Open steps due before `before`, oldest first: what the re-drive looks at. */
export async function dueSteps(q: Queryable, before: Date, limit: number): Promise<StepRow[]> {
  const { rows } = await q.query(
    `SELECT document_id, stage, page_no, run, job_id, due_at, created_at, done_at FROM pipeline_steps
     WHERE done_at IS NULL AND due_at <= $1 ORDER BY due_at LIMIT $2`,
    [before, limit],
  );
  return rows.map(toRow);
}

/** The open steps of these documents (the whole system's reconciliation asks whether their jobs live). */
export async function openStepsOf(q: Queryable, documentIds: string[]): Promise<StepRow[]> {
  const { rows } = await q.query(
    `SELECT document_id, stage, page_no, run, job_id, due_at, created_at, done_at FROM pipeline_steps
     WHERE done_at IS NULL AND document_id = ANY($1)`,
    [documentIds],
  );
  return rows.map(toRow);
}

export async function getStep(q: Queryable, s: Step): Promise<StepRow | null> {
  const { rows } = await q.query(
    'SELECT document_id, stage, page_no, run, job_id, due_at, created_at, done_at FROM pipeline_steps WHERE document_id = $1 AND stage = $2 AND page_no = $3',
    [s.documentId, s.stage, s.pageNo],
  );
  return rows[0] ? toRow(rows[0]) : null;
}

export async function listSteps(q: Queryable, documentId: string): Promise<StepRow[]> {
  const { rows } = await q.query(
    'SELECT document_id, stage, page_no, run, job_id, due_at, created_at, done_at FROM pipeline_steps WHERE document_id = $1 ORDER BY created_at, stage, page_no',
    [documentId],
  );
  return rows.map(toRow);
}
