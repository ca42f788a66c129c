import { UnrecoverableError } from 'bullmq';
import type { Tx as DbTx } from '../storage/db/pool.ts';
import type { EventType } from '../storage/repositories/events.repository.ts';

/** A history event a stage writes (ids, codes and numbers only). */
export interface StageEvent {
  type: EventType;
  detail: Record<string, unknown>;
}

/** Document fields a stage sets when it is done (the columns of `documents` the runner may write). */
export interface StageFields {
  status?: 'processing' | 'manual' | 'delivered';
  manualReason?: string | null;
  pageCount?: number;
  formNumber?: string | null;
  title?: string | null;
  tema?: string | null;
  documentKind?: string | null;
  personId?: string | null;
  confidence?: number | null;
  classification?: Record<string, unknown> | null;
  caseId?: string | null;
  archiveKey?: string | null;
}

/** What a stage's handler found, applied by the one runner in one transaction. */
export type Outcome<Tx = DbTx> =
  | {
      kind: 'done';
      fields?: StageFields;
      events?: StageEvent[];
      /** Writes of the stage's own tables (case, routing decision, page text), inside the runner's transaction. */
      write?: (tx: Tx) => Promise<void>;
      /** Work that must follow the commit (a hand-over to another system, as an outbox does); run by the runner, must not throw. */
      after?: () => Promise<void>;
      /** header: person and form are known, identification may start. */
      enough?: boolean;
      /** split: further documents the file became (fan-out); each is stamped split and started like the first. */
      parts?: Array<{ documentId: string; fields?: StageFields; events?: StageEvent[] }>;
    }
  /**
   * split of a long file: its pages are counted and their rows written (`write`); page jobs make
   * the images (the stage table's `in-parts` successors), and split is asked again when they are.
   * The stage is not stamped.
   */
  | { kind: 'in-parts'; write: (tx: Tx) => Promise<void> }
  /** A person must look at it: the document waits in a manual queue with this reason (Norwegian, or a code reason-text.ts explains). */
  | { kind: 'manual'; reason: string }
  /** Nothing to do now: another branch finishes the join (archive before OCR is done). */
  | { kind: 'wait'; for: string };

/**
 * Functional failure: bad input or data a retry cannot fix (an unreadable file, a policy that
 * routes nowhere). BullMQ does not retry it (UnrecoverableError); the runner sends the document
 * to the manual queue with the reason. Decided here by type, never at the throw site.
 */
export class FunctionalError extends UnrecoverableError {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FunctionalError';
  }
}

/** Technical failure: an outage (database, queue, object store, person register). Retried for as long as it lasts. */
export class TechnicalError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'TechnicalError';
  }
}

// Network and disk errors of an unavailable service, by Node's error code.
const OUTAGE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED',
  'EROFS', 'ENOSPC', 'EIO', 'EACCES', 'EPERM', 'EBUSY', 'EMFILE',
  // S3 answers of an unavailable store
  'ServiceUnavailable', 'SlowDown', 'InternalError', 'RequestTimeout', 'RequestTimeTooSkewed',
]);
// PostgreSQL: connection exceptions (08), insufficient resources (53), operator intervention (57: shutdown, cannot connect now), serialisation and deadlock.
const PG_OUTAGE = /^(08|53|57P0|40001|40P01)/;
const OUTAGE_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|the database system is (starting up|shutting down)|socket hang up|read-only file system/i;

/**
 * True when the error says a service is unavailable rather than that this document is bad:
 * such failures are retried with capped backoff for as long as the outage lasts.
 */
export function isOutage(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TechnicalError) return true;
    const x = e as { code?: unknown; name?: unknown; message?: unknown; errno?: unknown };
    if (typeof x.code === 'string' && (OUTAGE_CODES.has(x.code) || PG_OUTAGE.test(x.code))) return true;
    if (x.name === 'PersonRegisterUnavailableError') return true;
    if (typeof x.message === 'string' && OUTAGE_MESSAGES.test(x.message)) return true;
    const inner = (e as { errors?: unknown[] }).errors; // AggregateError of a connect to several addresses
    if (Array.isArray(inner) && inner.some((i) => isOutage(i))) return true;
  }
  return false;
}

/** Backoff of the n-th retry (1-based): exponential from `base`, never longer than `cap`. */
export function cappedBackoff(attempt: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.max(0, Math.min(30, attempt - 1)));
}
