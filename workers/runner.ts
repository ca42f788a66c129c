import type { Job } from 'bullmq';
import { FunctionalError, isOutage, type Outcome } from '../pipeline/outcome.ts';
import type { JobData, Stage, Step } from '../pipeline/stages.ts';
import type { Tx } from '../storage/db/pool.ts';
import { rememberVendorPerson, transition } from '../services/lifecycle.service.ts';
import type { Context } from '../app/context.ts';
import { STAGE_NB } from '../services/timeline-text.ts';

type Handler<S extends Stage> = (ctx: Context, data: JobData[S]) => Promise<Outcome<Tx>>;

/**
 * The typed job map: each stage's handler gets the payload its name says, and returns an outcome.
 * Each is imported when its stage first runs in this process: a worker of some stages only (a
 * split worker: `--stages split,page`) never loads the others' modules (classifier, archive,
 * OCR), which are most of an idle process's memory (issue 14).
 */
const HANDLERS: { [S in Stage]: () => Promise<Handler<S>> } = {
  split: async () => (await import('./jobs/split.job.ts')).splitJob,
  page: async () => (await import('./jobs/page.job.ts')).pageJob,
  header: async () => (await import('./jobs/ocr.job.ts')).headerJob,
  ocr: async () => (await import('./jobs/ocr.job.ts')).ocrJob,
  identify: async () => (await import('./jobs/identify.job.ts')).identifyJob,
  attach: async () => (await import('./jobs/attach.job.ts')).attachJob,
  route: async () => (await import('./jobs/route.job.ts')).routeJob,
  archive: async () => (await import('./jobs/archive.job.ts')).archiveJob,
};

const loaded = new Map<Stage, Promise<unknown>>();

/**
 * A stage's handler, its module imported once: kept here rather than asked of the module cache
 * at every job (each import() goes through the loader's resolve hook, tsx's included).
 */
export function handlerOf<S extends Stage>(stage: S): Promise<Handler<S>> {
  let h = loaded.get(stage);
  if (!h) {
    h = (HANDLERS[stage] as () => Promise<Handler<S>>)();
    h.catch(() => loaded.delete(stage)); // a failed import is tried again by the next job
    loaded.set(stage, h);
  }
  return h as Promise<Handler<S>>;
}

const stepOf = <S extends Stage>(stage: S, data: JobData[S]): Step => ({
  documentId: data.documentId, stage, pageNo: 'pageNo' in data ? (data as { pageNo: number }).pageNo : 0,
});

/**
 * Runs one stage and applies what it found (services/lifecycle.service.ts). The two failure
 * families are decided here, by type, never where they are thrown:
 * - functional (FunctionalError, or a handler's "needs a person"): the document goes to the
 *   manual queue with the reason; the job ends without a retry;
 * - technical: an outage (isOutage) is thrown back and retried with capped backoff for as long as
 *   it lasts; any other error is retried JOB_ATTEMPTS times and then left to a person as well,
 *   so no document sits in a failed job.
 */
export async function runStage<S extends Stage>(ctx: Context, stage: S, data: JobData[S], attemptsMade = 0): Promise<Outcome['kind']> {
  const at = stepOf(stage, data);
  // A fault that is no outage and survives every retry: a person must look (the cause is logged, not shown).
  const giveUp = (err: unknown): Outcome<Tx> | null => {
    if (isOutage(err) || attemptsMade + 1 < ctx.config.JOB_ATTEMPTS) return null;
    ctx.log.error({ documentId: at.documentId, stage, pageNo: at.pageNo || undefined, attempts: attemptsMade + 1, err: (err as Error).message }, 'stage gave up; document sent to manual queue');
    return { kind: 'manual', reason: `teknisk feil: steget «${STAGE_NB[stage] ?? stage}» lyktes ikke etter ${attemptsMade + 1} forsøk; meld fra til drift og send dokumentet videre for hånd` };
  };
  let outcome: Outcome<Tx>;
  try {
    outcome = await (await handlerOf(stage))(ctx, data);
  } catch (err) {
    if (err instanceof FunctionalError) outcome = { kind: 'manual', reason: err.reason };
    else outcome = giveUp(err) ?? (() => { throw err; })();
  }
  if (outcome.kind === 'manual') await rememberVendorPerson(ctx, at.documentId);
  try {
    await transition(ctx, at, outcome);
  } catch (err) {
    // Applying failed (the stage's own writes, or the database went away): retried like the stage itself.
    const manual = outcome.kind === 'manual' ? null : giveUp(err);
    if (!manual) throw err;
    await transition(ctx, at, (outcome = manual));
  }
  if (outcome.kind === 'done') await outcome.after?.();
  if (outcome.kind === 'manual') ctx.log.info({ documentId: at.documentId, stage }, 'document sent to manual queue');
  return outcome.kind;
}

/** The BullMQ processor of a stage's queue. */
export function processorOf(ctx: Context, stage: Stage): (job: Job) => Promise<Outcome['kind']> {
  return (job) => runStage(ctx, stage, job.data as never, job.attemptsMade);
}
