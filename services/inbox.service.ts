import { inTransaction } from '../storage/db/pool.ts';
import { documentFacts } from '../storage/repositories/document-access.repository.ts';
import { countReturns, listInbox, returnDelivery, takeDelivery, type InboxFilter, type InboxItemRow } from '../storage/repositories/document-actions.repository.ts';
import { addCorrection } from '../storage/repositories/corrections.repository.ts';
import { addDeviation } from '../storage/repositories/deviations.repository.ts';
import { getDocument, updateDocument } from '../storage/repositories/documents.repository.ts';
import { appendEvent } from '../storage/repositories/events.repository.ts';
import { latestDecision } from '../storage/repositories/routing.repository.ts';
import type { Context } from '../app/context.ts';
import { isStrictlyConfidential, protectedUnits, protectionOf, requireRole, type Actor, type Protection } from './access.service.ts';
import { authorizeContent } from './document.service.ts';
import { recordLookup } from './audit.service.ts';
import { ConflictError, ForbiddenError, InvalidInputError } from './errors.ts';
import { paged, type Page, type Paged } from './paging.ts';
import { decideRoute, deliveredByPerson, goesToMailRoom } from './routing-actions.ts';
import { stopForPerson, withTransitions } from './lifecycle.service.ts';
import { letterSummaries } from './letters.service.ts';

type Ctx = Pick<Context, 'db' | 'store' | 'directory' | 'reference' | 'policy' | 'queues' | 'log'> & Partial<Pick<Context, 'persons'>>;

export interface InboxItem extends Omit<InboxItemRow, 'receivedAt' | 'deliveredAt' | 'takenAt'> {
  receivedAt: string;
  deliveredAt: string;
  takenAt: string | null;
  protection: Protection | null;
  /** A letter to the person about missing attachments: when it went, and how many items are still awaited. */
  letter: { sentAt: string | null; waitingFor: number } | null;
}

/** The unit must be the caseworker's; a refusal is recorded with what was asked for. */
async function requireUnit(ctx: Ctx, actor: Actor, unitId: string, action: string, documentId?: string): Promise<void> {
  requireRole(actor, 'caseworker');
  if (actor.user.units.includes(unitId)) return;
  await recordLookup(ctx, actor, { action, subject: documentId ?? unitId, purpose: 'saksbehandling: innboks', outcome: 'denied', documentIds: documentId ? [documentId] : [] });
  throw new ForbiddenError(`du er ikke knyttet til enhet ${unitId}`, true);
}

/** The unit's ready documents, oldest first by default; listing them is a read of those persons' cases. */
export async function unitInbox(ctx: Ctx, actor: Actor, unitId: string, f: Pick<InboxFilter, 'state' | 'tema' | 'q' | 'sort'>, page: Page): Promise<Paged<InboxItem>> {
  await requireUnit(ctx, actor, unitId, 'inbox:list');
  const special = protectedUnits(ctx);
  // Strictly confidential documents are counted and listed only in NAV Vikafossen's own inbox.
  const { rows, total } = await listInbox(ctx.db, unitId, { ...f, hideStrictlyConfidential: !special.has(unitId), ...page.sql });
  const facts = await documentFacts(ctx.db, rows.map((r) => r.documentId));
  const letters = await letterSummaries(ctx.db, rows.map((r) => r.documentId));
  await recordLookup(ctx, actor, {
    action: 'inbox:list', subject: unitId, purpose: 'saksbehandling: innboks',
    documentIds: rows.map((r) => r.documentId), personIds: rows.map((r) => r.personId).filter((p): p is string => Boolean(p)),
  });
  return paged(rows.map((r) => {
    const fa = facts.get(r.documentId);
    return { ...r, receivedAt: r.receivedAt.toISOString(), deliveredAt: r.deliveredAt.toISOString(), takenAt: r.takenAt?.toISOString() ?? null, protection: fa ? protectionOf(fa) : null, letter: letters.get(r.documentId) ?? null };
  }), total, page);
}

/** The unit takes the document: it is received there, and the status says so. */
export async function takeDocument(ctx: Ctx, actor: Actor, documentId: string, unitId: string): Promise<void> {
  await requireUnit(ctx, actor, unitId, 'inbox:take', documentId);
  await authorizeContent(ctx, actor, documentId, 'inbox:take');
  await inTransaction(ctx.db, async (tx) => {
    if (!(await takeDelivery(tx, documentId, unitId, actor.user.id))) throw new ConflictError(`${documentId} er allerede tatt, eller ligger ikke i innboksen til ${unitId}`);
    await appendEvent(tx, documentId, 'taken', { unitId, by: actor.user.id });
  });
}

export interface ReturnResult {
  documentId: string;
  /** rerouted: to other units by the rules; mail-room: to the mail room's manual queue; special-unit: kept in NAV Vikafossen's own manual queue (kode 6). */
  outcome: 'rerouted' | 'mail-room' | 'special-unit';
  units: Array<{ unitId: string; name: string }>;
  bounced: boolean;
}

/**
 * Sends a document back as misrouted: records a deviation against the rule that routed it, then
 * routes it again by the rules (never back to the same unit) or leaves it to the mail room.
 * Returned more than once: also a "bounced" deviation.
 */
export const RETURN_REASONS = {
  'wrong-tema': 'feil tema',
  'wrong-unit': 'feil enhet',
  'wrong-person': 'feil bruker',
  other: 'annet',
} as const;
export type ReturnReason = keyof typeof RETURN_REASONS;

export async function returnMisrouted(ctx: Ctx, actor: Actor, documentId: string, input: { unitId: string; reason: ReturnReason; comment?: string; via: 'rule' | 'mail-room'; tema?: string }): Promise<ReturnResult> {
  await requireUnit(ctx, actor, input.unitId, 'inbox:return', documentId);
  if (input.tema && !ctx.reference.tema.has(input.tema)) throw new InvalidInputError(`ukjent tema ${input.tema}`);
  const { facts: before } = await authorizeContent(ctx, actor, documentId, 'inbox:return');
  const named = (unitId: string) => ({ unitId, name: ctx.directory.unit(unitId)?.name ?? '' });
  return withTransitions(ctx, async (tx, apply) => {
    const doc = (await getDocument(tx, documentId))!;
    const decided = await latestDecision(tx, documentId);
    // Free text stays with the deviation; the timeline gets the reason code only.
    const label = RETURN_REASONS[input.reason];
    const full = input.comment ? `${label}: ${input.comment}` : label;
    if (!(await returnDelivery(tx, documentId, input.unitId, actor.user.id, full))) {
      throw new ConflictError(`${documentId} ligger ikke i innboksen til ${input.unitId}`);
    }
    await appendEvent(tx, documentId, 'returned-misrouted', { unitId: input.unitId, reason: label, via: input.via, by: actor.user.id });
    const deviation = { documentId, caseId: doc.caseId, unitId: input.unitId, policyId: decided?.policyId ?? null, ruleId: decided?.ruleId ?? null, reportedBy: actor.user.id };
    await addDeviation(tx, { ...deviation, kind: 'misrouted', reason: full });
    const bounced = (await countReturns(tx, documentId)) > 1;
    if (bounced) await addDeviation(tx, { ...deviation, kind: 'bounced', reason: 'sendt tilbake mer enn én gang' });

    let tema = doc.tema ?? 'UKJ';
    if (input.tema && input.tema !== doc.tema) {
      await addCorrection(tx, { documentId, field: 'tema', machineValue: doc.tema, correctedValue: input.tema, correctedBy: actor.user.id });
      await updateDocument(tx, documentId, { tema: input.tema });
      tema = input.tema;
    }
    // Kode 6 never leaves NAV Vikafossen: the rules could only send it back there, and the mail
    // room may not see it. It waits in NAV Vikafossen's own manual queue for a person there.
    if (isStrictlyConfidential(before)) {
      await stopForPerson(tx, documentId, 'inbox', `sendt tilbake fra ${input.unitId}: ${label}`);
      return { documentId, outcome: 'special-unit', units: [...protectedUnits(ctx)].map(named), bounced };
    }
    if (input.via === 'rule') {
      const facts = (await documentFacts(tx, [documentId])).get(documentId)!;
      const decision = await decideRoute(ctx, tx, { tema, kind: doc.documentKind ?? 'other', personId: doc.personId }, [input.unitId, ...facts.activeUnits]);
      if (!goesToMailRoom(decision)) {
        await apply({ documentId, stage: 'route', pageNo: 0 }, deliveredByPerson(ctx, documentId, decision, actor.user.id), { again: true });
        return { documentId, outcome: 'rerouted', units: decision.destinations.map((d) => named(d.unitId)), bounced };
      }
    }
    await stopForPerson(tx, documentId, 'inbox', `sendt tilbake fra ${input.unitId}: ${label}`);
    return { documentId, outcome: 'mail-room', units: [], bounced };
  });
}
