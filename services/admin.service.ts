import { listCorrections, type CorrectionRow } from '../storage/repositories/corrections.repository.ts';
import type { Context } from '../app/context.ts';
import { maskId, requireRole, type Actor } from './access.service.ts';
import { recordLookup } from './audit.service.ts';
import { paged, type Page, type Paged } from './paging.ts';

/**
 * The mail room's corrections (the classifier's training data), for administrators: person ids
 * masked (that a person was corrected is what matters here), strictly confidential documents left out.
 */
export async function listTrainingCorrections(ctx: Pick<Context, 'db'>, actor: Actor, documentId: string | undefined, page: Page): Promise<Paged<Omit<CorrectionRow, 'correctedAt'> & { correctedAt: string }>> {
  requireRole(actor, 'admin');
  const { rows, total } = await listCorrections(ctx.db, { documentId, excludeStrictlyConfidential: true, ...page.sql });
  const personIds = rows.filter((r) => r.field === 'personId').flatMap((r) => [r.machineValue, r.correctedValue]).filter((p): p is string => Boolean(p));
  if (personIds.length) await recordLookup(ctx, actor, { action: 'corrections:list', subject: 'corrections', purpose: 'trening av klassifisering', personIds, documentIds: rows.map((r) => r.documentId) });
  const mask = (r: CorrectionRow, v: string | null) => (r.field === 'personId' && v ? maskId(v) : v);
  return paged(rows.map((r) => ({ ...r, machineValue: mask(r, r.machineValue), correctedValue: mask(r, r.correctedValue), correctedAt: r.correctedAt.toISOString() })), total, page);
}
