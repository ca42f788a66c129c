import type { MediaType } from '../../pipeline/ingest/detect.ts';
import { UnreadablePageError } from '../../pipeline/pages/page-image.ts';
import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { PageJob } from '../../pipeline/stages.ts';
import type { Tx } from '../../storage/db/pool.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { markMade, rangePages } from '../../storage/repositories/split-pages.repository.ts';
import type { Context } from '../../app/context.ts';
import { storePages } from './segment.ts';

/**
 * One range of a long file's split (`pageNo`: its first page): its page images made one at a
 * time and stored, their barcodes read. The range is marked made in the runner's transaction, so
 * a worker that dies here leaves the range to be made again (same keys), and nothing else.
 */
export async function pageJob(ctx: Context, { documentId, pageNo }: PageJob): Promise<Outcome<Tx>> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new FunctionalError(`dokumentet ${documentId} finnes ikke`);
  // Split already, or stopped by another range (an unreadable page): nothing to make.
  if (doc.splitAt || doc.status === 'manual') return { kind: 'wait', for: 'nothing: the split has ended' };
  const range = await rangePages(ctx.db, documentId, pageNo);
  if (range.length === 0 || range.every((p) => p.made)) return { kind: 'done' };
  const first = range[0]!.pageNo;
  const last = range[range.length - 1]!.pageNo;
  let made;
  try {
    // The parsed file is kept for the next range of it in this process (one parse, not one per
    // range), and then the original is not fetched again either.
    made = await storePages(ctx, documentId, () => ctx.store.get(doc.originalKey), doc.mediaType as MediaType, { first, last }, doc.originalKey);
  } catch (err) {
    if (err instanceof UnreadablePageError) throw new FunctionalError(err.message);
    throw err;
  }
  return { kind: 'done', write: (tx) => markMade(tx, documentId, made) };
}
