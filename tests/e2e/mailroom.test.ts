import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import path from 'node:path';
import { claimPages } from '../../fixtures/claim-content.ts';
import { toPng } from '../../fixtures/documents.ts';
import { renderPage } from '../../fixtures/render-page.ts';
import { STAGES } from '../../pipeline/stages.ts';
import { listCorrections } from '../../storage/repositories/corrections.repository.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { getPerson } from '../../storage/repositories/persons.repository.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { startWorkers } from '../../workers/worker.ts';
import { waitFor } from '../helpers/services.ts';
import { ensureWebBuilt, launchBrowser, login, OSLO_PERSON, pagePng, screenshot, seedDocument, startApp, type TestApp } from './harness.ts';

const require = createRequire(import.meta.url);

/** The text layer of a PDF (what a search in a PDF viewer finds). */
async function pdfText(pdf: Uint8Array): Promise<string> {
  const { getDocument: open } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const d = await open({ data: pdf, standardFontDataUrl: path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep, verbosity: 0 }).promise;
  const out: string[] = [];
  for (let i = 1; i <= d.numPages; i++) out.push((await (await d.getPage(i)).getTextContent()).items.map((x) => ('str' in x ? x.str : '')).join(' '));
  await d.destroy();
  return out.join('\n');
}

let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  ensureWebBuilt();
  [t, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('mail-room operator', () => {
  it('uploads files in the browser and sees the batch appear with its progress', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(page, t.url, 'ops');
    await page.getByRole('heading', { name: 'Last opp skannet post' }).waitFor();
    const scans = [
      { name: 'skann-001.png', mimeType: 'image/png', buffer: await pagePng(['Søknad om dagpenger', 'Side 1']) },
      { name: 'skann-002.png', mimeType: 'image/png', buffer: await pagePng(['Legeerklæring', 'Side 1']) },
    ];
    await page.getByTestId('file-input').setInputFiles(scans);
    await page.getByLabel('Navn på bunken (valgfritt)').fill('Morgenposten');
    await page.getByRole('button', { name: /Last opp 2 fil/ }).click();
    const done = page.getByText(/Bunke B\d+: 2 dokument\(er\) i arbeid/);
    await done.waitFor();
    const batchId = (await done.innerText()).match(/B\d+/)![0];
    const row = page.locator(`tr[data-batch="${batchId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('Morgenposten');
    // Nothing has been processed (no workers here): a progress bar at 0 of 2.
    expect(await row.getByRole('progressbar').getAttribute('aria-valuemax')).toBe('2');
    await screenshot(page, 'mailroom');

    // A file of the wrong type is refused with a clear message, and nothing is stored.
    await page.getByTestId('file-input').setInputFiles([{ name: 'notat.txt', mimeType: 'text/plain', buffer: Buffer.from('bare tekst') }]);
    await page.getByRole('button', { name: /Last opp 1 fil/ }).click();
    await page.getByText('notat.txt: ikke PDF, TIFF, PNG, JPEG eller ZIP').waitFor();

    // Reconciliation of the batch.
    await row.getByRole('link', { name: batchId }).click();
    await page.getByRole('heading', { name: `Bunke ${batchId}: Morgenposten` }).waitFor();
    const counts = await page.getByRole('region', { name: 'Avstemming' }).innerText();
    expect(counts).toMatch(/Filer mottatt\s+2/);
    expect(counts).toMatch(/Under behandling\s+2/);
    await page.close();
  });

  it('uploads a scanned page the pipeline cannot place, finds it in the manual queue, sets person and tema, and sends it on', async () => {
    // Only this file's upload: whatever the first test left queued is not for these workers
    // (their steps stay in the outbox; without the re-drive nobody queues them again).
    await Promise.all(STAGES.map((s) => t.ctx.queues.byStage[s].obliterate({ force: true })));
    const workers = startWorkers(t.ctx, { concurrency: 1, deviations: false, redrive: false });
    try {
      // A dagpenger claim whose fødselsnummer is valid but not in the person register.
      const stranger = personRegister(80)[70]!;
      expect(await getPerson(t.ctx.db, stranger.id)).toBeNull();
      const [content] = claimPages({ formNumber: 'NAV 04-01.03', title: 'Søknad om dagpenger', tema: 'DAG', person: stranger, kind: 'claim', pages: 1, seed: 5501 });
      const scan = await toPng(await renderPage(content!, { dpi: 150, noise: 0.01, skewDeg: 0.4, seed: 5502 }));

      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await login(page, t.url, 'ops');
      await page.getByTestId('file-input').setInputFiles([{ name: 'skann-ukjent.png', mimeType: 'image/png', buffer: scan }]);
      await page.getByLabel('Navn på bunken (valgfritt)').fill('Ettermiddagsposten');
      await page.getByRole('button', { name: /Last opp 1 fil/ }).click();
      const done = page.getByText(/Bunke B\d+: 1 dokument\(er\) i arbeid/);
      await done.waitFor();
      const batchId = (await done.innerText()).match(/B\d+/)![0];

      // The batch page follows the pipeline live until the document lands in the manual queue.
      await page.locator(`tr[data-batch="${batchId}"]`).getByRole('link', { name: batchId }).click();
      const counts = page.getByRole('region', { name: 'Avstemming' });
      await expect.poll(() => counts.innerText(), { timeout: 45_000, interval: 500 }).toMatch(/Manuell kø\s+1/);
      const id = await page.locator('a[href^="/manuell/JP"]').first().innerText();
      await screenshot(page, 'pipeline-batch');

      await page.getByRole('link', { name: 'Manuell kø' }).click();
      const row = page.locator(`tr[data-document="${id}"]`);
      await row.waitFor();
      expect(await row.innerText()).toContain('skann-ukjent.png');
      await row.getByRole('link', { name: id }).click();
      await page.getByText('Maskinens beste gjetning').waitFor();
      await page.locator('.page-row[data-page="1"] img').waitFor();
      // Routing may have been decided from the page header alone; the full text follows while the page is open.
      await expect.poll(() => page.locator('.ocr-text').first().innerText(), { timeout: 30_000, interval: 500 }).toMatch(/dagpenger/i);
      await page.getByText(/NAV 04-01\.03/).first().waitFor();
      await page.getByLabel('Fødselsnummer').fill(OSLO_PERSON.id);
      await page.getByLabel('Tema').selectOption('DAG');
      await page.getByLabel('Skjemanummer (valgfritt)').fill('NAV 04-01.03');
      await page.getByLabel('Dokumenttype').selectOption('claim');
      await screenshot(page, 'manual-item');
      await page.getByRole('button', { name: 'Send videre' }).click();
      await page.getByRole('status').filter({ hasText: 'sendt til 4450 NAV Arbeid og ytelser' }).waitFor();

      // Routed: the status look-up shows it delivered to the unit.
      await page.getByRole('link', { name: 'Statusoppslag' }).click();
      await page.getByLabel('Journalpost-id, saksnummer eller fødselsnummer').fill(id);
      await page.getByLabel('Formål (logges)').selectOption('Saksbehandling');
      await page.getByRole('button', { name: 'Søk' }).click();
      const card = page.locator(`.status-doc[data-document="${id}"]`);
      await card.waitFor();
      for (const step of ['Lest (OCR)', 'Klassifisert', 'Levert til 4450']) expect(await card.innerText()).toContain(step);
      await screenshot(page, 'pipeline-routed');
      await page.close();

      // The operator's person is a correction the classifier can learn from.
      const { rows } = await listCorrections(t.ctx.db, { documentId: id, limit: 10, offset: 0 });
      expect(rows.find((r) => r.field === 'personId')).toMatchObject({ machineValue: null, correctedValue: OSLO_PERSON.id, correctedBy: 'ops' });
      // It left the mail room: the operator no longer sees its content; the unit does, with the searchable PDF.
      const bearer = async (u: string) => ({ authorization: `Bearer ${await t.token(u)}` });
      expect((await fetch(`${t.url}/api/documents/${id}`, { headers: await bearer('ops') })).status).toBe(403);
      const inbox = await (await fetch(`${t.url}/api/inbox/4450`, { headers: await bearer('sb4450') })).json() as { items: Array<{ documentId: string }> };
      expect(inbox.items.map((i) => i.documentId)).toContain(id);
      await waitFor(async () => (await getDocument(t.ctx.db, id))?.archivedAt, 15_000, 'the archive copy');
      const pdf = await fetch(`${t.url}/api/documents/${id}/archive.pdf`, { headers: await bearer('sb4450') });
      expect(pdf.status).toBe(200);
      expect((await pdfText(new Uint8Array(await pdf.arrayBuffer()))).toLowerCase()).toContain('dagpenger');
    } finally {
      await workers.close();
    }
  }, 180_000); // real OCR and two workers: 15 s alone, past a minute on a loaded machine

  it('splits a manual item and merges it back', async () => {
    const item = await seedDocument(t.ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'unreadable', pages: [['Brev side 1'], ['Brev side 2'], ['Annet brev']] });
    const ops = { authorization: `Bearer ${await t.token('ops')}`, 'content-type': 'application/json' };
    const split = await fetch(`${t.url}/api/manual/${item.id}/split`, { method: 'POST', headers: ops, body: JSON.stringify({ fromPage: 3 }) });
    expect(split.status).toBe(201);
    const { newDocumentId } = await split.json() as { newDocumentId: string };
    const view = await (await fetch(`${t.url}/api/manual/${newDocumentId}`, { headers: ops })).json() as { pages: Array<{ text: string }> };
    expect(view.pages.map((p) => p.text)).toEqual(['Annet brev']);
    const merged = await fetch(`${t.url}/api/manual/${item.id}/merge`, { method: 'POST', headers: ops, body: JSON.stringify({ otherId: newDocumentId }) });
    expect(await merged.json()).toMatchObject({ documentId: item.id, pages: 3 });
  });
});
