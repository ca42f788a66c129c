import { compareAttachments } from '../pipeline/identify/attachments.ts';
import { recordSweep, sweepMissingAttachments, sweepStuck, type SweepCounts } from '../storage/repositories/deviations.repository.ts';
import { laterCaseDocuments, pendingAttachments, recordArrival, type PendingAttachment } from '../storage/repositories/missing-attachments.repository.ts';
import type { Context } from '../app/context.ts';
import { sendLetters } from './letters.service.ts';

type Ctx = Pick<Context, 'db' | 'config' | 'reference' | 'log' | 'store'>;

export interface SweepReport {
  stuck: SweepCounts;
  missingAttachment: SweepCounts;
  /** Attachments a cover sheet promised that turned up in a later document of the case. */
  arrivals: number;
  /** Letters the pipeline could not hand over at once, sent now (services/letters.service.ts). */
  lettersSent: number;
  ms: number;
}

export const mailRoomUnit = (ctx: Pick<Context, 'reference'>) => ctx.reference.units.find((u) => u.type === 'manual')?.id ?? '0000';

/**
 * Finds the deviations nobody reports: documents stuck in a stage, and expected attachments still
 * missing after the tema's deadline. Run by the background job (workers/deviation-sweep.ts); safe
 * to run twice at once (one open deviation per kind and document).
 */
export async function runDeviationSweep(ctx: Ctx): Promise<SweepReport> {
  const started = new Date();
  const arrivals = await findArrivals(ctx);
  const stuck = await sweepStuck(ctx.db, ctx.config.STUCK_AFTER_MINUTES, mailRoomUnit(ctx));
  const missingAttachment = await sweepMissingAttachments(ctx.db);
  await recordSweep(ctx.db, { startedAt: started, opened: stuck.opened + missingAttachment.opened, closed: stuck.closed + missingAttachment.closed, arrivals });
  const lettersSent = (await sendLetters(ctx)).sent;
  const report = { stuck, missingAttachment, arrivals, lettersSent, ms: Date.now() - started.getTime() };
  ctx.log.info(report, 'deviation sweep');
  return report;
}

/**
 * An attachment promised on a cover sheet counts as arrived when a later document of the same
 * case carries its name at the head of a page (the same test the pipeline uses for the envelope).
 */
async function findArrivals(ctx: Ctx): Promise<number> {
  const byDocument = new Map<string, PendingAttachment[]>();
  for (const p of await pendingAttachments(ctx.db)) byDocument.set(p.documentId, [...(byDocument.get(p.documentId) ?? []), p]);
  let found = 0;
  for (const [documentId, pending] of byDocument) {
    let remaining = pending;
    for (const later of await laterCaseDocuments(ctx.db, pending[0]!.caseId, documentId)) {
      if (remaining.length === 0) break;
      const { arrived } = compareAttachments(remaining.map((p) => p.attachment), [later.title ?? '', ...later.pages]);
      for (const p of remaining.filter((r) => arrived.includes(r.attachment))) {
        if (await recordArrival(ctx.db, p, later.documentId)) found++;
      }
      remaining = remaining.filter((r) => !arrived.includes(r.attachment));
    }
  }
  return found;
}
