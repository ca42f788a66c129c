/**
 * A document's life has one owner: this module. Every change of a document's place in the
 * pipeline — a stage done, a stop for a person, a person's resolution, a return and re-routing —
 * goes through `applyOutcome` in one PostgreSQL transaction: it stamps the stage, writes the
 * history, sets the `stage` column and opens the successors that pipeline/stages.ts's NEXT
 * table names as rows of the outbox (pipeline_steps). After commit the steps are queued
 * (`enqueueSteps`); whatever Redis lost, `redrive` queues again.
 */
import { jobDataOf, successors, waitingFor, type DocumentFacts, type Said, type Stage, type Step } from '../pipeline/stages.ts';
import type { Outcome, StageEvent, StageFields } from '../pipeline/outcome.ts';
import { inTransaction, type Tx } from '../storage/db/pool.ts';
import { keepVendorPerson } from '../storage/repositories/document-access.repository.ts';
import { getDocument } from '../storage/repositories/documents.repository.ts';
import { appendEvent } from '../storage/repositories/events.repository.ts';
import { listPages, markOcrDone } from '../storage/repositories/pages.repository.ts';
import { closeAllSteps, closeStep, dueSteps, getStep, lockFacts, openSteps, stampOf, type StepRow } from '../storage/repositories/steps.repository.ts';
import { vendorPersonId } from './access.service.ts';
import type { Context } from '../app/context.ts';

type Ctx = Pick<Context, 'db' | 'queues' | 'log'> & Partial<Pick<Context, 'persons'>>;

const FIELD_COLUMN: Record<keyof StageFields, string> = {
  status: 'status', manualReason: 'manual_reason', pageCount: 'page_count', formNumber: 'form_number', title: 'title',
  tema: 'tema', documentKind: 'document_kind', personId: 'person_id', confidence: 'confidence',
  classification: 'classification', caseId: 'case_id', archiveKey: 'archive_key',
};

/**
 * Stamps a document-level stage with its fields. Returns false when the stage was done already
 * (a repeat: nothing is written). `again`: a person redid the stage (resolution, re-routing).
 */
async function stamp(tx: Tx, documentId: string, stage: Stage, fields: StageFields = {}, again = false): Promise<boolean> {
  const entries = Object.entries(fields) as Array<[keyof StageFields, unknown]>;
  const sets = entries.map(([k], i) => `${FIELD_COLUMN[k]} = $${i + 2}`);
  const col = stampOf(stage);
  const { rowCount } = await tx.query(
    `UPDATE documents SET ${[...sets, `${col} = now()`, 'updated_at = now()'].join(', ')} WHERE id = $1${again ? '' : ` AND ${col} IS NULL`}`,
    [documentId, ...entries.map(([, v]) => v)],
  );
  return rowCount === 1;
}

async function writeEvents(tx: Tx, documentId: string, events: StageEvent[] = []): Promise<void> {
  for (const e of events) await appendEvent(tx, documentId, e.type, e.detail);
}

/** Every page read: OCR of the document is done (once), with where its text came from. */
async function completeOcr(tx: Tx, documentId: string): Promise<void> {
  if (!(await markOcrDone(tx, documentId))) return;
  const pages = await listPages(tx, documentId);
  const read = pages.filter((p) => p.ocrStatus === 'done');
  await appendEvent(tx, documentId, 'ocr-done', {
    pages: pages.length,
    meanConfidence: Math.round(read.reduce((s, p) => s + (p.confidence ?? 0), 0) / Math.max(1, read.length)),
    ms: pages.reduce((s, p) => s + (p.ocrMs ?? 0), 0),
    blank: pages.filter((p) => p.ocrStatus === 'blank').length,
    manual: pages.filter((p) => p.ocrStatus === 'manual').length,
    pdfText: pages.filter((p) => p.ocrStatus === 'pdf-text').length,
  });
}

/** Opens what NEXT says comes after `stage`, completes OCR when the last page is in, and sets the stage column. */
async function startNext(tx: Tx, documentId: string, stage: Stage, said: Said): Promise<StepRow[]> {
  let facts = (await lockFacts(tx, documentId))!;
  const steps = successors(stage, documentId, facts, said);
  if ((stage === 'split' || stage === 'ocr') && facts.done.has('split') && !facts.done.has('ocr') && facts.pages.length > 0 && facts.unread.length === 0) {
    await completeOcr(tx, documentId);
    facts = (await lockFacts(tx, documentId))!;
    steps.push(...successors('ocr', documentId, facts));
  }
  if (!stopped(facts)) {
    await tx.query('UPDATE documents SET stage = $2 WHERE id = $1 AND stage IS DISTINCT FROM $2', [documentId, waitingFor(facts, said)]);
  }
  const unique = new Map(steps.map((s) => [`${s.stage}/${s.pageNo}`, s]));
  return openSteps(tx, [...unique.values()]);
}

const stopped = (f: DocumentFacts) => f.merged || (f.status === 'manual' && !f.done.has('route'));

/**
 * The one "needs a person" transition: the document waits in a manual queue with the reason
 * (kode 6 in NAV Vikafossen's own; see manual-queue.service.ts). The person the vendor's XML
 * names stays with it (issue 11), so its protection does too.
 */
export async function stopForPerson(tx: Tx, documentId: string, where: string, reason: string): Promise<void> {
  await keepVendorPerson(tx, documentId);
  await tx.query(`UPDATE documents SET status = 'manual', stage = $2, manual_reason = $3, updated_at = now() WHERE id = $1`, [documentId, where, reason]);
  await appendEvent(tx, documentId, 'sent-to-manual', { stage: where, reason });
}

export interface ApplyOptions {
  /** A person redid the stage (manual resolution, re-routing): its writes happen even though it is stamped. */
  again?: boolean;
}

/**
 * Applies a stage's outcome inside the caller's transaction; returns the steps it opened, for
 * `enqueueSteps` after commit. Idempotent: a stage already stamped writes nothing again (unless
 * `again`), and successors already open or done are not opened twice.
 */
export async function applyOutcome(tx: Tx, at: Step, outcome: Outcome<Tx>, opts: ApplyOptions = {}): Promise<StepRow[]> {
  const facts = await lockFacts(tx, at.documentId);
  if (!facts) {
    await closeStep(tx, at);
    return [];
  }
  if (outcome.kind === 'wait') {
    await closeStep(tx, at);
    return [];
  }
  if (outcome.kind === 'manual') {
    if (!facts.merged) await stopForPerson(tx, at.documentId, at.stage, outcome.reason);
    await closeStep(tx, at);
    return [];
  }
  if (outcome.kind === 'in-parts') {
    // Unstamped: the page jobs it opens run split again when the last page is made.
    if (!facts.done.has(at.stage)) await outcome.write(tx);
    await closeStep(tx, at);
    return startNext(tx, at.documentId, at.stage, { inParts: true });
  }
  const docs = [{ documentId: at.documentId, fields: outcome.fields, events: outcome.events }, ...(outcome.parts ?? [])];
  const pageStep = at.pageNo > 0;
  if (opts.again || pageStep || !facts.done.has(at.stage)) {
    await outcome.write?.(tx);
    for (const [i, d] of docs.entries()) {
      if (i > 0) await lockFacts(tx, d.documentId);
      // A page step's stamp is the page's own (written by `write`); the document's comes with the last page.
      if (pageStep) await writeEvents(tx, d.documentId, d.events);
      else if (await stamp(tx, d.documentId, at.stage, d.fields, opts.again)) await writeEvents(tx, d.documentId, d.events);
    }
  }
  await closeStep(tx, at);
  const opened: StepRow[] = [];
  for (const d of docs) opened.push(...(await startNext(tx, d.documentId, at.stage, { enough: outcome.enough })));
  return opened;
}

/** A new document (ingest): its first step, split, is written with its row. */
export async function received(tx: Tx, documentId: string): Promise<StepRow[]> {
  return openSteps(tx, [{ documentId, stage: 'split', pageNo: 0 }]);
}

/**
 * Pages changed hands (a person split a document or merged two): every page not read yet is
 * read where it now belongs. Steps of pages that moved away find no page and end as "wait".
 */
export async function pagesMoved(tx: Tx, documentIds: string[]): Promise<StepRow[]> {
  const opened: StepRow[] = [];
  for (const id of documentIds) {
    const facts = await lockFacts(tx, id);
    if (facts && !facts.merged) opened.push(...(await openSteps(tx, facts.unread.map((pageNo) => ({ documentId: id, stage: 'ocr' as const, pageNo })))));
  }
  return opened;
}

/** A document merged into another: its steps end here. */
export async function endSteps(tx: Tx, documentId: string): Promise<void> {
  await closeAllSteps(tx, documentId);
}

/**
 * Queues steps opened by a committed transaction. Never fails the caller: the steps are in
 * PostgreSQL, so a Redis that is down (or slow) only delays them until the re-drive.
 */
export async function enqueueSteps(ctx: Ctx, steps: StepRow[]): Promise<void> {
  for (const s of steps) {
    try {
      await ctx.queues.enqueue(s.stage, jobDataOf(s), s.run);
    } catch (err) {
      ctx.log.warn({ documentId: s.documentId, stage: s.stage, err: (err as Error).message }, 'step not queued now; the re-drive will');
      return; // Redis is away: the rest would wait just as long
    }
  }
}

/**
 * Applies an outcome in its own transaction and queues what it opened: the runner's last step,
 * and what services (manual resolution, returns) call. Returns the steps opened.
 */
export async function transition(ctx: Ctx, at: Step, outcome: Outcome<Tx>, opts: ApplyOptions = {}): Promise<StepRow[]> {
  const steps = await inTransaction(ctx.db, (tx) => applyOutcome(tx, at, outcome, opts));
  await enqueueSteps(ctx, steps);
  return steps;
}

/** Runs `fn` in a transaction; the steps its lifecycle transitions open (`apply`, or given to `later`) are queued after commit. */
export async function withTransitions<T>(
  ctx: Ctx,
  fn: (tx: Tx, apply: (at: Step, outcome: Outcome<Tx>, opts?: ApplyOptions) => Promise<void>, later: (steps: StepRow[]) => void) => Promise<T>,
): Promise<T> {
  const opened: StepRow[] = [];
  const result = await inTransaction(ctx.db, (tx) => fn(tx, async (at, outcome, opts) => {
    opened.push(...(await applyOutcome(tx, at, outcome, opts)));
  }, (steps) => opened.push(...steps)));
  await enqueueSteps(ctx, opened);
  return result;
}

/** Asks the register for the vendor's named person before a stop, so PDL's answer is kept in `persons`. */
export async function rememberVendorPerson(ctx: Pick<Context, 'db'> & Partial<Pick<Context, 'persons'>>, documentId: string): Promise<void> {
  const named = vendorPersonId(await getDocument(ctx.db, documentId));
  if (named && ctx.persons) await ctx.persons.lookup([named]);
}

export interface RedriveReport {
  /** Open steps due. */
  due: number;
  /** Of them, with a job waiting, delayed or running. */
  live: number;
  /** Queued again (no job, or one that ended while its step stayed open). */
  queued: number;
}

/** BullMQ job states in which the job will still run. */
export const LIVE_JOB_STATES: ReadonlySet<string> = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The safety net: every open step due more than `graceMs` ago whose job is gone (Redis
 * restarted without persistence, a queue emptied, a crash between commit and queueing) or
 * ended without closing it (failed after stalling) is queued again under its deterministic id.
 * Run every REDRIVE_EVERY_MS by a repeatable job and at worker start (workers/redrive.ts).
 */
export async function redrive(ctx: Ctx, opts: { graceMs?: number; limit?: number } = {}): Promise<RedriveReport> {
  const steps = await dueSteps(ctx.db, new Date(Date.now() - (opts.graceMs ?? 5_000)), opts.limit ?? 5_000);
  const report: RedriveReport = { due: steps.length, live: 0, queued: 0 };
  for (const s of steps) {
    const queue = ctx.queues.byStage[s.stage];
    const state = await queue.getJobState(s.jobId);
    if (LIVE_JOB_STATES.has(state)) {
      report.live++;
      continue;
    }
    if (state !== 'unknown') {
      // Ended while its step stays open (a completed job commits its step first, so read it again).
      if ((await getStep(ctx.db, s))?.doneAt) continue;
      const removed = await queue.remove(s.jobId).catch(() => 0);
      if (!removed) continue; // locked by a worker right now: live after all
    }
    await ctx.queues.enqueue(s.stage, jobDataOf(s), s.run);
    report.queued++;
  }
  if (report.queued) ctx.log.info(report, 're-drive queued steps whose job was gone');
  return report;
}
