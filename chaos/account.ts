/**
 * The end of every scenario: every file the operator handed in is accounted for.
 * - lost: a file with no document, or a document whose original is not in the object store;
 * - doubled: a file that became two documents, or a stage recorded twice in a document's history;
 * - stuck: a document neither delivered and archived nor waiting in a manual queue.
 */
import { createHash } from 'node:crypto';
import type { ObjectStore } from '../storage/objects/object-store.ts';
import type { Queryable } from '../storage/repositories/queryable.ts';
import type { ChaosFile } from './corpus.ts';

/** History events each stage writes once in a document's life (manual resolution aside, which no scenario does). */
export const ONCE_EVENTS = ['received', 'stored', 'split', 'ocr-done', 'classified', 'attached', 'not-attached', 'routed', 'delivered', 'sent-to-manual', 'archived'];

export interface Accounting {
  files: number;
  documents: number;
  finished: number;
  lost: number;
  doubled: number;
  stuck: number;
  /** Where the stuck ones stopped (`status/stage`), for the results file. */
  stuckAt: Record<string, number>;
  details: string[];
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The final-state test, in SQL: delivered (or archived) with its archive PDF, or in a manual queue. */
export const FINISHED_SQL = `((status IN ('delivered', 'archived') AND archived_at IS NOT NULL) OR status = 'manual')`;

/** Documents of these files that are finished (cheap: for polling while a scenario runs). */
export async function countFinished(db: Queryable, hashes: string[]): Promise<{ documents: number; finished: number }> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS documents, count(*) FILTER (WHERE ${FINISHED_SQL})::int AS finished FROM documents WHERE sha256 = ANY($1) AND merged_into IS NULL`,
    [hashes],
  );
  return rows[0];
}

export const hashesOf = (files: ChaosFile[]) => files.map((f) => sha256(f.data));

export async function account(db: Queryable, store: ObjectStore, files: ChaosFile[]): Promise<Accounting> {
  const hashes = hashesOf(files);
  const { rows: docs } = await db.query(
    `SELECT id, sha256, original_key, status, stage, archived_at, ${FINISHED_SQL} AS finished FROM documents WHERE sha256 = ANY($1) AND merged_into IS NULL`,
    [hashes],
  );
  const { rows: twice } = await db.query(
    `SELECT e.document_id, e.type, count(*)::int AS n FROM document_events e JOIN documents d ON d.id = e.document_id
     WHERE d.sha256 = ANY($1) AND e.type = ANY($2) GROUP BY 1, 2 HAVING count(*) > 1`,
    [hashes, ONCE_EVENTS],
  );
  const details: string[] = [];
  const byHash = new Map<string, typeof docs>();
  for (const d of docs) byHash.set(d.sha256, [...(byHash.get(d.sha256) ?? []), d]);
  let lost = 0;
  let doubled = 0;
  for (const [i, h] of hashes.entries()) {
    const mine = byHash.get(h) ?? [];
    if (mine.length === 0) { lost++; details.push(`${files[i]!.name}: no document`); }
    if (mine.length > 1) { doubled++; details.push(`${files[i]!.name}: ${mine.length} documents (${mine.map((d) => d.id).join(', ')})`); }
  }
  for (const d of docs) {
    if (!(await store.exists(d.original_key).catch(() => false))) { lost++; details.push(`${d.id}: original missing from the store`); }
  }
  const doubledDocs = new Set(twice.map((t) => t.document_id));
  for (const t of twice) details.push(`${t.document_id}: ${t.type} ${t.n} times`);
  doubled += doubledDocs.size;
  const stuckAt: Record<string, number> = {};
  for (const d of docs.filter((x) => !x.finished)) {
    const at = `${d.status}/${d.stage}${d.status === 'delivered' && !d.archived_at ? ' (not archived)' : ''}`;
    stuckAt[at] = (stuckAt[at] ?? 0) + 1;
  }
  const stuck = docs.filter((d) => !d.finished).length;
  return { files: files.length, documents: docs.length, finished: docs.length - stuck, lost, doubled, stuck, stuckAt, details };
}
