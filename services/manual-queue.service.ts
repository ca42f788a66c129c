import { DOCUMENT_KINDS, type DocumentKind } from '../schemas/reference.ts';
import { inTransaction } from '../storage/db/pool.ts';
import { addCorrection, type CorrectedField } from '../storage/repositories/corrections.repository.ts';
import { documentFacts } from '../storage/repositories/document-access.repository.ts';
import { getDocument, type DocumentRow } from '../storage/repositories/documents.repository.ts';
import { appendEvent } from '../storage/repositories/events.repository.ts';
import { applyManualReading, listManual, lockDocument, mergeInto, splitOff, type ManualFilter, type ManualItemRow } from '../storage/repositories/manual-queue.repository.ts';
import { listDeliveries } from '../storage/repositories/document-actions.repository.ts';
import type { Tx } from '../storage/db/pool.ts';
import { toRoutingPerson } from '../storage/person-register/person-register.ts';
import { getPerson } from '../storage/repositories/persons.repository.ts';
import type { Context } from '../app/context.ts';
import { isSpecialCaseworker, isStrictlyConfidential, mayHandleManual, mayKnowOf, protectedUnits, protectionOf, type Actor, type Protection } from './access.service.ts';
import { recordLookup } from './audit.service.ts';
import { buildView, policiesOf, type DocumentView } from './document.service.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';
import { caseForDocument, onAttached, sendLetters } from './letters.service.ts';
import { manualReasonNb } from './reason-text.ts';
import { paged, type Page, type Paged } from './paging.ts';
import { decideRoute, goesToMailRoom, routedEvents } from './routing-actions.ts';
import { endSteps, pagesMoved, withTransitions } from './lifecycle.service.ts';
import { recordDecision } from '../storage/repositories/routing.repository.ts';

type Ctx = Pick<Context, 'db' | 'store' | 'directory' | 'reference' | 'policy' | 'queues' | 'config' | 'log'> & Partial<Pick<Context, 'persons'>>;

export interface ManualItem extends Omit<ManualItemRow, 'receivedAt'> {
  receivedAt: string;
  protection: Protection | null;
}

const PURPOSE = 'postmottak: manuell behandling';
const PURPOSE_SPECIAL = 'manuell behandling: strengt fortrolig adresse';

/**
 * Two manual queues: the mail room's (operators), and NAV Vikafossen's for strictly confidential
 * documents that need a person (its caseworkers) — so such a document is never stranded where
 * nobody may see it.
 */
function queueOf(ctx: Pick<Context, 'reference'>, actor: Actor): { special: boolean; purpose: string } {
  if (actor.user.role === 'operator') return { special: false, purpose: PURPOSE };
  if (isSpecialCaseworker(actor.user, protectedUnits(ctx))) return { special: true, purpose: PURPOSE_SPECIAL };
  throw new ForbiddenError('den manuelle køen er for postmottaket');
}

export async function manualQueue(ctx: Ctx, actor: Actor, f: Pick<ManualFilter, 'tema' | 'q' | 'sort'>, page: Page): Promise<Paged<ManualItem>> {
  const queue = queueOf(ctx, actor);
  const { rows, total } = await listManual(ctx.db, { ...f, strictlyConfidential: queue.special, ...page.sql });
  const facts = await documentFacts(ctx.db, rows.map((r) => r.documentId));
  const policies = await policiesOf(ctx);
  await recordLookup(ctx, actor, {
    action: 'manual:list', subject: queue.special ? 'manuell kø (strengt fortrolig)' : 'manuell kø', purpose: queue.purpose,
    documentIds: rows.map((r) => r.documentId), personIds: rows.map((r) => r.personId).filter((p): p is string => Boolean(p)),
  });
  return paged(rows.map((r) => {
    const fa = facts.get(r.documentId);
    return { ...r, reason: manualReasonNb(r.reason, policies), receivedAt: r.receivedAt.toISOString(), protection: fa ? protectionOf(fa) : null };
  }), total, page);
}

/**
 * The document, if this user handles it in a manual queue; every look (granted, refused, not
 * found) is recorded. Not in a manual queue: a conflict, said in words.
 */
async function manualDocument(ctx: Ctx, actor: Actor, id: string, action: string): Promise<DocumentRow> {
  const queue = queueOf(ctx, actor);
  const special = protectedUnits(ctx);
  const doc = await getDocument(ctx.db, id);
  const facts = doc ? (await documentFacts(ctx.db, [id])).get(id) : undefined;
  const log = (outcome: 'granted' | 'denied' | 'not-found') => recordLookup(ctx, actor, {
    action, subject: id, purpose: queue.purpose, outcome, documentIds: outcome === 'not-found' ? [] : [id], personIds: doc?.personId ? [doc.personId] : [],
  });
  if (!doc || !facts) {
    await log('not-found');
    throw new NotFoundError(`fant ikke dokument ${id}`);
  }
  const handles = !facts.mergedInto && (isStrictlyConfidential(facts) ? queue.special : !queue.special);
  if (!handles) {
    await log('denied');
    if (!mayKnowOf(actor.user, facts, special)) throw new NotFoundError(`fant ikke dokument ${id}`);
    throw new ForbiddenError(queue.special ? 'bare strengt fortrolige dokumenter behandles her' : 'du har ikke tilgang til dette dokumentet', true);
  }
  if (!mayHandleManual(actor.user, facts, special)) {
    await log('denied');
    throw new ConflictError(`${id} ligger ikke i den manuelle køen`);
  }
  await log('granted');
  return doc;
}

/** Inside a transaction: the document is still in a manual queue, and nobody else acts on it until we are done. */
async function stillManual(tx: Tx, id: string): Promise<void> {
  const row = await lockDocument(tx, id);
  if (!row || row.status !== 'manual' || row.mergedInto) throw new ConflictError(`${id} er nettopp behandlet av noen andre: åpne køen på nytt`);
}

export async function manualItem(ctx: Ctx, actor: Actor, id: string): Promise<DocumentView> {
  return buildView(ctx, await manualDocument(ctx, actor, id, 'manual:read'));
}

/** Units a document can be sent to by hand: NAV Vikafossen only for strictly confidential ones, and only there. */
export function destinationUnits(ctx: Pick<Context, 'reference'>, actor: Actor): Array<{ unitId: string; name: string; type: string }> {
  const special = protectedUnits(ctx);
  const mine = isSpecialCaseworker(actor.user, special);
  return ctx.reference.units
    .filter((u) => u.type !== 'manual' && (mine ? special.has(u.id) : !special.has(u.id)))
    .map((u) => ({ unitId: u.id, name: u.name, type: u.type }))
    .sort((a, b) => a.name.localeCompare(b.name, 'nb'));
}

export interface Resolution {
  personId: string;
  tema: string;
  formNumber: string | null;
  kind: DocumentKind;
}

export interface ResolveResult {
  documentId: string;
  caseId: string;
  outcome: 'delivered' | 'manual';
  units: Array<{ unitId: string; name: string }>;
  corrections: number;
}

/**
 * The operator's reading of a document: every field that differs from the machine's guess is
 * recorded as a correction (training data), the document is attached to the person's case and
 * routed by the rules, as the pipeline would have done.
 */
export async function resolveManual(ctx: Ctx, actor: Actor, id: string, r: Resolution & { unitId?: string }): Promise<ResolveResult> {
  await manualDocument(ctx, actor, id, 'manual:resolve');
  if (!ctx.reference.tema.has(r.tema) || r.tema === 'UKJ') throw new InvalidInputError(`ukjent tema ${r.tema}`);
  if (!(DOCUMENT_KINDS as readonly string[]).includes(r.kind)) throw new InvalidInputError(`ukjent dokumenttype ${r.kind}`);
  const form = r.formNumber ? ctx.reference.forms.get(r.formNumber) : null;
  if (r.formNumber && !form) throw new InvalidInputError(`ukjent skjemanummer ${r.formNumber}`);
  // Asking the register also keeps its answer in `persons` (PDL), which the case refers to.
  const person = ctx.persons ? (await ctx.persons.lookup([r.personId])).get(r.personId) : await getPerson(ctx.db, r.personId);
  if (!person) throw new InvalidInputError('fødselsnummeret finnes ikke i folkeregisteret');
  const special = protectedUnits(ctx);
  const kode6 = 'gradering' in person ? toRoutingPerson(person).addressProtection === 'strengt-fortrolig' : person.addressProtection === 'strengt-fortrolig';
  const chosen = r.unitId ? ctx.directory.unit(r.unitId) : undefined;
  if (r.unitId) {
    if (!chosen || chosen.type === 'manual') throw new InvalidInputError(`ukjent enhet ${r.unitId}`);
    // Kode 6 goes to NAV Vikafossen and nowhere else; nothing else goes there by hand.
    if (kode6 !== special.has(chosen.id)) throw new InvalidInputError(kode6 ? 'personen har strengt fortrolig adresse: dokumentet kan bare sendes til NAV Vikafossen' : `${chosen.id} ${chosen.name} kan ikke velges for dette dokumentet`);
  }
  const unitText = (ids: string[]) => ids.map((u) => `${u} ${ctx.directory.unit(u)?.name ?? ''}`.trim()).join(' og ');

  let sendAfter = false;
  const result = await withTransitions(ctx, async (tx, apply) => {
    await stillManual(tx, id);
    const doc = (await getDocument(tx, id))!;
    const changes: Array<[CorrectedField, string | null, string | null]> = [
      ['personId', doc.personId, r.personId], ['tema', doc.tema, r.tema], ['formNumber', doc.formNumber, r.formNumber], ['kind', doc.documentKind, r.kind],
    ];
    let corrections = 0;
    for (const [field, machine, corrected] of changes) {
      if (machine === corrected) continue;
      await addCorrection(tx, { documentId: id, field, machineValue: machine, correctedValue: corrected, correctedBy: actor.user.id });
      corrections++;
    }
    // As attach does: a follow-up behind a letter's cover sheet goes to the case that sheet names.
    const { case: sak, opened } = await caseForDocument(tx, { personId: r.personId, tema: r.tema, classification: doc.classification });
    const facts = (await documentFacts(tx, [id])).get(id)!;
    let decision = await decideRoute(ctx, tx, { tema: r.tema, kind: r.kind, personId: r.personId }, facts.activeUnits);
    if (chosen) {
      decision = { ...decision, ruleId: 'valgt-enhet', ruleSource: `valgt i den manuelle køen av ${actor.user.id}`, destinations: [{ unitType: chosen.type, unitId: chosen.id }], notes: [] };
    } else if (!kode6 && !goesToMailRoom(decision)) {
      // A unit that sent the document back does not get it again unless a person chooses so.
      const returned = (await listDeliveries(tx, id)).filter((x) => x.returnedAt);
      const back = decision.destinations.filter((d) => returned.some((x) => x.unitId === d.unitId));
      if (back.length) {
        const rest = decision.destinations.filter((d) => !back.includes(d));
        if (rest.length === 0) {
          const why = returned.filter((x) => back.some((b) => b.unitId === x.unitId)).map((x) => x.returnReason).filter(Boolean).join(', ');
          throw new ConflictError(`Reglene sender dokumentet til ${unitText(back.map((b) => b.unitId))}, som sendte det tilbake${why ? ` (${why})` : ''}. Velg enhet.`);
        }
        decision = { ...decision, destinations: rest };
      }
    }
    const toMailRoom = goesToMailRoom(decision);
    await appendEvent(tx, id, 'manual-resolved', { by: actor.user.id, corrections });
    // What the cover sheet listed and the envelope lacked: flagged and a letter queued to the person the operator set,
    // exactly as for a claim attached by the pipeline (a follow-up behind a letter's sheet ticks items off instead).
    const c = doc.classification as { coverSheet?: string | null; missingAttachments?: string[] } | null;
    const missing = c?.coverSheet && c.missingAttachments?.length ? c.missingAttachments : [];
    const { flagged, followUpTo, letterQueued } = await onAttached(tx, { documentId: id, caseId: sak.id, personId: r.personId, coverSheet: c?.coverSheet ?? null, missing });
    sendAfter = letterQueued;
    await appendEvent(tx, id, 'attached', { caseId: sak.id, opened, tema: r.tema, ...(flagged.length ? { missingAttachments: flagged } : {}), ...(followUpTo ? { followUpTo } : {}) });
    // The person's reading is the route stage done again: the lifecycle stamps it and starts the archive if it is still to come.
    await apply({ documentId: id, stage: 'route', pageNo: 0 }, {
      kind: 'done',
      write: async (q) => {
        await applyManualReading(q, id, {
          personId: r.personId, tema: r.tema, formNumber: r.formNumber, title: form?.tittel ?? doc.title, kind: r.kind, caseId: sak.id,
          status: toMailRoom ? 'manual' : 'delivered',
          manualReason: toMailRoom ? `regel ${decision.ruleId}: ${decision.notes.join('; ') || 'ingen enhet'}` : null,
        });
        if (!toMailRoom) await recordDecision(q, id, decision, { redeliver: true });
      },
      events: toMailRoom ? [] : routedEvents(ctx, decision, { by: actor.user.id }),
    }, { again: true });
    return {
      documentId: id, caseId: sak.id, outcome: toMailRoom ? 'manual' as const : 'delivered' as const, corrections,
      units: toMailRoom ? [] : decision.destinations.map((d) => ({ unitId: d.unitId, name: ctx.directory.unit(d.unitId)?.name ?? '' })),
    };
  });
  // After the commit, as attach does; never throws (an unsent letter waits for the sweep).
  if (sendAfter) await sendLetters(ctx, id);
  return result;
}

/** Pages from `fromPage` on become a document of their own, still in the manual queue. */
export async function splitManual(ctx: Ctx, actor: Actor, id: string, fromPage: number): Promise<{ documentId: string; newDocumentId: string }> {
  const doc = await manualDocument(ctx, actor, id, 'manual:split');
  if (!doc.pageCount || fromPage < 2 || fromPage > doc.pageCount) throw new InvalidInputError(`kan bare dele fra side 2 til ${doc.pageCount ?? 0}`);
  const newId = await withTransitions(ctx, async (tx, _apply, later) => {
    await stillManual(tx, id);
    const created = await splitOff(tx, id, fromPage, actor.user.id);
    await addCorrection(tx, { documentId: id, field: 'split', machineValue: String(doc.pageCount), correctedValue: `${fromPage}:${created}`, correctedBy: actor.user.id });
    await appendEvent(tx, id, 'split-off', { fromPage, newDocumentId: created, by: actor.user.id });
    await appendEvent(tx, created, 'split-off', { fromDocumentId: id, fromPage, by: actor.user.id });
    later(await pagesMoved(tx, [id, created]));
    return created;
  });
  return { documentId: id, newDocumentId: newId };
}

/** The pages of `otherId` are appended to `id`; both must wait in the manual queue. */
export async function mergeManual(ctx: Ctx, actor: Actor, id: string, otherId: string): Promise<{ documentId: string; pages: number }> {
  if (id === otherId) throw new InvalidInputError('kan ikke slå et dokument sammen med seg selv');
  await manualDocument(ctx, actor, id, 'manual:merge');
  await manualDocument(ctx, actor, otherId, 'manual:merge');
  await withTransitions(ctx, async (tx, _apply, later) => {
    for (const x of [id, otherId].sort()) await stillManual(tx, x);
    await mergeInto(tx, id, otherId);
    await addCorrection(tx, { documentId: id, field: 'merge', machineValue: null, correctedValue: otherId, correctedBy: actor.user.id });
    await appendEvent(tx, id, 'merged', { from: otherId, by: actor.user.id });
    await appendEvent(tx, otherId, 'merged', { into: id, by: actor.user.id });
    await endSteps(tx, otherId);
    later(await pagesMoved(tx, [id]));
  });
  return { documentId: id, pages: (await getDocument(ctx.db, id))?.pageCount ?? 0 };
}
