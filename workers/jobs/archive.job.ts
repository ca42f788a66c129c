import { buildArchivePdf } from '../../pipeline/archive/archive-pdf.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import { completeStage, getDocument } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { listPages } from '../../storage/repositories/pages.repository.ts';
import type { Context } from '../context.ts';

export async function archiveJob(ctx: Context, { documentId }: DocumentJob): Promise<void> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new Error(`document ${documentId} not found`);
  if (doc.archivedAt) return;
  const pages = await listPages(ctx.db, documentId);
  const images = await Promise.all(pages.map(async (p) => ({ ...p, png: await ctx.store.get(p.imageKey) })));
  const pdf = await buildArchivePdf(images, { title: doc.title ?? doc.fileName, documentId });
  const key = `archive/${documentId}.pdf`;
  await ctx.store.put(key, pdf, 'application/pdf');
  await inTransaction(ctx.db, async (tx) => {
    if (await completeStage(tx, documentId, 'archived_at', { archiveKey: key, stage: 'done' })) {
      await appendEvent(tx, documentId, 'archived', { bytes: pdf.length, pages: pages.length });
    }
  });
}
