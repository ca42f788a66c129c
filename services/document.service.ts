import sharp from 'sharp';
import { documentFacts, type DocumentFacts } from '../storage/repositories/document-access.repository.ts';
import { listDeliveries } from '../storage/repositories/document-actions.repository.ts';
import { getDocument, type DocumentRow } from '../storage/repositories/documents.repository.ts';
import { getPage, listPages } from '../storage/repositories/pages.repository.ts';
import { getPerson } from '../storage/repositories/persons.repository.ts';
import { latestDecision } from '../storage/repositories/routing.repository.ts';
import type { Context } from '../app/context.ts';
import { mayKnowOf, mayReadContent, protectedUnits, type Actor } from './access.service.ts';
import { recordLookup } from './audit.service.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';

type Ctx = Pick<Context, 'db' | 'store' | 'directory' | 'reference'>;

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
  manualReason: string | null;
  reasons: string[];
  route: { rule: string; units: Array<{ unitId: string; name: string }> } | null;
  deliveries: Array<{ unitId: string; name: string; takenBy: string | null; takenAt: string | null; returnedAt: string | null }>;
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
export async function authorizeContent(ctx: Ctx, actor: Actor, id: string, action: string, purpose?: string): Promise<{ doc: DocumentRow; facts: DocumentFacts }> {
  const why = purpose ?? DEFAULT_PURPOSE[actor.user.role] ?? 'ukjent formål';
  const doc = await getDocument(ctx.db, id);
  const facts = doc ? (await documentFacts(ctx.db, [id])).get(id) : undefined;
  if (!doc || !facts) throw new NotFoundError(`fant ikke dokument ${id}`);
  const special = protectedUnits(ctx);
  if (!mayReadContent(actor.user, facts, special)) {
    await recordLookup(ctx, actor, { action, subject: id, purpose: why, documentIds: [id], personIds: doc.personId ? [doc.personId] : [], outcome: 'denied' });
    if (!mayKnowOf(actor.user, facts, special)) throw new NotFoundError(`fant ikke dokument ${id}`);
    throw new ForbiddenError('du har ikke tilgang til dette dokumentet');
  }
  await recordLookup(ctx, actor, { action, subject: id, purpose: why, documentIds: [id], personIds: doc.personId ? [doc.personId] : [] });
  return { doc, facts };
}

export async function viewDocument(ctx: Ctx, actor: Actor, id: string, purpose?: string): Promise<DocumentView> {
  const { doc } = await authorizeContent(ctx, actor, id, 'document:read', purpose);
  return buildView(ctx, doc);
}

export async function buildView(ctx: Ctx, doc: DocumentRow): Promise<DocumentView> {
  const unitName = (u: string) => ctx.directory.unit(u)?.name ?? '';
  const person = doc.personId ? await getPerson(ctx.db, doc.personId) : null;
  const decision = await latestDecision(ctx.db, doc.id);
  const cls = (doc.classification ?? {}) as { reasons?: string[] };
  return {
    id: doc.id, batchId: doc.batchId, file: doc.fileName, title: doc.title, status: doc.status, stage: doc.stage, tema: doc.tema,
    formNumber: doc.formNumber, kind: doc.documentKind, confidence: doc.confidence, personId: doc.personId, personName: person?.name ?? null,
    caseId: doc.caseId, receivedAt: doc.receivedAt.toISOString(), manualReason: doc.manualReason, reasons: cls.reasons ?? [],
    route: decision && { rule: decision.ruleId, units: decision.destinations.map((x) => ({ unitId: x.unitId, name: unitName(x.unitId) })) },
    deliveries: (await listDeliveries(ctx.db, doc.id)).map((x) => ({
      unitId: x.unitId, name: unitName(x.unitId), takenBy: x.takenBy, takenAt: x.takenAt?.toISOString() ?? null, returnedAt: x.returnedAt?.toISOString() ?? null,
    })),
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
