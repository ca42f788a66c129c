import { detectMediaType, DOCUMENT_TYPES } from '../pipeline/ingest/detect.ts';
import { createBatch, getBatch, listSetAside } from '../storage/repositories/batches.repository.ts';
import { documentFacts } from '../storage/repositories/document-access.repository.ts';
import { listDocuments } from '../storage/repositories/documents.repository.ts';
import { batchCounts, listBatchCounts, type BatchCountsRow } from '../storage/repositories/overview.repository.ts';
import type { Context } from '../app/context.ts';
import { mayKnowOf, protectedUnits, requireRole, type Actor } from './access.service.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { ingest, type IncomingFile, type IngestReport } from './ingest.service.ts';
import { paged, type Page, type Paged } from './paging.ts';
import { reasonNb } from './reason-text.ts';

type Ctx = Pick<Context, 'db' | 'store' | 'queues' | 'log' | 'reference'>;

export interface BatchOverview extends Omit<BatchCountsRow, 'createdAt'> {
  createdAt: string;
  /** Every document has left the pipeline (delivered, archived or waiting in the manual queue). */
  finished: boolean;
}

const toOverview = (b: BatchCountsRow): BatchOverview => ({ ...b, createdAt: b.createdAt.toISOString(), finished: b.processing === 0 });

/** Batches with counts per state: no personal data, so no look-up is recorded. */
export async function listBatches(ctx: Ctx, actor: Actor, page: Page): Promise<Paged<BatchOverview>> {
  requireRole(actor, 'operator', 'admin');
  const { rows, total } = await listBatchCounts(ctx.db, page.sql);
  return paged(rows.map(toOverview), total, page);
}

export interface Reconciliation {
  batch: BatchOverview;
  /** Files received = documents + duplicates + set aside. */
  received: number;
  processed: number;
  documents: Array<{ id: string; file: string; status: string; stage: string; pages: number | null; tema: string | null; protected: boolean; mergedInto: string | null }>;
  setAside: Array<{ name: string; reason: string }>;
}

/** Per-batch reconciliation: every file received is a document, a duplicate or set aside. */
export async function reconcileBatch(ctx: Ctx, actor: Actor, id: string): Promise<Reconciliation> {
  requireRole(actor, 'operator', 'admin');
  const counts = await batchCounts(ctx.db, id);
  if (!counts) throw new NotFoundError(`fant ikke bunke ${id}`);
  const docs = await listDocuments(ctx.db, { batchId: id });
  const facts = await documentFacts(ctx.db, docs.map((d) => d.id));
  const special = protectedUnits(ctx);
  const targets = [...new Set([...facts.values()].map((f) => f.mergedInto).filter((x): x is string => Boolean(x)))];
  const targetFacts = await documentFacts(ctx.db, targets);
  const hiddenTargets = new Map(targets.map((t) => [t, !targetFacts.get(t) || !mayKnowOf(actor.user, targetFacts.get(t)!, special)]));
  return {
    batch: toOverview(counts),
    received: counts.documents + counts.duplicates + counts.setAside,
    processed: docs.filter((d) => d.status !== 'processing').length,
    documents: docs.map((d) => {
      const f = facts.get(d.id);
      // A merged document is shown as merged (its pages live on in the other), unless that one is hidden.
      const mergedInto = f?.mergedInto ?? null;
      const target = mergedInto ? hiddenTargets.get(mergedInto) : undefined;
      const hidden = !f || (mergedInto ? target === true : !mayKnowOf(actor.user, f, special));
      // A strictly confidential document is counted, never described.
      if (hidden) return { id: '—', file: 'skjermet dokument', status: d.status, stage: d.stage, pages: null, tema: null, protected: true, mergedInto: null };
      return { id: d.id, file: d.fileName, status: d.status, stage: d.stage, pages: d.pageCount, tema: d.tema, protected: false, mergedInto };
    }),
    setAside: (await listSetAside(ctx.db, id)).map((x) => ({ ...x, reason: reasonNb(x.reason) })),
  };
}

export async function newBatch(ctx: Ctx, actor: Actor, name: string, source: string): Promise<{ id: string; name: string; source: string; createdAt: string }> {
  requireRole(actor, 'operator', 'admin');
  const b = await createBatch(ctx.db, name, source);
  return { ...b, createdAt: b.createdAt.toISOString() };
}

const ACCEPTED = 'PDF, TIFF, PNG, JPEG eller ZIP';

/** Checks the type of every file from its bytes before anything is stored. */
export function checkUploadTypes(files: IncomingFile[]): void {
  const bad = files.filter((f) => {
    const t = detectMediaType(f.data);
    return !(t === 'application/zip' || (t && DOCUMENT_TYPES.has(t)));
  });
  if (bad.length) throw new UnsupportedTypeError(`${bad.map((f) => f.name).join(', ')}: ikke ${ACCEPTED}`);
}

export class UnsupportedTypeError extends InvalidInputError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedTypeError';
  }
}

/** An ingest report as the uploader may see it: a duplicate of a document they may not know of does not name it. */
export interface UploadReport extends Omit<IngestReport, 'duplicates'> {
  duplicates: Array<{ file: string; existingDocumentId: string | null }>;
}

async function forUploader(ctx: Ctx, actor: Actor, r: IngestReport): Promise<UploadReport> {
  const facts = await documentFacts(ctx.db, r.duplicates.map((d) => d.existingDocumentId));
  const special = protectedUnits(ctx);
  return {
    ...r,
    setAside: r.setAside.map((x) => ({ ...x, reason: reasonNb(x.reason) })),
    duplicates: r.duplicates.map((d) => {
      const f = facts.get(d.existingDocumentId);
      return { file: d.file, existingDocumentId: f && mayKnowOf(actor.user, { ...f, mergedInto: null }, special) ? d.existingDocumentId : null };
    }),
  };
}

/** Files uploaded in the browser: a new batch, or more files to an open one. */
export async function uploadFiles(ctx: Ctx, actor: Actor, files: IncomingFile[], opts: { batchId?: string; batchName?: string }): Promise<UploadReport> {
  requireRole(actor, 'operator');
  if (files.length === 0) throw new InvalidInputError('ingen filer i opplastingen');
  checkUploadTypes(files);
  if (opts.batchId && !(await getBatch(ctx.db, opts.batchId))) throw new NotFoundError(`fant ikke bunke ${opts.batchId}`);
  return forUploader(ctx, actor, await ingest(ctx, files, { batchName: opts.batchName ?? files[0]!.name, batchId: opts.batchId, source: 'web' }));
}

/** One file as a raw request body (scripts, the demo, scanner stations). */
export async function ingestRaw(ctx: Ctx, actor: Actor, file: IncomingFile, opts: { batchId?: string; batchName?: string }): Promise<UploadReport> {
  requireRole(actor, 'operator');
  if (file.data.length === 0) throw new InvalidInputError('tom opplasting');
  checkUploadTypes([file]);
  if (opts.batchId && !(await getBatch(ctx.db, opts.batchId))) throw new NotFoundError(`fant ikke bunke ${opts.batchId}`);
  return forUploader(ctx, actor, await ingest(ctx, [file], { batchName: opts.batchName ?? file.name, batchId: opts.batchId, source: 'api' }));
}
