import { countsPerDay, unfinishedOlderThan, type DayCounts, type Unfinished } from '../storage/repositories/system-reconciliation.repository.ts';
import { openStepsOf, type StepRow } from '../storage/repositories/steps.repository.ts';
import { LIVE_JOB_STATES } from './lifecycle.service.ts';
import type { Context } from '../app/context.ts';
import { requireRole, type Actor } from './access.service.ts';

type Ctx = Pick<Context, 'db' | 'queues' | 'config'>;

export interface StuckDocument {
  documentId: string;
  day: string;
  status: string;
  stage: string;
  receivedAt: string;
  /** Minutes since it was received. */
  minutes: number;
}

export interface SystemReconciliation {
  /** Older than this and not finished, with no live job: stuck (NO_JOB_AFTER_MINUTES). */
  thresholdMinutes: number;
  days: Array<DayCounts & { stuck: number }>;
  stuck: StuckDocument[];
  /** Redis did not answer: whether the old documents have a job is unknown, so none is called stuck. */
  queueUnavailable: boolean;
}

const CANDIDATES = 2000;
const QUEUE_TIMEOUT_MS = 5000;

/** Whether one of a document's open steps has a job BullMQ will still run (by the step's deterministic job id). */
async function hasLiveJob(ctx: Ctx, steps: StepRow[]): Promise<boolean> {
  for (const s of steps) if (LIVE_JOB_STATES.has(await ctx.queues.byStage[s.stage].getJobState(s.jobId))) return true;
  return false;
}

/** Unfinished, and nothing will move it: no open step in the outbox, or none with a live job. */
async function findStuck(ctx: Ctx, candidates: Unfinished[]): Promise<Unfinished[]> {
  if (candidates.length === 0) return [];
  const open = new Map<string, StepRow[]>(candidates.map((c) => [c.documentId, []]));
  for (const s of await openStepsOf(ctx.db, candidates.map((c) => c.documentId))) open.get(s.documentId)!.push(s);
  const stuck: Unfinished[] = [];
  for (const c of candidates) if (!(await hasLiveJob(ctx, open.get(c.documentId)!))) stuck.push(c);
  return stuck;
}

/**
 * Per day: received, delivered (with its archive PDF), in a manual queue, merged, set aside and
 * still moving; and every document older than the threshold that is not finished and has no
 * live job in BullMQ — nothing will move it. `protectedToo` is for the command line only: the
 * web app's overview never counts strictly confidential documents.
 */
export async function reconcileSystem(ctx: Ctx, opts: { days?: number; protectedToo?: boolean; now?: Date } = {}): Promise<SystemReconciliation> {
  const protectedToo = opts.protectedToo ?? false;
  const threshold = ctx.config.NO_JOB_AFTER_MINUTES;
  const days = await countsPerDay(ctx.db, opts.days ?? 14, { protectedToo });
  const candidates = await unfinishedOlderThan(ctx.db, threshold, { protectedToo, limit: CANDIDATES });
  let stuck: Unfinished[] = [];
  let queueUnavailable = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    stuck = await Promise.race([
      findStuck(ctx, candidates),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('queue time-out')), QUEUE_TIMEOUT_MS); }),
    ]);
  } catch {
    queueUnavailable = true;
  } finally {
    clearTimeout(timer);
  }
  const now = (opts.now ?? new Date()).getTime();
  const perDay = new Map<string, number>();
  for (const s of stuck) perDay.set(s.day, (perDay.get(s.day) ?? 0) + 1);
  return {
    thresholdMinutes: threshold,
    days: days.map((d) => ({ ...d, stuck: perDay.get(d.day) ?? 0 })),
    stuck: stuck.map((s) => ({
      documentId: s.documentId, day: s.day, status: s.status, stage: s.stage, receivedAt: s.receivedAt.toISOString(),
      minutes: Math.floor((now - s.receivedAt.getTime()) / 60_000),
    })),
    queueUnavailable,
  };
}

/** The overview's reconciliation: the mail room and administrators, without strictly confidential documents. */
export async function systemReconciliation(ctx: Ctx, actor: Actor, days = 14): Promise<SystemReconciliation> {
  requireRole(actor, 'operator', 'admin');
  return reconcileSystem(ctx, { days, protectedToo: false });
}

/** For `intake status --stuck`: the days, then one line per stuck document (red on a terminal). */
export function formatSystemReconciliation(r: SystemReconciliation, opts: { colour?: boolean } = {}): string {
  const red = (s: string) => (opts.colour ? `\x1b[31m${s}\x1b[0m` : s);
  const head = ['day', 'received', 'delivered', 'manual', 'merged', 'set aside', 'moving', 'stuck'];
  const rows = r.days.map((d) => [d.day, d.received, d.delivered, d.manual, d.merged, d.setAside, d.moving, d.stuck].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(head), ...rows.map((row, i) => (r.days[i]!.stuck > 0 ? red(line(row)) : line(row)))];
  if (r.days.length === 0) out.push('(nothing received in the period)');
  out.push('');
  if (r.queueUnavailable) out.push(red('Redis did not answer: whether old documents have a job is unknown; none is called stuck.'));
  else if (r.stuck.length === 0) out.push(`No document older than ${r.thresholdMinutes} min without a live job.`);
  else {
    out.push(`${r.stuck.length} document(s) older than ${r.thresholdMinutes} min, not finished, with no live job (nothing will move them):`);
    for (const s of r.stuck) out.push(red(`  ${s.documentId.padEnd(10)} ${s.status}/${s.stage}  received ${s.receivedAt} (${s.minutes} min ago)`));
  }
  return out.join('\n');
}
