import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleBatch, type SampleBatch, type TruthEntry } from '../../fixtures/sample-batch.ts';
import { buildVendorZip, vendorMetadataXml } from '../../fixtures/vendor-zip.ts';
import { route } from '../../pipeline/route/route.ts';
import { ingest, type IngestReport } from '../../services/ingest.service.ts';
import { batchProgress, batchSummary } from '../../services/summary.service.ts';
import { formatStatus, lookupStatus, NotFoundError } from '../../services/status.service.ts';
import { getCase } from '../../storage/repositories/cases.repository.ts';
import { listDocuments, type DocumentRow } from '../../storage/repositories/documents.repository.ts';
import { listEvents } from '../../storage/repositories/events.repository.ts';
import { getPerson } from '../../storage/repositories/persons.repository.ts';
import { createContext, type Context } from '../../app/context.ts';
import { startWorkers, type RunningWorkers } from '../../workers/worker.ts';
import { s3Env, startS3, testConfig, waitFor, type S3Server, closeTestContext } from '../helpers/services.ts';

let s3: S3Server;
let ctx: Context;
let workers: RunningWorkers;
let early: Awaited<ReturnType<typeof batchProgress>>;
let sample: SampleBatch;
let report: IngestReport;
let docs: DocumentRow[];

const fileNameOf = (t: TruthEntry) => (t.entry ? `${t.file}:${t.entry}.pdf` : t.file);

beforeAll(async () => {
  s3 = await startS3();
  ctx = await createContext(testConfig({ ...s3Env(s3), JOB_LOCK_MS: '10000' }), 'test', { ocrSize: 2 });
  expect(ctx.store.kind).toBe('s3');
  workers = startWorkers(ctx, { concurrency: 2 });
  sample = await generateSampleBatch({ count: 8, seed: 20261124, dpi: 200 });
  report = await ingest(ctx, sample.files, { batchName: 'integration', source: 'test' });
  early = await batchProgress(ctx, report.batchId);
  await waitFor(async () => (await batchProgress(ctx, report.batchId)).done, 300_000, 'the batch to finish');
  docs = await listDocuments(ctx.db, { batchId: report.batchId });
}, 400_000);

afterAll(async () => {
  await workers?.close();
  await closeTestContext(ctx);
  await s3?.close();
});

describe('a generated scanned batch through real PostgreSQL, Redis and S3', () => {
  it('makes one document (journalpost) per scanned document and sets nothing aside', () => {
    expect(report.setAside).toEqual([]);
    expect(report.duplicates).toEqual([]);
    expect(docs.map((d) => d.fileName).sort()).toEqual(sample.truth.map(fileNameOf).sort());
  });

  it('tells the batch\'s progress in one query as the whole summary does (the demo polls it)', async () => {
    expect(early.done).toBe(false); // just ingested: nothing archived yet
    const summary = await batchSummary(ctx, report.batchId);
    expect(summary.done).toBe(true);
    expect(await batchProgress(ctx, report.batchId)).toEqual({ documents: summary.rows.length, finished: summary.rows.length, pages: summary.pages, done: true });
  });

  it('reads tema, person and page count of every document', () => {
    for (const t of sample.truth) {
      const d = docs.find((x) => x.fileName === fileNameOf(t))!;
      expect({ file: d.fileName, tema: d.tema, person: d.personId === t.personId, pages: d.pageCount })
        .toEqual({ file: fileNameOf(t), tema: t.tema, person: true, pages: t.pages });
    }
  });

  it('attaches each document to the person\'s open case for its tema', async () => {
    for (const d of docs) {
      expect(d.caseId, d.fileName).not.toBeNull();
      const sak = await getCase(ctx.db, d.caseId!);
      expect(sak).toMatchObject({ personId: d.personId, tema: d.tema, status: 'open' });
    }
    const { rows } = await ctx.db.query(`SELECT person_id, tema, count(*)::int AS n FROM cases WHERE status = 'open' GROUP BY 1, 2 HAVING count(*) > 1`);
    expect(rows).toEqual([]);
  });

  it('delivers each document to the unit(s) its benefit, kind and person call for, by a named rule', async () => {
    for (const t of sample.truth) {
      const d = docs.find((x) => x.fileName === fileNameOf(t))!;
      const person = await getPerson(ctx.db, t.personId);
      const want = route({ tema: t.tema, kind: d.documentKind as never, person }, ctx.policy, ctx.directory);
      const { rows } = await ctx.db.query('SELECT unit_id FROM deliveries WHERE document_id = $1 ORDER BY unit_id', [d.id]);
      expect({ file: d.fileName, units: rows.map((r) => r.unit_id) }).toEqual({ file: d.fileName, units: want.destinations.map((x) => x.unitId).sort() });
      const decision = await ctx.db.query('SELECT rule_id, rule_source FROM routing_decisions WHERE document_id = $1', [d.id]);
      expect(decision.rows).toEqual([{ rule_id: want.ruleId, rule_source: want.ruleSource }]);
    }
  });

  it('keeps the full history of every document, in pipeline order, once each', async () => {
    for (const d of docs) {
      const types = (await listEvents(ctx.db, [d.id])).map((e) => e.type);
      const manual = d.status === 'manual';
      // Routing runs on the header while full-text OCR goes on, so ocr-done may come before or
      // after routing; everything else is a fixed chain, and archive waits for both.
      const chain = ['received', 'stored', 'split', 'classified', 'attached', 'routed', manual ? 'sent-to-manual' : 'delivered', 'archived'];
      expect(types.filter((t) => t !== 'ocr-done'), d.fileName).toEqual(chain);
      expect(types.filter((t) => t === 'ocr-done'), d.fileName).toHaveLength(1);
      expect(types.indexOf('ocr-done')).toBeGreaterThan(types.indexOf('split'));
      expect(types.indexOf('ocr-done')).toBeLessThan(types.indexOf('archived'));
    }
  });

  it('answers status look-ups by document, batch and case id, and records who looked and why', async () => {
    const d = docs.find((x) => x.caseId)!;
    const who = { actor: 'caseworker-1', purpose: 'phone call from the user' };
    const byDoc = await lookupStatus(ctx, d.id, who);
    expect(byDoc.documents[0]!.history.map((h) => h.type)).toContain('delivered');
    expect(byDoc.documents[0]!.person).toMatch(/^\d{6}\*{5}$/);
    const text = formatStatus(await lookupStatus(ctx, report.batchId, who));
    for (const x of docs) expect(text).toContain(x.id);
    expect(text).toMatch(/routed to .* by rule /);
    expect((await lookupStatus(ctx, d.caseId!, who)).documents.map((x) => x.id)).toContain(d.id);
    await expect(lookupStatus(ctx, 'JP999999', who)).rejects.toBeInstanceOf(NotFoundError);
    const { rows } = await ctx.db.query('SELECT actor, purpose, subject, person_ids FROM access_log WHERE subject = $1', [d.id]);
    expect(rows).toEqual([{ actor: 'caseworker-1', purpose: 'phone call from the user', subject: d.id, person_ids: [d.personId] }]);
  });

  it('keeps no personal data in the history', async () => {
    const events = await listEvents(ctx.db, docs.map((d) => d.id));
    const text = JSON.stringify(events.map((e) => e.detail));
    for (const t of sample.truth) expect(text).not.toContain(t.personId);
  });

  it('stores originals, page images and archive PDFs in the S3 store', async () => {
    for (const d of docs) {
      expect(await ctx.store.exists(d.originalKey)).toBe(true);
      expect(d.archiveKey).toBe(`archive/${d.id}.pdf`);
      const pdf = await ctx.store.get(d.archiveKey!);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    }
  });

  it('makes no second document when the same files arrive again, and says so', async () => {
    const again = await ingest(ctx, sample.files, { batchName: 'again', source: 'test' });
    expect(again.documents).toEqual([]);
    expect(again.duplicates.map((x) => x.existingDocumentId).sort()).toEqual(docs.map((d) => d.id).sort());
    const { rows } = await ctx.db.query('SELECT count(*)::int AS n FROM documents');
    expect(rows[0].n).toBe(docs.length);
    const events = await listEvents(ctx.db, [docs[0]!.id]);
    expect(events.some((e) => e.type === 'duplicate-received')).toBe(true);
  });

  it('sets aside the bad parts of a malformed vendor zip and takes in the rest', async () => {
    const good = sample.files.find((f) => f.name.endsWith('.pdf'))!;
    const meta = (file: string) => vendorMetadataXml({ batchnavn: 'BAD_1', filnavn: file, datoMottatt: '2026-11-20', mottakskanal: 'SKAN_IM', antallSider: 1 });
    // The "good" PDF has the bytes of a loose file already in: under a vendor reference it is a
    // new document all the same (NAV de-duplicates on the reference, not the bytes).
    const zip = await buildVendorZip([
      { baseName: 'OK', pdf: good.data, xml: meta('OK.pdf') },
      { baseName: 'NO_XML', pdf: Buffer.from('%PDF-1.7 lonely') },
      { baseName: 'NO_PDF', xml: meta('NO_PDF.pdf') },
      { baseName: 'BROKEN', pdf: Buffer.from('%PDF-1.7 other'), xml: '<skanningmetadata><journalpost>' },
    ]);
    const r = await ingest(ctx, [{ name: 'bad.zip', data: zip }], { batchName: 'bad', source: 'test' });
    expect(r.duplicates).toEqual([]);
    expect(r.documents.map((x) => x.file)).toEqual(['bad.zip:OK.pdf']);
    expect(Object.fromEntries(r.setAside.map((s) => [s.file, s.reason]))).toEqual({
      'bad.zip:NO_XML.pdf': expect.stringMatching(/PDF uten tilhørende XML/),
      'bad.zip:NO_PDF.xml': expect.stringMatching(/XML uten tilhørende PDF/),
      'bad.zip:BROKEN.xml': expect.stringMatching(/ikke velformet/),
      'bad.zip:BROKEN.pdf': expect.stringMatching(/ikke velformet/),
    });
    const notAZip = await ingest(ctx, [{ name: 'torn.zip', data: Buffer.concat([zip.subarray(0, 200)]) }], { batchName: 'torn', source: 'test' });
    expect(notAZip.setAside[0]?.reason).toMatch(/zip/);
  });
});
