import { closeDeviation as close, deviationStats, getDeviation, lastSweep, listDeviations, type DeviationKind, type DeviationRow, type DeviationScope, type DeviationStats } from '../storage/repositories/deviations.repository.ts';
import { strictlyConfidentialIds } from '../storage/repositories/document-access.repository.ts';
import type { Context } from '../app/context.ts';
import { isSpecialCaseworker, protectedUnits, requireRole, type Actor } from './access.service.ts';
import { recordLookup } from './audit.service.ts';
import { ConflictError, ForbiddenError, NotFoundError } from './errors.ts';
import { paged, type Page, type Paged } from './paging.ts';
import { policiesOf } from './document.service.ts';
import { ruleNb } from './reason-text.ts';
import type { Policy } from '../schemas/reference.ts';

type Ctx = Pick<Context, 'db' | 'directory' | 'reference' | 'policy'>;

export interface Deviation extends Omit<DeviationRow, 'detectedAt' | 'resolvedAt'> {
  unitName: string | null;
  /** The routing rule and what it means. */
  ruleText: string | null;
  detectedAt: string;
  resolvedAt: string | null;
}

/**
 * Caseworkers see their own units' deviations; the mail room and administrators see all, except
 * those of strictly confidential documents and of NAV Vikafossen, which only its caseworkers see.
 */
function scope(ctx: Ctx, actor: Actor, unitId?: string): DeviationScope {
  requireRole(actor, 'caseworker', 'operator', 'admin');
  const special = protectedUnits(ctx);
  const base = { includeProtected: isSpecialCaseworker(actor.user, special), protectedUnits: [...special] };
  if (actor.user.role !== 'caseworker') return { ...base, unitIds: unitId ? [unitId] : null };
  if (unitId && !actor.user.units.includes(unitId)) throw new ForbiddenError(`du er ikke knyttet til enhet ${unitId}`);
  return { ...base, unitIds: unitId ? [unitId] : actor.user.units };
}

const toDeviation = (ctx: Ctx, policies: Policy[]) => (r: DeviationRow): Deviation => ({
  ...r, unitName: r.unitId ? ctx.directory.unit(r.unitId)?.name ?? null : null, ruleText: r.ruleId ? ruleNb(r.ruleId, policies) : null,
  detectedAt: r.detectedAt.toISOString(), resolvedAt: r.resolvedAt?.toISOString() ?? null,
});

export async function listUnitDeviations(ctx: Ctx, actor: Actor, f: { unitId?: string; kind?: DeviationKind; open?: boolean }, page: Page): Promise<Paged<Deviation>> {
  // Stuck documents and missing attachments are found by the background sweep, not here.
  const { rows, total } = await listDeviations(ctx.db, { ...scope(ctx, actor, f.unitId), kind: f.kind, open: f.open, ...page.sql });
  // The list names documents and cases: a read of those persons' cases, recorded as such.
  const documentIds = rows.map((r) => r.documentId).filter((d): d is string => Boolean(d));
  if (documentIds.length) await recordLookup(ctx, actor, { action: 'deviation:list', subject: f.unitId ?? 'avvik', purpose: 'oppfølging av avvik', documentIds });
  return paged(rows.map(toDeviation(ctx, await policiesOf(ctx))), total, page);
}

export interface DeviationStatistics extends DeviationStats {
  perRule: Array<DeviationStats['perRule'][number] & { ruleText: string }>;
  perUnit: Array<DeviationStats['perUnit'][number] & { unitName: string }>;
  /** When the background sweep last looked for stuck documents and missing attachments. */
  lastSweepAt: string | null;
}

/** Per rule (misrouted against routed) and per unit, so that a bad routing rule shows in numbers. */
export async function deviationStatistics(ctx: Ctx, actor: Actor, unitId?: string): Promise<DeviationStatistics> {
  const [s, sweep, policies] = await Promise.all([deviationStats(ctx.db, scope(ctx, actor, unitId)), lastSweep(ctx.db), policiesOf(ctx)]);
  return {
    perRule: s.perRule.map((r) => ({ ...r, ruleText: ruleNb(r.ruleId, policies) })), perUnit: s.perUnit.map((u) => ({ ...u, unitName: ctx.directory.unit(u.unitId)?.name ?? '' })),
    lastSweepAt: sweep?.finishedAt.toISOString() ?? null,
  };
}

/**
 * Closes a deviation with a note: a caseworker of its unit, or the mail room and administrators.
 * One they may not see answers as one that does not exist; the action is recorded.
 */
export async function closeUnitDeviation(ctx: Ctx, actor: Actor, id: number, note: string): Promise<Deviation> {
  requireRole(actor, 'caseworker', 'operator', 'admin');
  const special = protectedUnits(ctx);
  const row = await getDeviation(ctx.db, id);
  const hidden = row && !isSpecialCaseworker(actor.user, special)
    && ((row.unitId !== null && special.has(row.unitId)) || (row.documentId !== null && (await strictlyConfidentialIds(ctx.db, [row.documentId])).size > 0));
  const log = (outcome: 'granted' | 'denied' | 'not-found') => recordLookup(ctx, actor, {
    action: 'deviation:close', subject: String(id), purpose: 'oppfølging av avvik', outcome, documentIds: row?.documentId && outcome !== 'not-found' ? [row.documentId] : [],
  });
  if (!row || hidden) {
    await log(row ? 'denied' : 'not-found');
    throw new NotFoundError(`fant ikke avvik ${id}`);
  }
  if (actor.user.role === 'caseworker' && !(row.unitId && actor.user.units.includes(row.unitId))) {
    await log('denied');
    throw new ForbiddenError('avviket gjelder en annen enhet', true);
  }
  if (!(await close(ctx.db, id, actor.user.id, note))) throw new ConflictError(`avvik ${id} er allerede lukket`);
  await log('granted');
  return toDeviation(ctx, await policiesOf(ctx))((await getDeviation(ctx.db, id))!);
}
