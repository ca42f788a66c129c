import { STAGES } from '../pipeline/stages.ts';
import { documentsPerStage, documentsPerUnitAndTema, pagesPerHour, scanToDelivery } from '../storage/repositories/overview.repository.ts';
import type { Context } from '../app/context.ts';
import { requireRole, type Actor } from './access.service.ts';
import { thresholdOverview, type ThresholdOverview } from './learning.service.ts';

export interface Overview {
  /** Issue 13: per field and tema, the share routed straight through and the measured error, with the thresholds in force. */
  learning: ThresholdOverview;
  pagesPerHour: Array<{ hour: string; pages: number }>;
  queues: Array<{ stage: string; waiting: number; active: number; delayed: number; failed: number }>;
  documentsPerStage: Array<{ status: string; stage: string; documents: number }>;
  perUnit: Array<{ unitId: string; name: string; total: number; tema: Record<string, number> }>;
  scanToDelivery: Array<{ tema: string | null; documents: number; p50: number | null; p95: number | null }>;
}

/** Numbers only, for the overview page. */
export async function overview(ctx: Pick<Context, 'db' | 'queues' | 'directory' | 'store' | 'config'>, actor: Actor, hours = 24): Promise<Overview> {
  requireRole(actor, 'operator', 'admin');
  const counts = await ctx.queues.counts();
  const perUnit = new Map<string, Overview['perUnit'][number]>();
  for (const r of await documentsPerUnitAndTema(ctx.db)) {
    const u = perUnit.get(r.unitId) ?? { unitId: r.unitId, name: ctx.directory.unit(r.unitId)?.name ?? '', total: 0, tema: {} };
    u.total += r.documents;
    u.tema[r.tema] = (u.tema[r.tema] ?? 0) + r.documents;
    perUnit.set(r.unitId, u);
  }
  return {
    learning: await thresholdOverview(ctx),
    pagesPerHour: (await pagesPerHour(ctx.db, hours)).map((r) => ({ hour: r.hour.toISOString(), pages: r.pages })),
    queues: STAGES.map((s) => ({ stage: s, waiting: counts[s].waiting ?? 0, active: counts[s].active ?? 0, delayed: counts[s].delayed ?? 0, failed: counts[s].failed ?? 0 })),
    documentsPerStage: await documentsPerStage(ctx.db),
    perUnit: [...perUnit.values()].sort((a, b) => b.total - a.total),
    scanToDelivery: await scanToDelivery(ctx.db),
  };
}
