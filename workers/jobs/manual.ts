import { inTransaction } from '../../storage/db/pool.ts';
import { updateDocument } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { keepVendorPerson } from '../../storage/repositories/document-access.repository.ts';
import type { Context } from '../../app/context.ts';

/** Functional failure: the document waits in the mail room's manual queue with a reason. */
export async function sendToManual(ctx: Context, documentId: string, stage: string, reason: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    // Issue 11: a kode-6 person named by the vendor's XML keeps the document out of the mail room's sight.
    await keepVendorPerson(tx, documentId);
    await updateDocument(tx, documentId, { status: 'manual', stage, manualReason: reason });
    await appendEvent(tx, documentId, 'sent-to-manual', { stage, reason });
  });
  ctx.log.info({ documentId, stage }, 'document sent to manual queue');
}
