import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPages } from '../../fixtures/claim-content.ts';
import { toPdf } from '../../fixtures/documents.ts';
import { renderPage } from '../../fixtures/render-page.ts';
import { navForms } from '../../fixtures/sample-batch.ts';
import { ingest, type IngestReport } from '../../services/ingest.service.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { getWords, listPages } from '../../storage/repositories/pages.repository.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { createContext, type Context } from '../../app/context.ts';
import { startWorkers, type RunningWorkers } from '../../workers/worker.ts';
import { testConfig, waitFor, closeTestContext } from '../helpers/services.ts';

let ctx: Context;
let workers: RunningWorkers;
let report: IngestReport;
const person = personRegister()[3]!;
const form = navForms().find((f) => f.tema === 'DAG' && /^Søknad/.test(f.title))!;

beforeAll(async () => {
  ctx = await createContext(testConfig({ JOB_LOCK_MS: '10000' }), 'test', { ocrSize: 2 });
  workers = startWorkers(ctx, { concurrency: 2 });
  // A scanned claim: form page, an attachment fed upside down, and an empty back side.
  const [p1, p2] = claimPages({ formNumber: form.formNumber, title: form.title, tema: form.tema, person, kind: 'claim', pages: 2, seed: 42 });
  const scan = await toPdf([
    await renderPage(p1!, { dpi: 200, skewDeg: 1.5, noise: 0.01, jpegQuality: 70, seed: 1 }),
    await renderPage(p2!, { dpi: 200, rotate: 180, noise: 0.01, jpegQuality: 70, seed: 2 }),
    await renderPage({ lines: [] }, { dpi: 200, blank: true, noise: 0.02, jpegQuality: 70, seed: 3 }),
  ]);
  // A born-digital letter (printed to PDF from a form filler): its own text, no OCR.
  const born = await PDFDocument.create();
  const font = await born.embedFont(StandardFonts.Helvetica);
  const page = born.addPage([595, 842]);
  page.drawText(`${form.formNumber} ${form.title.replace(/[^\x20-\x7e]/g, 'o')}`, { x: 50, y: 780, size: 13, font });
  page.drawText(`Fodselsnummer: ${person.id}`, { x: 50, y: 750, size: 11, font });
  report = await ingest(ctx, [
    { name: 'scan.pdf', data: scan },
    { name: 'digital.pdf', data: Buffer.from(await born.save()) },
  ], { batchName: 'pages-ocr', source: 'test' });
  await waitFor(async () => {
    const docs = await Promise.all(report.documents.map((d) => getDocument(ctx.db, d.documentId)));
    return docs.every((d) => d?.archivedAt || d?.status === 'manual');
  }, 180_000, 'both documents archived');
}, 240_000);

afterAll(async () => {
  await workers?.close();
  await closeTestContext(ctx);
});

describe('pages and OCR through the queues', () => {
  it('identifies the scanned claim from its first page\'s one full reading (no separate header read), turns the upside-down page and skips the blank one', async () => {
    const id = report.documents.find((d) => d.file === 'scan.pdf')!.documentId;
    const doc = (await getDocument(ctx.db, id))!;
    expect({ tema: doc.tema, person: doc.personId === person.id, form: doc.formNumber, status: doc.status }).toMatchObject({ tema: 'DAG', person: true, form: form.formNumber });
    const { rows } = await ctx.db.query('SELECT header_at, identified_at, ocr_at, text_source FROM documents WHERE id = $1', [id]);
    expect(rows[0].header_at).not.toBeNull();
    expect(rows[0].text_source).toBe('ocr');
    const pages = await listPages(ctx.db, id);
    expect(pages.map((p) => [p.ocrStatus, p.orientation, p.blank])).toEqual([['done', 0, false], ['done', 180, false], ['blank', 0, true]]);
    // One read per page: the fast path used page 1's full text; no header band was read.
    expect(pages[0]!.text).toContain(person.id);
    expect(pages.every((p) => p.headerText === null)).toBe(true);
    expect(Math.abs(pages[0]!.skew! + 1.5)).toBeLessThan(0.4);
    expect(pages[1]!.text).toMatch(/Fødselsnummer|Gjelder/);
    expect(pages[1]!.imageKey).toMatch(/upright/);
    const words = await getWords(ctx.db, id, 1);
    expect(words.find((w) => w.text.includes(person.id))).toBeDefined();
    expect(pages.slice(0, 2).every((p) => p.textPdfKey)).toBe(true);
    const pdf = await ctx.store.get(doc.archiveKey!);
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(3);
  });

  it('takes the text of a born-digital PDF as it is', async () => {
    const id = report.documents.find((d) => d.file === 'digital.pdf')!.documentId;
    const doc = (await getDocument(ctx.db, id))!;
    expect(doc.personId).toBe(person.id);
    const pages = await listPages(ctx.db, id);
    expect(pages.map((p) => p.ocrStatus)).toEqual(['pdf-text']);
    expect(pages[0]!.text).toContain(person.id);
    const { rows } = await ctx.db.query('SELECT text_source FROM documents WHERE id = $1', [id]);
    expect(rows[0].text_source).toBe('pdf');
    expect(doc.archiveKey).toBe(`archive/${id}.pdf`);
  });
});
