import { missingAttachmentsLetter, deadlineFrom } from '../pipeline/letters/content.ts';
import { renderLetterPdf } from '../pipeline/letters/render.ts';
import { inTransaction } from '../storage/db/pool.ts';
import { findOrOpenCase, getCase, type CaseRow } from '../storage/repositories/cases.repository.ts';
import { documentFacts, strictlyConfidentialIds } from '../storage/repositories/document-access.repository.ts';
import { getDocument, type DocumentRow } from '../storage/repositories/documents.repository.ts';
import { appendEvent } from '../storage/repositories/events.repository.ts';
import { createCoverSheet, flagMissingAttachments, getCoverSheet } from '../storage/repositories/foersteside.repository.ts';
import {
  bindFollowUpSheet, claimLetter, closeMissingAttachmentDeviation, deadlineDays, failedLetters, followUpBinding, getLetter, hasLetter, insertLetter,
  lettersOf, markLetterFailed, markLetterSent, requeueLetter, stillMissing, unsentLetterIds, type LetterRow, type LetterState, type RetryPolicy,
} from '../storage/repositories/letters.repository.ts';
import { recordArrival } from '../storage/repositories/missing-attachments.repository.ts';
import { DEFAULT_DEADLINE_DAYS } from '../storage/repositories/missing-attachments.repository.ts';
import type { Queryable } from '../storage/repositories/queryable.ts';
import { folderOutbox } from '../storage/letter-outbox/folder-outbox.ts';
import type { LetterOutbox } from '../storage/letter-outbox/letter-outbox.ts';
import type { Context } from '../app/context.ts';
import { isStrictlyConfidential, requireRole, type Actor } from './access.service.ts';
import { authorizeContent } from './document.service.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { paged, type Page, type Paged } from './paging.ts';

/**
 * The letter about missing attachments (issue 13, part 3), end to end:
 * 1. attach (workers/jobs/attach.job.ts) calls `onAttached` in its transaction: a claim whose cover
 *    sheet listed attachments that did not come gets them flagged on the case, a new ettersendelse
 *    cover sheet (a new løpenummer bound to the case and the claim, listing just those) and a queued
 *    letter; a follow-up arriving behind such a sheet ticks the items off on the claim instead and,
 *    when nothing is missing any more, closes the claim's deviation.
 * 2. After the commit (the attach outcome's `after`, run by workers/runner.ts), `sendLetters` renders the PDF, stores it and hands it to the letter adapter
 *    (the outbox pattern: a crash between the two leaves the row queued, and the deviation sweep
 *    sends it later). A failure never holds up the claim's own way to its unit.
 */

/** An ettersendelse sheet made for a letter names its case: the follow-up goes there, not to whatever case is open now. */
export async function caseForDocument(tx: Queryable, doc: Pick<DocumentRow, 'personId' | 'tema' | 'classification'>): Promise<{ case: CaseRow; opened: boolean }> {
  const sheet = (doc.classification as { coverSheet?: string | null } | null)?.coverSheet;
  const bound = sheet ? await followUpBinding(tx, sheet) : null;
  if (bound && bound.personId === doc.personId && bound.tema === doc.tema) {
    const sak = await getCase(tx, bound.caseId);
    if (sak) return { case: sak, opened: false };
  }
  return findOrOpenCase(tx, doc.personId!, doc.tema!);
}

export interface AttachOutcome {
  /** Attachments flagged as missing on this document (what the event records). */
  flagged: string[];
  /** This document answers a letter: the claim it completes. */
  followUpTo: string | null;
  letterQueued: boolean;
}

/**
 * Called once per document when it is attached to a case, inside that transaction. `missing` is
 * what the document's cover sheet listed and the envelope lacked (pipeline/identify/attachments.ts).
 */
export async function onAttached(tx: Queryable, a: { documentId: string; caseId: string; personId: string | null; coverSheet: string | null; missing: string[] }): Promise<AttachOutcome> {
  const none: AttachOutcome = { flagged: [], followUpTo: null, letterQueued: false };
  if (!a.coverSheet) return none;
  const bound = await followUpBinding(tx, a.coverSheet);
  if (bound) return { ...none, followUpTo: await tickOff(tx, bound.followUpTo, a.documentId, a.coverSheet, a.missing) };
  if (a.missing.length === 0) return none;
  await flagMissingAttachments(tx, a.caseId, a.documentId, a.coverSheet, a.missing);
  const letterQueued = a.personId ? await queueLetter(tx, a.documentId, a.caseId, a.personId, a.coverSheet, a.missing) : false;
  return { flagged: a.missing, followUpTo: null, letterQueued };
}

/** The follow-up came: what its sheet listed and it brought counts as arrived for the claim. */
async function tickOff(tx: Queryable, claimId: string, followUpId: string, sheetNo: string, missingNow: string[]): Promise<string> {
  const sheet = await getCoverSheet(tx, sheetNo);
  const brought = (sheet?.attachments ?? []).filter((x) => !missingNow.includes(x));
  let ticked = 0;
  for (const p of await stillMissing(tx, claimId)) {
    if (brought.includes(p.attachment) && (await recordArrival(tx, { caseId: p.caseId, documentId: claimId, attachment: p.attachment }, followUpId))) ticked++;
  }
  const remaining = (await stillMissing(tx, claimId)).length;
  await appendEvent(tx, claimId, 'attachments-arrived', { in: followUpId, arrived: ticked, remaining });
  await appendEvent(tx, followUpId, 'follow-up-received', { to: claimId, arrived: ticked, remaining });
  if (remaining === 0) await closeMissingAttachmentDeviation(tx, claimId, `Vedleggene kom med ettersendelsen ${followUpId}`);
  return claimId;
}

async function queueLetter(tx: Queryable, documentId: string, caseId: string, personId: string, sheetNo: string, missing: string[]): Promise<boolean> {
  if (await hasLetter(tx, documentId)) return false;
  const sheet = await getCoverSheet(tx, sheetNo);
  const doc = await getDocument(tx, documentId);
  if (!sheet || !doc) return false;
  const followUp = await createCoverSheet(tx, {
    tema: sheet.tema, formNumber: sheet.formNumber, followUp: true, title: sheet.title, personId, attachments: missing, unit: sheet.unit, language: sheet.language,
  }, 'intake');
  await bindFollowUpSheet(tx, followUp.loepenummer, caseId, documentId);
  const deadline = deadlineFrom(doc.receivedAt, await deadlineDays(tx, sheet.tema, DEFAULT_DEADLINE_DAYS));
  const letter = await insertLetter(tx, { documentId, caseId, language: sheet.language, followUpSheet: followUp.loepenummer, items: missing, deadline });
  if (!letter) return false;
  await appendEvent(tx, documentId, 'letter-queued', { letterId: letter.id, items: missing.length, followUpSheet: followUp.loepenummer });
  return true;
}

type SendCtx = Pick<Context, 'db' | 'store' | 'reference' | 'log' | 'config'>;

const retryPolicy = (c: Context['config']): RetryPolicy => ({ maxAttempts: c.LETTER_MAX_ATTEMPTS, baseMinutes: c.LETTER_RETRY_BASE_MINUTES, maxWaitMinutes: c.LETTER_RETRY_MAX_MINUTES });

/**
 * Hands due letters to the adapter (those of one document, or all): render, store, send, mark
 * sent. Never throws. A letter that fails waits (doubling from LETTER_RETRY_BASE_MINUTES) and is
 * tried again by the sweep; after LETTER_MAX_ATTEMPTS it is failed: kept, on the document's
 * timeline and in the administrators' list, tried again only when one of them asks. Returns how many went.
 */
export async function sendLetters(ctx: SendCtx, documentId: string | null = null, outbox: LetterOutbox = folderOutbox(ctx.store)): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  let ids: number[] = [];
  try {
    ids = await unsentLetterIds(ctx.db, documentId);
  } catch (err) {
    ctx.log.warn({ err: (err as Error).name }, 'could not list queued letters');
    return { sent, failed: 1 };
  }
  for (const id of ids) {
    const letter = await claimLetter(ctx.db, id).catch(() => null);
    if (!letter) continue;
    try {
      const doc = (await getDocument(ctx.db, letter.documentId))!;
      const sheet = await getCoverSheet(ctx.db, letter.followUpSheet);
      if (!sheet?.personId) throw new Error('the letter\'s cover sheet has no recipient');
      const content = missingAttachmentsLetter({
        language: letter.language, title: sheet.title, formNumber: sheet.formNumber ?? null, caseId: letter.caseId,
        receivedAt: doc.receivedAt, letterDate: letter.createdAt, deadline: letter.deadline, missing: letter.items,
      });
      const pdf = await renderLetterPdf({ content, coverSheet: sheet, temaName: ctx.reference.tema.get(sheet.tema)?.navn, createdAt: letter.createdAt });
      const pdfKey = `letters/${letter.id}.pdf`;
      await ctx.store.put(pdfKey, pdf, 'application/pdf');
      // Kode 6: never to central print; the protected channel's dispatch is done inside NAV Vikafossen.
      const facts = (await documentFacts(ctx.db, [letter.documentId])).get(letter.documentId);
      const channel = facts && isStrictlyConfidential(facts) ? 'protected' : 'print';
      const adapterRef = await outbox.adapter(channel).send({ letterId: `L${letter.id}`, recipientId: sheet.personId, language: letter.language, pdf });
      await inTransaction(ctx.db, async (tx) => {
        await markLetterSent(tx, letter.id, { channel, pdfKey, adapterRef });
        await appendEvent(tx, letter.documentId, 'letter-sent', { letterId: letter.id, items: letter.items.length });
      });
      sent++;
    } catch (err) {
      failed++;
      // Ids and the error's kind only: an adapter's message could quote what it was given.
      ctx.log.warn({ letterId: letter.id, documentId: letter.documentId, err: (err as Error).name, attempts: letter.attempts }, 'letter not sent; it stays queued');
      const after = await markLetterFailed(ctx.db, letter.id, (err as Error).name || 'Error', retryPolicy(ctx.config)).catch(() => null);
      if (after?.status === 'failed') {
        ctx.log.error({ letterId: letter.id, documentId: letter.documentId, attempts: after.attempts }, 'letter given up after its last attempt; an administrator must send it again');
        await appendEvent(ctx.db, letter.documentId, 'letter-failed', { letterId: letter.id, attempts: after.attempts }).catch(() => {});
      }
    }
  }
  return { sent, failed };
}

export interface LetterView {
  id: number;
  language: 'nb' | 'nn' | 'en';
  status: 'queued' | 'sending' | 'sent' | 'failed';
  createdAt: string;
  sentAt: string | null;
  /** Hand-overs tried, and when a failed letter was given up. */
  attempts: number;
  failedAt: string | null;
  deadline: string;
  followUpSheet: string;
  items: Array<{ name: string; arrivedIn: string | null }>;
  /** Items named in the letter that have not come yet. */
  waitingFor: number;
}

const view = (l: LetterState): LetterView => ({
  id: l.id, language: l.language, status: l.status, createdAt: l.createdAt.toISOString(), sentAt: l.sentAt?.toISOString() ?? null,
  attempts: l.attempts, failedAt: l.failedAt?.toISOString() ?? null,
  deadline: l.deadline.toISOString(), followUpSheet: l.followUpSheet, items: l.itemStates,
  waitingFor: l.itemStates.filter((i) => !i.arrivedIn).length,
});

type ReadCtx = Pick<Context, 'db' | 'store' | 'directory' | 'reference' | 'policy'>;

/** A document's letters, for those who may read the document (the read is recorded like one). */
export async function documentLetters(ctx: ReadCtx, actor: Actor, documentId: string, purpose?: string): Promise<{ letters: LetterView[] }> {
  await authorizeContent(ctx, actor, documentId, 'letter:list', purpose);
  return { letters: (await lettersOf(ctx.db, [documentId])).map(view) };
}

/** The letter's PDF as it went out (it names the person and carries their id): the document's own rules, recorded. */
export async function letterPdf(ctx: ReadCtx, actor: Actor, documentId: string, letterId: number, purpose?: string): Promise<Buffer> {
  await authorizeContent(ctx, actor, documentId, 'letter:pdf', purpose);
  const letter = await getLetter(ctx.db, letterId);
  if (!letter || letter.documentId !== documentId) throw new NotFoundError(`dokument ${documentId} har ikke brev ${letterId}`);
  if (!letter.pdfKey) throw new NotFoundError(`brev ${letterId} er ikke sendt ennå`);
  return ctx.store.get(letter.pdfKey);
}

/** For lists the caller may already see (a unit's inbox): per document, whether a letter went and how many items are awaited. */
export async function letterSummaries(q: Queryable, documentIds: string[]): Promise<Map<string, { sentAt: string | null; waitingFor: number }>> {
  const out = new Map<string, { sentAt: string | null; waitingFor: number }>();
  for (const l of await lettersOf(q, documentIds)) out.set(l.documentId, { sentAt: l.sentAt?.toISOString() ?? null, waitingFor: l.itemStates.filter((i) => !i.arrivedIn).length });
  return out;
}

export interface FailedLetterView {
  id: number;
  documentId: string;
  caseId: string;
  language: 'nb' | 'nn' | 'en';
  items: number;
  attempts: number;
  /** What went wrong, in words (the error's kind only: the adapter's message could quote the person). */
  reason: string;
  createdAt: string;
  failedAt: string;
}

/** Letters given up after their last attempt, for administrators: strictly confidential documents' letters are not listed. */
export async function listFailedLetters(ctx: Pick<Context, 'db'>, actor: Actor, page: Page): Promise<Paged<FailedLetterView>> {
  requireRole(actor, 'admin');
  const { rows, total } = await failedLetters(ctx.db, true, page.sql.limit, page.sql.offset);
  return paged(rows.map((l) => ({
    id: l.id, documentId: l.documentId, caseId: l.caseId, language: l.language, items: l.items.length, attempts: l.attempts,
    reason: `Brevet kunne ikke leveres til utsending etter ${l.attempts} forsøk${l.lastError ? ` (feiltype ${l.lastError})` : ''}. Sjekk brevtjenesten og send brevet på nytt.`,
    createdAt: l.createdAt.toISOString(), failedAt: (l.failedAt ?? l.createdAt).toISOString(),
  })), total, page);
}

/**
 * An administrator sends a failed letter again: back to the queue with its attempts starting over, tried at once.
 * A strictly confidential document's letter is not theirs to see: it is "not found" as if it did not exist
 * (NAV Vikafossen sends those again from the document itself, retryDocumentLetter).
 */
export async function retryFailedLetter(ctx: SendCtx, actor: Actor, letterId: number): Promise<{ id: number; status: LetterView['status'] }> {
  requireRole(actor, 'admin');
  const letter = await getLetter(ctx.db, letterId);
  const hidden = letter ? (await strictlyConfidentialIds(ctx.db, [letter.documentId])).has(letter.documentId) : true;
  if (!letter || hidden) throw new NotFoundError(`fant ikke brev ${letterId}`);
  return requeueAndSend(ctx, actor, letter);
}

/** A caseworker who may read the document sends its failed letter again (the access is recorded like a read). */
export async function retryDocumentLetter(ctx: SendCtx & ReadCtx, actor: Actor, documentId: string, letterId: number, purpose?: string): Promise<{ id: number; status: LetterView['status'] }> {
  await authorizeContent(ctx, actor, documentId, 'letter:retry', purpose);
  const letter = await getLetter(ctx.db, letterId);
  if (!letter || letter.documentId !== documentId) throw new NotFoundError(`dokument ${documentId} har ikke brev ${letterId}`);
  return requeueAndSend(ctx, actor, letter);
}

async function requeueAndSend(ctx: SendCtx, actor: Actor, letter: LetterRow): Promise<{ id: number; status: LetterView['status'] }> {
  if (letter.status !== 'failed') throw new ConflictError(letter.status === 'sent' ? `brev ${letter.id} er allerede sendt` : `brev ${letter.id} står allerede i kø for sending`);
  await inTransaction(ctx.db, async (tx) => {
    if (!(await requeueLetter(tx, letter.id, actor.user.id))) throw new ConflictError(`brev ${letter.id} er nettopp sendt på nytt av noen andre`);
    await appendEvent(tx, letter.documentId, 'letter-requeued', { letterId: letter.id, by: actor.user.id });
  });
  await sendLetters(ctx, letter.documentId);
  return { id: letter.id, status: (await getLetter(ctx.db, letter.id))!.status };
}
