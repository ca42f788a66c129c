import { inTransaction } from '../../storage/db/pool.ts';
import { getDocument, updateDocument } from '../../storage/repositories/documents.repository.ts';
import { vendorPersonId } from '../../services/access.service.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { keepVendorPerson } from '../../storage/repositories/document-access.repository.ts';
import type { Context } from '../../app/context.ts';

/** Functional failure: the document waits in the mail room's manual queue with a reason. */
export async function sendToManual(ctx: Context, documentId: string, stage: string, reason: string): Promise<void> {
  // Issue 11: the person the vendor's XML names stays with the document (asked of the register, so
  // PDL's answer is kept), and with it the protection: a kode-6 document never waits where the mail room sees it.
  const named = vendorPersonId(await getDocument(ctx.db, documentId));
  if (named) await ctx.persons.lookup([named]);
  await inTransaction(ctx.db, async (tx) => {
    await keepVendorPerson(tx, documentId);
    await updateDocument(tx, documentId, { status: 'manual', stage, manualReason: reason });
    await appendEvent(tx, documentId, 'sent-to-manual', { stage, reason });
  });
  ctx.log.info({ documentId, stage }, 'document sent to manual queue');
}
