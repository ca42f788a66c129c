import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPages } from '../../fixtures/claim-content.ts';
import { renderCoverSheetScan, renderSeparatorScan } from '../../fixtures/cover-sheet-fixture.ts';
import { toPdf } from '../../fixtures/documents.ts';
import { renderPage } from '../../fixtures/render-page.ts';
import { ingest } from '../../services/ingest.service.ts';
import { orderCoverSheet } from '../../services/foersteside.service.ts';
import { listMissingAttachments } from '../../storage/repositories/foersteside.repository.ts';
import { getDocument, listDocuments } from '../../storage/repositories/documents.repository.ts';
import { listEvents } from '../../storage/repositories/events.repository.ts';
import { listPages, saveOcr } from '../../storage/repositories/pages.repository.ts';
import { getSegmentInfo } from '../../storage/repositories/segments.repository.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { createContext, type Context } from '../../app/context.ts';
import { testConfig, closeTestContext } from '../helpers/services.ts';
import { runStage } from '../../workers/runner.ts';

let ctx: Context;
const person = personRegister()[3]!; // an ordinary person in Bergen

beforeAll(async () => {
  ctx = await createContext(testConfig(), 'test');
}, 60_000);

afterAll(async () => {
  await closeTestContext(ctx);
});

describe('splitting a loose file on separator and cover sheets (split stage)', () => {
  it('makes one document per segment, keeps history, and is idempotent on retry; identify uses the stored cover sheet', async () => {
    const { sheet } = await orderCoverSheet(ctx, {
      tema: 'DAG', formNumber: 'NAV 04-01.03', personId: person.id, attachments: ['Bekreftelse fra arbeidsgiver', 'Arbeidsavtale'],
    }, 'test');
    const letter = claimPages({ formNumber: null, title: 'Klage', tema: 'BAR', person, kind: 'complaint', seed: 4101 });
    const form = claimPages({ formNumber: 'NAV 04-01.03', title: 'Søknad om dagpenger', tema: 'DAG', person, kind: 'claim', pages: 1, seed: 4102 });
    const pages = [
      await renderPage(letter[0]!, { dpi: 150, seed: 4103 }),
      await renderSeparatorScan({ dpi: 150, seed: 4104, skewDeg: 1 }),
      await renderCoverSheetScan(sheet, 'Dagpenger', { dpi: 150, seed: 4105, rotate: 180, noise: 0.01 }),
      await renderPage(form[0]!, { dpi: 150, seed: 4106 }),
    ];
    const report = await ingest(ctx, [{ name: 'stack.pdf', data: await toPdf(pages) }], { batchName: 'segment test', source: 'test' });
    const parentId = report.documents[0]!.documentId;

    await runStage(ctx, 'split', { documentId: parentId });
    await runStage(ctx, 'split', { documentId: parentId }); // a retry changes nothing
    const docs = await listDocuments(ctx.db, { batchId: report.batchId });
    expect(docs).toHaveLength(2);
    const child = docs.find((d) => d.id !== parentId)!;
    expect((await listPages(ctx.db, parentId)).length).toBe(1);
    expect((await listPages(ctx.db, child.id)).length).toBe(2);
    expect(await getSegmentInfo(ctx.db, parentId)).toMatchObject({ coverSheet: null, sourcePages: [1], splitFrom: null });
    expect(await getSegmentInfo(ctx.db, child.id)).toMatchObject({ coverSheet: sheet.loepenummer, coverSheetPage: 1, sourcePages: [3, 4], splitFrom: parentId });
    const events = await listEvents(ctx.db, [parentId, child.id]);
    expect(events.filter((e) => e.documentId === parentId && e.type === 'split')).toHaveLength(1);
    expect(events.filter((e) => e.documentId === child.id).map((e) => e.type)).toEqual(['received', 'split']);

    // OCR stand-in: the form page reads as text; the cover sheet page is not needed.
    await saveOcr(ctx.db, child.id, 1, { text: '', confidence: 10, ms: 1 });
    await saveOcr(ctx.db, child.id, 2, { text: `NAV 04-01.03\nSøknad om dagpenger\nFødselsnummer: ${person.id}\nBekreftelse fra arbeidsgiver`, confidence: 90, ms: 1 });
    await runStage(ctx, 'identify', { documentId: child.id });
    await runStage(ctx, 'attach', { documentId: child.id });
    await runStage(ctx, 'route', { documentId: child.id });
    const done = (await getDocument(ctx.db, child.id))!;
    expect(done).toMatchObject({ tema: 'DAG', formNumber: 'NAV 04-01.03', personId: person.id, status: 'delivered' });
    expect(done.classification).toMatchObject({ coverSheet: sheet.loepenummer, missingAttachments: ['Arbeidsavtale'], needsManual: false });
    expect(await listMissingAttachments(ctx.db, done.caseId!)).toEqual([{ documentId: child.id, loepenummer: sheet.loepenummer, attachment: 'Arbeidsavtale' }]);
  }, 60_000);

  it('leaves a file without marks alone', async () => {
    const form = claimPages({ formNumber: 'NAV 04-01.03', title: 'Søknad om dagpenger', tema: 'DAG', person, kind: 'claim', pages: 2, seed: 4110 });
    const pages = [await renderPage(form[0]!, { dpi: 150, seed: 4111 }), await renderPage(form[1]!, { dpi: 150, seed: 4112 })];
    const report = await ingest(ctx, [{ name: 'plain.pdf', data: await toPdf(pages) }], { batchName: 'plain', source: 'test' });
    await runStage(ctx, 'split', { documentId: report.documents[0]!.documentId });
    expect(await listDocuments(ctx.db, { batchId: report.batchId })).toHaveLength(1);
    expect((await listPages(ctx.db, report.documents[0]!.documentId)).length).toBe(2);
  }, 60_000);
});
