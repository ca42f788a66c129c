import sharp from 'sharp';
import { documentFacts, type DocumentFacts } from '../storage/repositories/document-access.repository.ts';
import { listDeliveries } from '../storage/repositories/document-actions.repository.ts';
import { getDocument, type DocumentRow } from '../storage/repositories/documents.repository.ts';
import { getPage, listPages } from '../storage/repositories/pages.repository.ts';
import { getPerson } from '../storage/repositories/persons.repository.ts';
import { latestDecision } from '../storage/repositories/routing.repository.ts';
import type { Context } from '../app/context.ts';
import { mayKnowOf, mayReadContent, protectedUnits, protectionOf, type Actor, type Protection } from './access.service.ts';
import type { Policy } from '../schemas/reference.ts';
import { activePolicy } from './policy.service.ts';
import { manualReasonNb, reasonNb, ruleNb } from './reason-text.ts';
import { recordLookup } from './audit.service.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';

type Ctx = Pick<Context, 'db' | 'store' | 'directory' | 'reference' | 'policy'>;

export interface DocumentView {
  id: string;
  batchId: string;
  file: string;
  title: string | null;
  status: string;
  stage: string;
  tema: string | null;
  formNumber: string | null;
  kind: string | null;
  confidence: number | null;
  personId: string | null;
  personName: string | null;
  caseId: string | null;
  receivedAt: string;
  /** Why it waits for a person, in words. */
  manualReason: string | null;
  /** The machine's reasons for its reading, in words. */
  reasons: string[];
  route: { rule: string; ruleText: string; units: Array<{ unitId: string; name: string }> } | null;
  deliveries: Array<{ unitId: string; name: string; takenBy: string | null; takenAt: string | null; returnedAt: string | null }>;
  /** Units that sent it back, with their reason: the mail room should not send it straight back there. */
  returns: Array<{ unitId: string; name: string; reason: string; at: string }>;
  /** Strictly confidential (kode 6), confidential (kode 7) or a NAV employee's own case: handle it accordingly. */
  protection: Protection | null;
  pages: Array<{ pageNo: number; width: number; height: number; text: string | null; confidence: number | null }>;
  hasArchivePdf: boolean;
}

export const DEFAULT_PURPOSE: Record<string, string> = {
  operator: 'postmottak: manuell behandling',
  caseworker: 'saksbehandling',
};

/**
 * Checks that the user may read the document's content and records the read (or the refusal).
 * Strictly confidential documents outside the special unit answer "not found".
 */
export async function authorizeContent(ctx: Ctx, actor: Actor, id: string, action: string, purpose?: string, may = mayReadContent): Promise<{ doc: DocumentRow; facts: DocumentFacts }> {
  const why = purpose ?? DEFAULT_PURPOSE[actor.user.role] ?? 'ukjent formål';
  const doc = await getDocument(ctx.db, id);
  const facts = doc ? (await documentFacts(ctx.db, [id])).get(id) : undefined;
  if (!doc || !facts) {
    await recordLookup(ctx, actor, { action, subject: id, purpose: why, documentIds: [], outcome: 'not-found' });
    throw new NotFoundError(`fant ikke dokument ${id}`);
  }
  const special = protectedUnits(ctx);
  if (!may(actor.user, facts, special)) {
    await recordLookup(ctx, actor, { action, subject: id, purpose: why, documentIds: [id], personIds: doc.personId ? [doc.personId] : [], outcome: 'denied' });
    // A strictly confidential document answers as one that does not exist.
    if (!mayKnowOf(actor.user, facts, special)) throw new NotFoundError(`fant ikke dokument ${id}`);
    throw new ForbiddenError('du har ikke tilgang til dette dokumentet', true);
  }
  await recordLookup(ctx, actor, { action, subject: id, purpose: why, documentIds: [id], personIds: doc.personId ? [doc.personId] : [] });
  return { doc, facts };
}

export async function viewDocument(ctx: Ctx, actor: Actor, id: string, purpose?: string): Promise<DocumentView> {
  const { doc } = await authorizeContent(ctx, actor, id, 'document:read', purpose);
  return buildView(ctx, doc);
}

/** The policies whose rules a reason may name: the one in force and the configured one. */
export async function policiesOf(ctx: Pick<Context, 'db' | 'policy'>): Promise<Policy[]> {
  return [await activePolicy(ctx), ctx.policy];
}

/** Deliveries to real units (the mail room's manual queue is not an inbox a document lies in). */
export const isInbox = (ctx: Pick<Context, 'directory'>) => (unitId: string) => ctx.directory.unit(unitId)?.type !== 'manual';

export async function buildView(ctx: Ctx, doc: DocumentRow): Promise<DocumentView> {
  const unitName = (u: string) => ctx.directory.unit(u)?.name ?? '';
  const person = doc.personId ? await getPerson(ctx.db, doc.personId) : null;
  const decision = await latestDecision(ctx.db, doc.id);
  const facts = (await documentFacts(ctx.db, [doc.id])).get(doc.id);
  const policies = await policiesOf(ctx);
  const cls = (doc.classification ?? {}) as { reasons?: string[] };
  const deliveries = (await listDeliveries(ctx.db, doc.id)).filter((x) => isInbox(ctx)(x.unitId));
  return {
    id: doc.id, batchId: doc.batchId, file: doc.fileName, title: doc.title, status: doc.status, stage: doc.stage, tema: doc.tema,
    formNumber: doc.formNumber, kind: doc.documentKind, confidence: doc.confidence, personId: doc.personId, personName: person?.name ?? null,
    caseId: doc.caseId, receivedAt: doc.receivedAt.toISOString(), manualReason: manualReasonNb(doc.manualReason, policies), reasons: (cls.reasons ?? []).map(reasonNb),
    route: decision && {
      rule: decision.ruleId, ruleText: ruleNb(decision.ruleId, policies),
      units: decision.destinations.filter((x) => isInbox(ctx)(x.unitId)).map((x) => ({ unitId: x.unitId, name: unitName(x.unitId) })),
    },
    deliveries: deliveries.map((x) => ({
      unitId: x.unitId, name: unitName(x.unitId), takenBy: x.takenBy, takenAt: x.takenAt?.toISOString() ?? null, returnedAt: x.returnedAt?.toISOString() ?? null,
    })),
    returns: deliveries.filter((x) => x.returnedAt).map((x) => ({
      unitId: x.unitId, name: unitName(x.unitId), reason: x.returnReason ?? '', at: x.returnedAt!.toISOString(),
    })),
    protection: facts ? protectionOf(facts) : null,
    pages: (await listPages(ctx.db, doc.id)).map((p) => ({ pageNo: p.pageNo, width: p.width, height: p.height, text: p.text, confidence: p.confidence })),
    hasArchivePdf: Boolean(doc.archiveKey),
  };
}

/** A page image (PNG); `width` gives a thumbnail. */
export async function pageImage(ctx: Ctx, actor: Actor, id: string, pageNo: number, width?: number, purpose?: string): Promise<Buffer> {
  await authorizeContent(ctx, actor, id, 'document:page', purpose);
  const page = await getPage(ctx.db, id, pageNo);
  if (!page) throw new NotFoundError(`dokument ${id} har ingen side ${pageNo}`);
  const png = await ctx.store.get(page.imageKey);
  return width ? sharp(png).resize({ width, withoutEnlargement: true }).png({ compressionLevel: 6 }).toBuffer() : png;
}

export async function archivePdf(ctx: Ctx, actor: Actor, id: string, purpose?: string): Promise<Buffer> {
  const { doc } = await authorizeContent(ctx, actor, id, 'document:pdf', purpose);
  if (!doc.archiveKey) throw new NotFoundError(`dokument ${id} har ingen arkiv-PDF ennå`);
  return ctx.store.get(doc.archiveKey);
}
