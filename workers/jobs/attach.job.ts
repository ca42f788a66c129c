import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import type { Tx } from '../../storage/db/pool.ts';
import { findOrOpenCase } from '../../storage/repositories/cases.repository.ts';
import { flagMissingAttachments } from '../../storage/repositories/foersteside.repository.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import type { Context } from '../../app/context.ts';

/** Attaches the document to the person's open case for its tema, opening one if needed. */
export async function attachJob(ctx: Context, { documentId }: DocumentJob): Promise<Outcome<Tx>> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new FunctionalError(`dokumentet ${documentId} finnes ikke`);
  if (doc.attachedAt) return { kind: 'done' };
  if (!doc.personId || !doc.tema || doc.tema === 'UKJ') {
    return { kind: 'done', events: [{ type: 'not-attached', detail: { reason: doc.personId ? 'tema unknown' : 'person not identified' } }] };
  }
  const { personId, tema } = doc;
  return {
    kind: 'done',
    // The case is found or opened inside the runner's transaction (one open case per person and tema).
    write: async (tx) => {
      const { case: sak, opened } = await findOrOpenCase(tx, personId, tema);
      await tx.query('UPDATE documents SET case_id = $2 WHERE id = $1', [documentId, sak.id]);
      // Attachments the cover sheet promised but the envelope lacked: flagged on the case so the sender can be told at once.
      const c = doc.classification as { coverSheet?: string | null; missingAttachments?: string[] } | null;
      const missing = c?.coverSheet && c.missingAttachments?.length ? c.missingAttachments : [];
      if (missing.length) await flagMissingAttachments(tx, sak.id, documentId, c!.coverSheet!, missing);
      await appendEvent(tx, documentId, 'attached', { caseId: sak.id, opened, tema, ...(missing.length ? { missingAttachments: missing } : {}) });
    },
  };
}
