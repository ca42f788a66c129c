import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { detectMediaType, DOCUMENT_TYPES, type MediaType } from '../pipeline/ingest/detect.ts';
import { BadZipError, readZip } from '../pipeline/ingest/unzip.ts';
import { pairVendorEntries } from '../pipeline/ingest/vendor-batch.ts';
import type { SkanningMetadata } from '../schemas/vendor-metadata.ts';
import { inTransaction } from '../storage/db/pool.ts';
import { addSetAside, createBatch, getBatch } from '../storage/repositories/batches.repository.ts';
import { findDuplicate, insertDocument } from '../storage/repositories/documents.repository.ts';
import { appendEvent } from '../storage/repositories/events.repository.ts';
import type { Context } from '../app/context.ts';
import { NotFoundError } from './status.service.ts';

export interface IncomingFile {
  name: string;
  data: Buffer;
}

export interface IngestReport {
  batchId: string;
  documents: Array<{ file: string; documentId: string }>;
  duplicates: Array<{ file: string; existingDocumentId: string }>;
  setAside: Array<{ file: string; reason: string }>;
}

type Ctx = Pick<Context, 'db' | 'store' | 'queues' | 'log'>;
export type IngestProgress = (event: { file: string; outcome: 'document' | 'duplicate' | 'set-aside'; detail: string }) => void;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Reads a file or every file under a folder (sorted, hidden files skipped). */
export async function readInputPath(input: string): Promise<IncomingFile[]> {
  const info = await stat(input).catch(() => null);
  if (!info) throw new Error(`no such file or folder: ${input}`);
  if (info.isFile()) return [{ name: path.basename(input), data: await readFile(input) }];
  const out: IncomingFile[] = [];
  const walk = async (dir: string, prefix: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, `${prefix}${entry.name}/`);
      else if (entry.isFile()) out.push({ name: `${prefix}${entry.name}`, data: await readFile(full) });
    }
  };
  await walk(input, '');
  return out;
}

/**
 * Takes files into a new batch: originals stored first (content-addressed), then one document
 * (journalpost) each, queued for splitting. Duplicates make no new document; files that cannot
 * be a document are set aside for the mail room with the reason, and the rest goes on.
 */
export async function ingest(ctx: Ctx, files: IncomingFile[], opts: { batchName: string; source: string; batchId?: string; onProgress?: IngestProgress }): Promise<IngestReport> {
  const batch = opts.batchId ? await getBatch(ctx.db, opts.batchId) : await createBatch(ctx.db, opts.batchName, opts.source);
  if (!batch) throw new NotFoundError(`no batch ${opts.batchId}`);
  const report: IngestReport = { batchId: batch.id, documents: [], duplicates: [], setAside: [] };
  const progress = opts.onProgress ?? (() => {});

  const setAside = async (file: string, reason: string, data?: Buffer) => {
    let key: string | null = null;
    if (data) {
      key = `set-aside/${sha256(data)}`;
      await ctx.store.put(key, data);
    }
    await addSetAside(ctx.db, batch.id, file, reason, key);
    report.setAside.push({ file, reason });
    progress({ file, outcome: 'set-aside', detail: reason });
  };

  const addDocument = async (file: string, data: Buffer, mediaType: MediaType, metadata: SkanningMetadata | null) => {
    const hash = sha256(data);
    const originalKey = `originals/${hash.slice(0, 2)}/${hash}`;
    // The original is safe in the object store before anything else happens.
    await ctx.store.put(originalKey, data, mediaType);
    const externalRef = metadata ? `${metadata.journalpost.batchnavn}/${metadata.journalpost.filnavn}` : null;
    const doc = await inTransaction(ctx.db, async (tx) => {
      const inserted = await insertDocument(tx, {
        batchId: batch.id, fileName: file, mediaType, sha256: hash, originalKey, sizeBytes: data.length,
        vendorMetadata: metadata as Record<string, unknown> | null, externalRef,
      });
      if (inserted) {
        await appendEvent(tx, inserted.id, 'received', { batchId: batch.id, file, mediaType, channel: metadata?.journalpost.mottakskanal ?? 'SKAN' });
        await appendEvent(tx, inserted.id, 'stored', { key: originalKey, sha256: hash, bytes: data.length });
      }
      return inserted;
    });
    if (!doc) {
      const existing = await findDuplicate(ctx.db, hash, externalRef);
      if (!existing) throw new Error('duplicate detected but the existing document was not found');
      await appendEvent(ctx.db, existing.id, 'duplicate-received', { batchId: batch.id, file });
      report.duplicates.push({ file, existingDocumentId: existing.id });
      progress({ file, outcome: 'duplicate', detail: existing.id });
      return;
    }
    await ctx.queues.enqueue('split', { documentId: doc.id });
    report.documents.push({ file, documentId: doc.id });
    progress({ file, outcome: 'document', detail: doc.id });
  };

  for (const file of files) {
    const type = detectMediaType(file.data);
    if (type === 'application/zip') {
      let entries;
      try {
        entries = await readZip(file.data);
      } catch (err) {
        if (!(err instanceof BadZipError)) throw err;
        await setAside(file.name, err.message, file.data);
        continue;
      }
      const hasXml = entries.some((e) => e.name.toLowerCase().endsWith('.xml'));
      if (hasXml) {
        // A vendor batch: PDF + skanningmetadata XML pairs.
        const vendor = pairVendorEntries(entries);
        for (const d of vendor.documents) await addDocument(`${file.name}:${d.pdfName}`, d.pdf, 'application/pdf', d.metadata);
        for (const s of vendor.setAside) await setAside(`${file.name}:${s.name}`, s.reason, s.data);
      } else {
        for (const e of entries) {
          const t = detectMediaType(e.data);
          if (t && DOCUMENT_TYPES.has(t)) await addDocument(`${file.name}:${e.name}`, e.data, t, null);
          else await setAside(`${file.name}:${e.name}`, 'not a PDF, TIFF, PNG or JPEG file', e.data);
        }
      }
    } else if (type && DOCUMENT_TYPES.has(type)) {
      await addDocument(file.name, file.data, type, null);
    } else if (file.name.toLowerCase().endsWith('.xml') || type === 'application/xml') {
      await setAside(file.name, 'skanningmetadata XML outside a batch zip has no PDF to pair with', file.data);
    } else {
      await setAside(file.name, 'not a PDF, TIFF, PNG, JPEG or batch zip', file.data);
    }
  }
  ctx.log.info({ batchId: batch.id, documents: report.documents.length, duplicates: report.duplicates.length, setAside: report.setAside.length }, 'batch ingested');
  return report;
}
