import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import type { Tx } from '../../storage/db/pool.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { caseForDocument, onAttached, sendLetters } from '../../services/letters.service.ts';
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
    // The case is found or opened inside the runner's transaction (one open case per person and tema;
    // a follow-up behind a letter's cover sheet goes to the case that sheet names).
    write: async (tx) => {
      const { case: sak, opened } = await caseForDocument(tx, doc);
      await tx.query('UPDATE documents SET case_id = $2 WHERE id = $1', [documentId, sak.id]);
      // Attachments the cover sheet promised but the envelope lacked: flagged on the case and a letter queued,
      // so the sender is told at once; a follow-up behind a letter's cover sheet ticks them off instead.
      const c = doc.classification as { coverSheet?: string | null; missingAttachments?: string[] } | null;
      const missing = c?.coverSheet && c.missingAttachments?.length ? c.missingAttachments : [];
      const { flagged, followUpTo } = await onAttached(tx, { documentId, caseId: sak.id, personId, coverSheet: c?.coverSheet ?? null, missing });
      await appendEvent(tx, documentId, 'attached', { caseId: sak.id, opened, tema, ...(flagged.length ? { missingAttachments: flagged } : {}), ...(followUpTo ? { followUpTo } : {}) });
    },
    // The queued letter goes to the letter adapter once that is committed; never throws (an unsent letter waits for the sweep).
    after: async () => void (await sendLetters(ctx, documentId)),
  };
}
