import type { DocumentJob } from '../../pipeline/stages.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import { findOrOpenCase } from '../../storage/repositories/cases.repository.ts';
import { flagMissingAttachments } from '../../storage/repositories/foersteside.repository.ts';
import { completeStage, getDocument } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import type { Context } from '../../app/context.ts';

/** Attaches the document to the person's open case for its tema, opening one if needed. */
export async function attachJob(ctx: Context, { documentId }: DocumentJob): Promise<void> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new Error(`document ${documentId} not found`);
  if (!doc.attachedAt) {
    await inTransaction(ctx.db, async (tx) => {
      if (doc.personId && doc.tema && doc.tema !== 'UKJ') {
        const { case: sak, opened } = await findOrOpenCase(tx, doc.personId, doc.tema);
        if (await completeStage(tx, documentId, 'attached_at', { caseId: sak.id, stage: 'route' })) {
          // Attachments the cover sheet promised but the envelope lacked: flagged on the case so the sender can be told at once.
          const c = doc.classification as { coverSheet?: string | null; missingAttachments?: string[] } | null;
          const missing = c?.coverSheet && c.missingAttachments?.length ? c.missingAttachments : [];
          if (missing.length) await flagMissingAttachments(tx, sak.id, documentId, c!.coverSheet!, missing);
          await appendEvent(tx, documentId, 'attached', { caseId: sak.id, opened, tema: doc.tema, ...(missing.length ? { missingAttachments: missing } : {}) });
        }
      } else if (await completeStage(tx, documentId, 'attached_at', { stage: 'route' })) {
        await appendEvent(tx, documentId, 'not-attached', { reason: doc.personId ? 'tema unknown' : 'person not identified' });
      }
    });
  }
  await ctx.queues.enqueue('route', { documentId });
}
