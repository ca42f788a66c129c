import { deviationStats, lastSweep, listDeviations, type DeviationKind, type DeviationRow, type DeviationStats } from '../storage/repositories/deviations.repository.ts';
import type { Context } from '../app/context.ts';
import { requireRole, type Actor } from './access.service.ts';
import { ForbiddenError } from './errors.ts';
import { paged, type Page, type Paged } from './paging.ts';

type Ctx = Pick<Context, 'db' | 'directory'>;

export interface Deviation extends Omit<DeviationRow, 'detectedAt' | 'resolvedAt'> {
  unitName: string | null;
  detectedAt: string;
  resolvedAt: string | null;
}

/** Caseworkers see their own units' deviations; the mail room and administrators see all. */
function scope(actor: Actor, unitId?: string): string[] | null {
  requireRole(actor, 'caseworker', 'operator', 'admin');
  if (actor.user.role !== 'caseworker') return unitId ? [unitId] : null;
  if (unitId && !actor.user.units.includes(unitId)) throw new ForbiddenError(`du er ikke knyttet til enhet ${unitId}`);
  return unitId ? [unitId] : actor.user.units;
}

export async function listUnitDeviations(ctx: Ctx, actor: Actor, f: { unitId?: string; kind?: DeviationKind; open?: boolean }, page: Page): Promise<Paged<Deviation>> {
  // Stuck documents and missing attachments are found by the background sweep, not here.
  const units = scope(actor, f.unitId);
  const { rows, total } = await listDeviations(ctx.db, { unitIds: units, kind: f.kind, open: f.open, ...page.sql });
  return paged(rows.map((r) => ({
    ...r, unitName: r.unitId ? ctx.directory.unit(r.unitId)?.name ?? null : null, detectedAt: r.detectedAt.toISOString(), resolvedAt: r.resolvedAt?.toISOString() ?? null,
  })), total, page);
}

export interface DeviationStatistics extends DeviationStats {
  perUnit: Array<DeviationStats['perUnit'][number] & { unitName: string }>;
  /** When the background sweep last looked for stuck documents and missing attachments. */
  lastSweepAt: string | null;
}

/** Per rule (misrouted against routed) and per unit, so that a bad routing rule shows in numbers. */
export async function deviationStatistics(ctx: Ctx, actor: Actor, unitId?: string): Promise<DeviationStatistics> {
  const units = scope(actor, unitId);
  const [s, sweep] = await Promise.all([deviationStats(ctx.db, units), lastSweep(ctx.db)]);
  return {
    perRule: s.perRule, perUnit: s.perUnit.map((u) => ({ ...u, unitName: ctx.directory.unit(u.unitId)?.name ?? '' })),
    lastSweepAt: sweep?.finishedAt.toISOString() ?? null,
  };
}
