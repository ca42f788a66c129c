import { DOCUMENT_KINDS, type DocumentKind } from '../schemas/reference.ts';
import { inTransaction } from '../storage/db/pool.ts';
import { findOrOpenCase } from '../storage/repositories/cases.repository.ts';
import { addCorrection, type CorrectedField } from '../storage/repositories/corrections.repository.ts';
import { documentFacts } from '../storage/repositories/document-access.repository.ts';
import { getDocument, type DocumentRow } from '../storage/repositories/documents.repository.ts';
import { appendEvent } from '../storage/repositories/events.repository.ts';
import { applyManualReading, listManual, mergeInto, splitOff, type ManualItemRow } from '../storage/repositories/manual-queue.repository.ts';
import { getPerson } from '../storage/repositories/persons.repository.ts';
import type { Context } from '../app/context.ts';
import { mayKnowOf, protectedUnits, requireRole, type Actor } from './access.service.ts';
import { recordLookup } from './audit.service.ts';
import { authorizeContent, buildView, type DocumentView } from './document.service.ts';
import { ConflictError, InvalidInputError } from './errors.ts';
import { paged, type Page, type Paged } from './paging.ts';
import { decideRoute, deliver, goesToMailRoom, rearchive } from './routing-actions.ts';

type Ctx = Pick<Context, 'db' | 'store' | 'directory' | 'reference' | 'policy' | 'queues' | 'config'> & Partial<Pick<Context, 'persons'>>;

export interface ManualItem extends Omit<ManualItemRow, 'receivedAt'> {
  receivedAt: string;
}

const PURPOSE = 'postmottak: manuell behandling';

export async function manualQueue(ctx: Ctx, actor: Actor, page: Page): Promise<Paged<ManualItem>> {
  requireRole(actor, 'operator');
  const { rows, total } = await listManual(ctx.db, page.sql);
  const facts = await documentFacts(ctx.db, rows.map((r) => r.documentId));
  const special = protectedUnits(ctx);
  const visible = rows.filter((r) => { const f = facts.get(r.documentId); return f && mayKnowOf(actor.user, f, special); });
  await recordLookup(ctx, actor, {
    action: 'manual:list', subject: 'manual-queue', purpose: PURPOSE,
    documentIds: visible.map((r) => r.documentId), personIds: visible.map((r) => r.personId).filter((p): p is string => Boolean(p)),
  });
  return paged(visible.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })), total, page);
}

async function manualDocument(ctx: Ctx, actor: Actor, id: string, action: string): Promise<DocumentRow> {
  requireRole(actor, 'operator');
  const { doc } = await authorizeContent(ctx, actor, id, action, PURPOSE);
  if (doc.status !== 'manual') throw new ConflictError(`${id} ligger ikke i den manuelle køen`);
  return doc;
}

export async function manualItem(ctx: Ctx, actor: Actor, id: string): Promise<DocumentView> {
  return buildView(ctx, await manualDocument(ctx, actor, id, 'manual:read'));
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
export async function resolveManual(ctx: Ctx, actor: Actor, id: string, r: Resolution): Promise<ResolveResult> {
  const doc = await manualDocument(ctx, actor, id, 'manual:resolve');
  if (!ctx.reference.tema.has(r.tema) || r.tema === 'UKJ') throw new InvalidInputError(`ukjent tema ${r.tema}`);
  if (!(DOCUMENT_KINDS as readonly string[]).includes(r.kind)) throw new InvalidInputError(`ukjent dokumenttype ${r.kind}`);
  const form = r.formNumber ? ctx.reference.forms.get(r.formNumber) : null;
  if (r.formNumber && !form) throw new InvalidInputError(`ukjent skjemanummer ${r.formNumber}`);
  // Asking the register also keeps its answer in `persons` (PDL), which the case refers to.
  const person = ctx.persons ? (await ctx.persons.lookup([r.personId])).get(r.personId) : await getPerson(ctx.db, r.personId);
  if (!person) throw new InvalidInputError('fødselsnummeret finnes ikke i folkeregisteret');

  const result = await inTransaction(ctx.db, async (tx) => {
    const changes: Array<[CorrectedField, string | null, string | null]> = [
      ['personId', doc.personId, r.personId], ['tema', doc.tema, r.tema], ['formNumber', doc.formNumber, r.formNumber], ['kind', doc.documentKind, r.kind],
    ];
    let corrections = 0;
    for (const [field, machine, corrected] of changes) {
      if (machine === corrected) continue;
      await addCorrection(tx, { documentId: id, field, machineValue: machine, correctedValue: corrected, correctedBy: actor.user.id });
      corrections++;
    }
    const { case: sak, opened } = await findOrOpenCase(tx, r.personId, r.tema);
    const facts = (await documentFacts(tx, [id])).get(id)!;
    const decision = await decideRoute(ctx, tx, { tema: r.tema, kind: r.kind, personId: r.personId }, facts.activeUnits);
    const toMailRoom = goesToMailRoom(decision);
    await applyManualReading(tx, id, {
      personId: r.personId, tema: r.tema, formNumber: r.formNumber, title: form?.tittel ?? doc.title, kind: r.kind, caseId: sak.id,
      status: toMailRoom ? 'manual' : 'delivered',
      manualReason: toMailRoom ? `regel ${decision.ruleId}: ${decision.notes.join('; ') || 'ingen enhet'}` : null,
    });
    await appendEvent(tx, id, 'manual-resolved', { by: actor.user.id, corrections });
    await appendEvent(tx, id, 'attached', { caseId: sak.id, opened, tema: r.tema });
    if (!toMailRoom) await deliver(ctx, tx, id, decision, actor.user.id);
    return {
      documentId: id, caseId: sak.id, outcome: toMailRoom ? 'manual' as const : 'delivered' as const, corrections,
      units: toMailRoom ? [] : decision.destinations.map((d) => ({ unitId: d.unitId, name: ctx.directory.unit(d.unitId)?.name ?? '' })),
    };
  });
  const after = await getDocument(ctx.db, id);
  if (after && !after.archivedAt && (after.pageCount ?? 0) > 0) await rearchive(ctx, id);
  return result;
}

/** Pages from `fromPage` on become a document of their own, still in the manual queue. */
export async function splitManual(ctx: Ctx, actor: Actor, id: string, fromPage: number): Promise<{ documentId: string; newDocumentId: string }> {
  const doc = await manualDocument(ctx, actor, id, 'manual:split');
  if (!doc.pageCount || fromPage < 2 || fromPage > doc.pageCount) throw new InvalidInputError(`kan bare dele fra side 2 til ${doc.pageCount ?? 0}`);
  const newId = await inTransaction(ctx.db, async (tx) => {
    const created = await splitOff(tx, id, fromPage, actor.user.id);
    await addCorrection(tx, { documentId: id, field: 'split', machineValue: String(doc.pageCount), correctedValue: `${fromPage}:${created}`, correctedBy: actor.user.id });
    await appendEvent(tx, id, 'split-off', { fromPage, newDocumentId: created, by: actor.user.id });
    await appendEvent(tx, created, 'split-off', { fromDocumentId: id, fromPage, by: actor.user.id });
    return created;
  });
  return { documentId: id, newDocumentId: newId };
}

/** The pages of `otherId` are appended to `id`; both must wait in the manual queue. */
export async function mergeManual(ctx: Ctx, actor: Actor, id: string, otherId: string): Promise<{ documentId: string; pages: number }> {
  if (id === otherId) throw new InvalidInputError('kan ikke slå et dokument sammen med seg selv');
  await manualDocument(ctx, actor, id, 'manual:merge');
  await manualDocument(ctx, actor, otherId, 'manual:merge');
  await inTransaction(ctx.db, async (tx) => {
    await mergeInto(tx, id, otherId);
    await addCorrection(tx, { documentId: id, field: 'merge', machineValue: null, correctedValue: otherId, correctedBy: actor.user.id });
    await appendEvent(tx, id, 'merged', { from: otherId, by: actor.user.id });
    await appendEvent(tx, otherId, 'merged', { into: id, by: actor.user.id });
  });
  return { documentId: id, pages: (await getDocument(ctx.db, id))?.pageCount ?? 0 };
}
