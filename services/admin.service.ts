import { listCorrections, type CorrectionRow } from '../storage/repositories/corrections.repository.ts';
import type { Context } from '../app/context.ts';
import { requireRole, type Actor } from './access.service.ts';
import { recordLookup } from './audit.service.ts';
import { paged, type Page, type Paged } from './paging.ts';

export async function listTrainingCorrections(ctx: Pick<Context, 'db'>, actor: Actor, documentId: string | undefined, page: Page): Promise<Paged<Omit<CorrectionRow, 'correctedAt'> & { correctedAt: string }>> {
  requireRole(actor, 'admin');
  const { rows, total } = await listCorrections(ctx.db, { documentId, ...page.sql });
  const personIds = rows.filter((r) => r.field === 'personId').flatMap((r) => [r.machineValue, r.correctedValue]).filter((p): p is string => Boolean(p));
  if (personIds.length) await recordLookup(ctx, actor, { action: 'corrections:list', subject: 'corrections', purpose: 'trening av klassifisering', personIds, documentIds: rows.map((r) => r.documentId) });
  return paged(rows.map((r) => ({ ...r, correctedAt: r.correctedAt.toISOString() })), total, page);
}
