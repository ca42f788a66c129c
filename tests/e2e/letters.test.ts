import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPages } from '../../fixtures/claim-content.ts';
import { renderCoverSheetScan, scanLook } from '../../fixtures/cover-sheet-fixture.ts';
import { toPdf } from '../../fixtures/documents.ts';
import { renderPage } from '../../fixtures/render-page.ts';
import { longDate } from '../../pipeline/letters/content.ts';
import { openPdfjs } from '../../pipeline/pages/pdf-render.ts';
import { runDeviationSweep } from '../../services/deviation-sweep.service.ts';
import { orderCoverSheet } from '../../services/foersteside.service.ts';
import { startWorkers, type RunningWorkers } from '../../workers/worker.ts';
import { waitFor } from '../helpers/services.ts';
import { checkPage } from './checks.ts';
import { ensureWebBuilt, launchBrowser, login, OSLO_PERSON, screenshot, startApp, type TestApp } from './harness.ts';
import { pdfPages } from '../helpers/pdf-text.ts';

/**
 * Issue 13, part 3, end to end through the real services: the scans are generated pages, read by
 * the real pipeline (split on the cover sheet's barcode, OCR, identify, attach, route); people act in
 * the browser. A claim arrives without the two attachments its cover sheet lists → a letter naming
 * both, with a pre-filled ettersendelse cover sheet → that sheet is printed, "scanned" with the two
 * attachments → same case, both ticked off, the deviation closed, and the caseworker sees it.
 */

let t: TestApp;
let browser: Browser;
let workers: RunningWorkers;

beforeAll(async () => {
  ensureWebBuilt();
  [t, browser] = await Promise.all([startApp(), launchBrowser()]);
  workers = startWorkers(t.ctx, { concurrency: 1, deviations: false });
});
afterAll(async () => {
  await workers?.close();
  await browser?.close();
  await t?.close();
});


/** The mail-room operator uploads a scan in the browser; returns the batch id. */
async function upload(page: Page, name: string, pdf: Buffer): Promise<string> {
  await page.goto(`${t.url}/`);
  // The start page settles (sign-in check, then the mail room) before the file is chosen.
  await page.getByRole('heading', { name: 'Last opp skannet post' }).waitFor();
  await page.getByTestId('file-input').setInputFiles([{ name, mimeType: 'application/pdf', buffer: pdf }], { timeout: 120_000 });
  await page.getByRole('button', { name: /Last opp 1 fil/ }).click();
  const done = page.getByText(/Bunke B\d+: 1 dokument\(er\) i arbeid/);
  await done.waitFor();
  return (await done.innerText()).match(/B\d+/)![0];
}

const one = async <T>(sql: string, params: unknown[]): Promise<T | undefined> => (await t.ctx.db.query(sql, params)).rows[0] as T | undefined;

describe('the letter about missing attachments, end to end', () => {
  it('claim without two attachments → letter naming both → follow-up behind the pre-filled cover sheet → same case, ticked off, deviation closed, seen by the caseworker', async () => {
    const person = OSLO_PERSON;
    // A dagpenger claim whose envelope should hold two attachments (pages 2 and 3 of the generated claim).
    const contents = claimPages({ formNumber: 'NAV 04-01.03', title: 'Søknad om dagpenger', tema: 'DAG', person, kind: 'claim', pages: 3, seed: 9 });
    const titles = contents.slice(1).map((p) => p.lines.find((l) => l.size === 15 && l.bold)!.text);
    expect(titles).toHaveLength(2);
    const { sheet } = await orderCoverSheet(t.ctx, { tema: 'DAG', formNumber: 'NAV 04-01.03', personId: person.id, attachments: titles, language: 'nb' }, 'sb4450');
    const claimScan = await toPdf([
      await renderCoverSheetScan(sheet, 'Dagpenger', { dpi: 200, seed: 1301, skewDeg: 0.4, noise: 0.01 }),
      await renderPage(contents[0]!, { dpi: 200, seed: 1302, noise: 0.01, skewDeg: -0.3 }),
    ]);

    const ops = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(ops, t.url, 'ops');
    await upload(ops, 'soknad-uten-vedlegg.pdf', claimScan);

    // The pipeline reads it, sees both attachments missing, and writes at once (not after the deadline).
    const claim = await waitFor(() => one<{ id: string; case_id: string }>(`SELECT id, case_id FROM documents WHERE classification->>'coverSheet' = $1 AND status = 'delivered'`, [sheet.loepenummer]), 240_000, 'the claim delivered');
    const letter = await waitFor(() => one<{ id: string; follow_up_sheet: string; deadline: Date; channel: string }>(`SELECT * FROM letters WHERE document_id = $1 AND status = 'sent'`, [claim.id]), 60_000, 'the letter sent');
    expect(letter.channel).toBe('print');

    // The caseworker's inbox says so; the document page lists the letter and opens it.
    const cw = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(cw, t.url, 'sb4450');
    await cw.goto(`${t.url}/innboks/4450`);
    const row = cw.locator(`tr[data-document="${claim.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('Brev sendt, venter på 2 vedlegg');
    await row.getByRole('link', { name: claim.id }).click();
    const panel = cw.getByRole('region', { name: 'Brev til bruker' });
    await panel.waitFor();
    for (const title of titles) expect(await panel.innerText()).toContain(`${title}: ikke mottatt`);
    expect(await checkPage(cw, 'dokument med brev')).toEqual([]);
    await screenshot(cw, 'letter-sent');
    const href = await panel.getByRole('link', { name: 'Åpne brevet (PDF)' }).getAttribute('href');
    const pdfResponse = await cw.request.get(`${t.url}${href}`);
    expect(pdfResponse.status()).toBe(200);
    const letterPdf = Buffer.from(await pdfResponse.body());
    const [letterText, coverText] = await pdfPages(letterPdf);
    for (const title of titles) expect(letterText).toContain(title);
    expect(letterText).toContain(`Send oss vedleggene senest ${longDate(letter.deadline, 'nb')}.`);
    expect(coverText).toContain('NAVe 04-01.03');
    expect(coverText).toContain(letter.follow_up_sheet);

    // The deadline passes without an answer: the sweep opens a deviation.
    await t.ctx.db.query(`UPDATE documents SET received_at = received_at - interval '20 days' WHERE id = $1`, [claim.id]);
    await runDeviationSweep(t.ctx);
    expect(await one(`SELECT 1 FROM deviations WHERE document_id = $1 AND kind = 'missing-attachment' AND resolved_at IS NULL`, [claim.id])).toBeDefined();

    // The person prints page 2 of the letter, puts it on top of the two attachments and posts them; the mail room scans the stack.
    const d = await openPdfjs(new Uint8Array(letterPdf));
    const printed = await d.render(2, 200);
    await d.close();
    const coverPng = await sharp(printed.data, { raw: { width: printed.width, height: printed.height, channels: 1 } }).png().toBuffer();
    const followUpScan = await toPdf([
      await scanLook(coverPng, { dpi: 200, seed: 1311, skewDeg: 0.7, noise: 0.01 }),
      await renderPage(contents[1]!, { dpi: 200, seed: 1312, noise: 0.01, skewDeg: 0.5 }),
      await renderPage(contents[2]!, { dpi: 200, seed: 1313, noise: 0.01, skewDeg: -0.6 }),
    ]);
    await upload(ops, 'ettersendelse.pdf', followUpScan);
    const followUp = await waitFor(() => one<{ id: string; case_id: string; document_kind: string }>(`SELECT id, case_id, document_kind FROM documents WHERE classification->>'coverSheet' = $1 AND attached_at IS NOT NULL`, [letter.follow_up_sheet]), 240_000, 'the follow-up attached');
    expect(followUp.case_id).toBe(claim.case_id);
    expect(followUp.document_kind).toBe('attachment');
    const arrivals = (await t.ctx.db.query('SELECT attachment, arrived_in FROM case_attachment_arrivals WHERE document_id = $1 ORDER BY attachment', [claim.id])).rows;
    expect(arrivals).toEqual([...titles].sort().map((attachment) => ({ attachment, arrived_in: followUp.id })));
    expect(await one(`SELECT resolved_by, resolution_note FROM deviations WHERE document_id = $1 AND kind = 'missing-attachment'`, [claim.id]))
      .toEqual({ resolved_by: 'intake', resolution_note: `Vedleggene kom med ettersendelsen ${followUp.id}` });
    expect(await one(`SELECT 1 FROM letters WHERE document_id = $1`, [followUp.id])).toBeUndefined();

    // The caseworker sees it: items ticked off with the document they came in, the inbox no longer waits.
    await cw.reload();
    await panel.waitFor();
    await expect.poll(() => panel.innerText(), { timeout: 20_000 }).toContain('Alle vedlegg i brevet er mottatt');
    for (const title of titles) expect(await panel.innerText()).toContain(`✓ ${title}: mottatt i ${followUp.id}`);
    await screenshot(cw, 'letter-answered');
    await cw.goto(`${t.url}/innboks/4450`);
    await row.waitFor();
    expect(await row.innerText()).toContain('Ettersendte vedlegg mottatt');
    expect(await row.innerText()).not.toContain('Mangler vedlegg');

    // And the claim's history says what happened, in words.
    await cw.getByRole('link', { name: 'Statusoppslag' }).click();
    await cw.getByLabel('Journalpost-id, saksnummer eller fødselsnummer').fill(claim.id);
    await cw.getByLabel('Formål (logges)').selectOption('Saksbehandling');
    await cw.getByRole('button', { name: 'Søk' }).click();
    const card = cw.locator(`.status-doc[data-document="${claim.id}"]`);
    await card.waitFor();
    const history = await card.innerText();
    expect(history).toContain('Brev sendt til bruker: venter på 2 vedlegg');
    expect(history).toContain(`2 vedlegg kom med ettersendelsen ${followUp.id}: alle vedlegg er kommet`);
    await ops.close();
    await cw.close();
  }, 600_000);
});
