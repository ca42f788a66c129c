import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { detectMediaType, DOCUMENT_TYPES, type MediaType } from '../pipeline/ingest/detect.ts';
import { BadZipError, readZip, zipLimits } from '../pipeline/ingest/unzip.ts';
import { decryptBatch, isPgpMessage, loadPrivateKey, PgpError, PgpTooLargeError, type PgpKey } from '../pipeline/ingest/pgp.ts';
import { postKindFromBatchName } from '../pipeline/ingest/skanningmetadata.ts';
import { isVendorBatch, pairVendorEntries, type VendorDocument } from '../pipeline/ingest/vendor-batch.ts';
import type { Config } from '../schemas/config.ts';
import type { SkanningMetadata } from '../schemas/vendor-metadata.ts';
import { inTransaction } from '../storage/db/pool.ts';
import { addReceivedFile, addSetAside, createBatch, getBatch } from '../storage/repositories/batches.repository.ts';
import { findDuplicate, insertDocument } from '../storage/repositories/documents.repository.ts';
import { appendEvent } from '../storage/repositories/events.repository.ts';
import { getCoverSheet } from '../storage/repositories/foersteside.repository.ts';
import type { Context } from '../app/context.ts';
import { NotFoundError } from './status.service.ts';
import { enqueueSteps, received } from './lifecycle.service.ts';
import type { StepRow } from '../storage/repositories/steps.repository.ts';

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

type Ctx = Pick<Context, 'db' | 'store' | 'queues' | 'log'> & { config?: Pick<Config, 'PGP_PRIVATE_KEY_FILE' | 'PGP_PASSPHRASE' | 'PGP_PASSPHRASE_FILE'> & Partial<Pick<Config, 'MAX_STREAM_BYTES'>> };
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


const keys = new Map<string, Promise<PgpKey>>();

/** The configured PGP private key, read and unlocked once per process. */
async function pgpKey(config: Ctx['config']): Promise<PgpKey | null> {
  const file = config?.PGP_PRIVATE_KEY_FILE;
  if (!file) return null;
  let k = keys.get(file);
  if (!k) {
    k = (async () => {
      const passphrase = config.PGP_PASSPHRASE_FILE ? (await readFile(config.PGP_PASSPHRASE_FILE, 'utf8')).trim() : config.PGP_PASSPHRASE;
      return loadPrivateKey(await readFile(file), passphrase);
    })();
    keys.set(file, k);
    k.catch(() => keys.delete(file));
  }
  return k;
}

// PostgreSQL errors caused by one pair's values (data exception, integrity, program limit such as
// an over-long index key): that pair is set aside, the rest of the batch goes on.
const PAIR_ERROR_CLASSES = ['22', '23', '54'];
const isPairError = (err: unknown) => typeof (err as { code?: unknown }).code === 'string' && PAIR_ERROR_CLASSES.includes(String((err as { code: string }).code).slice(0, 2));

/**
 * Takes files into a new batch: originals stored first (content-addressed), then one document
 * (journalpost) each, queued for splitting. PGP-encrypted batches are decrypted with the
 * configured key (the encrypted file is kept as it came). Vendor pairs are checked against NAV's
 * XSD for their kind of post and de-duplicated on their external reference; files that cannot be
 * a document are set aside for the mail room with the reason, one pair at a time, never the batch.
 */
export async function ingest(ctx: Ctx, files: IncomingFile[], opts: { batchName: string; source: string; batchId?: string; onProgress?: IngestProgress }): Promise<IngestReport> {
  const batch = opts.batchId ? await getBatch(ctx.db, opts.batchId) : await createBatch(ctx.db, opts.batchName, opts.source);
  if (!batch) throw new NotFoundError(`no batch ${opts.batchId}`);
  const report: IngestReport = { batchId: batch.id, documents: [], duplicates: [], setAside: [] };
  const progress = opts.onProgress ?? (() => {});

  const setAside = async (file: string, reason: string, data?: Buffer, externalRef: string | null = null) => {
    let key: string | null = null;
    if (data) {
      key = `set-aside/${sha256(data)}`;
      await ctx.store.put(key, data);
    }
    await addSetAside(ctx.db, batch.id, file, reason, key, externalRef);
    report.setAside.push({ file, reason });
    progress({ file, outcome: 'set-aside', detail: reason });
  };

  const keep = async (data: Buffer, mediaType?: string) => {
    const hash = sha256(data);
    const key = `originals/${hash.slice(0, 2)}/${hash}`;
    await ctx.store.put(key, data, mediaType);
    return { hash, key };
  };

  const addDocument = async (file: string, data: Buffer, mediaType: MediaType, metadata: SkanningMetadata | null, externalRef: string | null) => {
    // The original is safe in the object store before anything else happens (bytes shared by identical files).
    const { hash, key: originalKey } = await keep(data, mediaType);
    const started: StepRow[] = [];
    const doc = await inTransaction(ctx.db, async (tx) => {
      const inserted = await insertDocument(tx, {
        batchId: batch.id, fileName: file, mediaType, sha256: hash, originalKey, sizeBytes: data.length,
        vendorMetadata: metadata as unknown as Record<string, unknown> | null, externalRef,
      });
      if (inserted) {
        await appendEvent(tx, inserted.id, 'received', {
          batchId: batch.id, file, mediaType, channel: metadata?.journalpost.mottakskanal ?? 'SKAN',
          ...(metadata ? { postKind: metadata.kind, externalRef, tema: metadata.resolved?.tema } : {}),
        });
        await appendEvent(tx, inserted.id, 'stored', { key: originalKey, sha256: hash, bytes: data.length });
        // Its first step is committed with it: if Redis is down now, the re-drive starts it later.
        started.push(...(await received(tx, inserted.id)));
      }
      return inserted;
    });
    if (!doc) {
      const existing = await findDuplicate(ctx.db, hash, externalRef);
      if (!existing) throw new Error('duplicate detected but the existing document was not found');
      // The second delivery's metadata is kept with the event: nothing the vendor sent is lost.
      await appendEvent(ctx.db, existing.id, 'duplicate-received', {
        batchId: batch.id, file, externalRef, sha256: hash, sameBytes: existing.sha256 === hash,
        ...(metadata ? { metadata: { ...metadata, vendorOcrText: undefined } } : {}),
      });
      report.duplicates.push({ file, existingDocumentId: existing.id });
      progress({ file, outcome: 'duplicate', detail: existing.id });
      return;
    }
    await enqueueSteps(ctx, started);
    report.documents.push({ file, documentId: doc.id });
    progress({ file, outcome: 'document', detail: doc.id });
  };

  const addVendorDocument = async (zipName: string, d: VendorDocument) => {
    const m = d.metadata;
    if (m.kind === 'referansenummer' && m.journalpost.referansenummer) {
      // NAV's look-up of the cover sheet; not found: filed all the same, with tema UKJ.
      const sheet = await getCoverSheet(ctx.db, m.journalpost.referansenummer);
      m.resolved = sheet
        ? { tema: sheet.tema, brevKode: sheet.formNumber, tittel: sheet.title, brukerId: sheet.personId, foerstesideFound: true }
        : { tema: 'UKJ', foerstesideFound: false };
    }
    m.files = { xml: (await keep(d.xml, 'application/xml')).key, ...(d.ocr ? { ocr: (await keep(d.ocr.data, 'text/plain')).key } : {}) };
    await addDocument(`${zipName}:${d.pdfName}`, d.pdf, 'application/pdf', m, d.reference);
  };

  const takeZip = async (name: string, data: Buffer) => {
    let entries;
    try {
      entries = await readZip(data, zipLimits(ctx.config?.MAX_STREAM_BYTES ?? 256 * 1024 ** 2));
    } catch (err) {
      if (!(err instanceof BadZipError)) throw err;
      await setAside(name, err.message, data);
      return;
    }
    if (!isVendorBatch(entries)) {
      for (const e of entries) {
        const t = detectMediaType(e.data);
        if (t && DOCUMENT_TYPES.has(t)) await addDocument(`${name}:${e.name}`, e.data, t, null, null);
        else await setAside(`${name}:${e.name}`, 'ikke en PDF, TIFF, PNG eller JPEG', e.data);
      }
      return;
    }
    // A vendor batch: PDF + skanningmetadata XML pairs (+ .ocr for sick-leave post).
    const vendor = await pairVendorEntries(entries, { batchName: name });
    for (const d of vendor.documents) {
      try {
        await addVendorDocument(name, d);
      } catch (err) {
        if (!isPairError(err)) throw err;
        await setAside(`${name}:${d.pdfName}`, `paret kunne ikke registreres: ${(err as Error).message.slice(0, 160)}`, d.pdf, d.reference);
      }
    }
    for (const s of vendor.setAside) await setAside(`${name}:${s.name}`, s.reason, s.data, s.reference ?? null);
  };

  for (const file of files) {
    let data = file.data;
    let name = file.name;
    if (isPgpMessage(data, name)) {
      const stored = await keep(data, 'application/pgp-encrypted');
      const plainName = name.replace(/\.(pgp|gpg)$/i, '');
      let decrypted: Buffer;
      try {
        const key = await pgpKey(ctx.config);
        if (!key) throw new PgpError('filen er PGP-kryptert, men ingen privat nøkkel er satt opp (PGP_PRIVATE_KEY_FILE)');
        decrypted = await decryptBatch(data, key, ctx.config?.MAX_STREAM_BYTES);
      } catch (err) {
        if (!(err instanceof PgpError)) throw err;
        await addReceivedFile(ctx.db, { batchId: batch.id, name, sha256: stored.hash, objectKey: stored.key, bytes: data.length, encrypted: true, decryptedSha256: null, postKind: postKindFromBatchName(plainName) });
        await setAside(name, err instanceof PgpTooLargeError ? err.message : `kan ikke dekrypteres: ${err.message}`);
        continue;
      }
      await addReceivedFile(ctx.db, { batchId: batch.id, name, sha256: stored.hash, objectKey: stored.key, bytes: data.length, encrypted: true, decryptedSha256: sha256(decrypted), postKind: postKindFromBatchName(plainName) });
      ctx.log.info({ batchId: batch.id, bytes: data.length, decryptedBytes: decrypted.length }, 'batch decrypted');
      data = decrypted;
      name = plainName;
    }
    const type = detectMediaType(data);
    if (type === 'application/zip') {
      if (name === file.name) {
        const stored = await keep(data, 'application/zip');
        await addReceivedFile(ctx.db, { batchId: batch.id, name, sha256: stored.hash, objectKey: stored.key, bytes: data.length, encrypted: false, decryptedSha256: null, postKind: postKindFromBatchName(name) });
      }
      await takeZip(name, data);
    } else if (type && DOCUMENT_TYPES.has(type)) {
      await addDocument(name, data, type, null, null);
    } else if (name !== file.name && data.subarray(257, 262).toString('latin1') === 'ustar') {
      await setAside(file.name, 'dekryptert, men innholdet er en tar-fil, ikke en zip; be leverandøren sende batchen som zip');
    } else if (/\.(xml|ocr)$/i.test(name) || type === 'application/xml') {
      await setAside(name, 'skanningmetadata eller OCR-fil utenfor en batch-zip har ingen PDF å høre til', data);
    } else {
      await setAside(name, 'ikke en PDF, TIFF, PNG, JPEG eller batch-zip', data);
    }
  }
  ctx.log.info({ batchId: batch.id, documents: report.documents.length, duplicates: report.duplicates.length, setAside: report.setAside.length }, 'batch ingested');
  return report;
}
