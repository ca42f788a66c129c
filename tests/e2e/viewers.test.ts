import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAccess } from '../../storage/repositories/access-log.repository.ts';
import { runStage } from '../../workers/runner.ts';
import { ensureWebBuilt, launchBrowser, login, OSLO_PERSON, recordRequests, screenshot, seedDocument, startApp, type TestApp } from './harness.ts';

const require = createRequire(import.meta.url);

let t: TestApp;
let browser: Browser;
let doc: { id: string; caseId: string | null; units: string[] };

beforeAll(async () => {
  ensureWebBuilt();
  [t, browser] = await Promise.all([startApp(), launchBrowser()]);
  doc = await seedDocument(t.ctx, {
    person: OSLO_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger',
    pages: [['Søknad om dagpenger', 'Jeg ble permittert fra jobben i mars.'], ['Vedlegg: arbeidsavtale']],
  });
  // The archive stage, as the pipeline runs it: the searchable PDF with the OCR text layer.
  await runStage(t.ctx, 'archive', { documentId: doc.id });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Pages of a PDF as pdf.js reads it. */
async function pdfPages(pdf: Uint8Array): Promise<number> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const d = await getDocument({ data: pdf, standardFontDataUrl: path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep, verbosity: 0 }).promise;
  const n = d.numPages;
  await d.destroy();
  return n;
}

/** The bytes behind a URL, read in the page (with its session). */
const blobBytes = async (page: Page, url: string) => new Uint8Array(await page.evaluate(async (u) => [...new Uint8Array(await (await fetch(u)).arrayBuffer())], url));

describe('the searchable PDF', () => {
  it('opens for a caseworker of the unit', async () => {
    expect(doc.units).toEqual(['4450']);
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    const page = await context.newPage();
    await login(page, t.url, 'sb4450');
    await page.goto(`${t.url}/innboks/4450/${doc.id}`);
    await page.getByRole('heading', { name: new RegExp(`${doc.id}: Søknad om dagpenger`) }).waitFor();
    // A link to the PDF itself: the browser's own viewer, in a tab of its own, with the same session.
    const link = page.getByRole('link', { name: 'Åpne søkbar PDF' });
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^/api/documents/${doc.id}/archive\\.pdf`));
    expect(await link.getAttribute('target')).toBe('_blank');
    const pdf = await blobBytes(page, href!);
    expect(Buffer.from(pdf.slice(0, 5)).toString('latin1')).toBe('%PDF-');
    // The archive copy of both pages (its OCR text layer is checked where real OCR runs: mailroom.test.ts).
    expect(await pdfPages(pdf)).toBe(2);
    await screenshot(page, 'pdf-opened');
    await context.close();
    const { rows } = await listAccess(t.ctx.db, { actor: 'sb4450', limit: 100, offset: 0 });
    expect(rows.some((r) => r.action === 'document:pdf' && r.subject === doc.id && r.outcome === 'granted')).toBe(true);
  });

  it('is refused to a caseworker of another unit, and the refusal is logged', async () => {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    const page = await context.newPage();
    await login(page, t.url, 'sb0219');
    await page.goto(`${t.url}/innboks/0219/${doc.id}`);
    await page.getByText('du har ikke tilgang til dette dokumentet').waitFor();
    expect(await page.getByRole('link', { name: 'Åpne søkbar PDF' }).count()).toBe(0);
    // Asking for the PDF itself with this user's session: 403, no bytes.
    const res = await page.evaluate(async (id) => {
      const r = await fetch(`/api/documents/${id}/archive.pdf`);
      return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
    }, doc.id);
    expect(res.status).toBe(403);
    expect(res.type).toContain('application/json');
    expect(res.body).not.toContain('%PDF');
    await context.close();
    const { rows } = await listAccess(t.ctx.db, { actor: 'sb0219', limit: 100, offset: 0 });
    expect(rows.some((r) => r.action === 'document:pdf' && r.subject === doc.id && r.outcome === 'denied')).toBe(true);
  });
});

describe('the BullMQ dashboard (bull-board)', () => {
  it('loads for an administrator from the overview page, read-only', async () => {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    const page = await context.newPage();
    await login(page, t.url, 'admin');
    await page.getByRole('link', { name: 'Oversikt' }).click();
    const boardApi = context.waitForEvent('response', (r) => r.url().includes('/admin/queues/api/queues'));
    const [board] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: /Åpne kødashbordet/ }).click()]);
    await board.waitForURL(/\/admin\/queues/);
    // The dashboard lists the pipeline's queues and the deviation sweep's.
    for (const q of ['split', 'ocr', 'route', 'archive', 'deviations']) await board.getByText(q, { exact: true }).first().waitFor();
    // Its data comes from its own API under /admin/queues, with the session cookie.
    expect((await boardApi).status()).toBe(200);
    await board.getByText('Loading...').waitFor({ state: 'detached' });
    // Nothing can be changed from it.
    const pause = await board.evaluate(async () => (await fetch('/admin/queues/api/queues/split/pause', { method: 'PUT', headers: { 'x-intake-csrf': '1' } })).status);
    expect(pause).toBe(405);
    await screenshot(board, 'bull-board');
    await context.close();
  });

  it('is refused to a caseworker and to an operator', async () => {
    for (const user of ['sb4450', 'ops']) {
      const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
      const page = await context.newPage();
      await login(page, t.url, user);
      expect(await page.getByRole('link', { name: /kødashbord/i }).count()).toBe(0);
      // Straight to the address: a page saying so, no dashboard.
      const res = await page.goto(`${t.url}/admin/queues`);
      expect(res?.status()).toBe(403);
      expect(await page.content()).not.toContain('bull');
      const api = await page.evaluate(async () => (await fetch('/admin/queues/api/queues')).status);
      expect(api).toBe(403);
      await context.close();
    }
    // Not signed in: to the sign-in page, and on to the dashboard afterwards.
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${t.url}/admin/queues`);
    expect(page.url()).toContain('neste=');
    await page.getByRole('button', { name: 'Logg inn' }).waitFor();
    await context.close();
  });
});

describe('routing policy administration', () => {
  it('lets an administrator switch the routing policy and back, and shows who did it', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(page, t.url, 'admin');
    await page.getByRole('link', { name: 'Administrasjon' }).click();
    await page.getByRole('tab', { name: 'Rutingsregler' }).click();
    const active = page.locator('.active-policy');
    await expect.poll(() => active.innerText()).toContain('ekspertgruppe-2010');
    expect(await active.innerText()).toContain('Standard fra konfigurasjonen');
    await page.getByLabel('Policyfil').selectOption('meldst33-2016.json');
    await page.getByRole('button', { name: 'Last inn og ta i bruk' }).click();
    await page.getByRole('status').filter({ hasText: /meldst33-2016 \(versjon \d+\) er tatt i bruk/ }).waitFor();
    await expect.poll(() => active.innerText()).toMatch(/meldst33-2016.*byttet av admin/s);
    await expect.poll(() => page.locator('table.policy-versions').innerText()).toContain('I bruk');
    // An uploaded file that is not a valid policy is refused with the reason.
    await page.getByTestId('policy-file').setInputFiles({ name: 'feil.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ id: 'feil', title: 'x', source: 'ingen kilde', rules: [] })) });
    await page.getByRole('status').filter({ hasText: 'ugyldig rutingspolicy' }).waitFor();
    await screenshot(page, 'admin-policy');
    await page.getByRole('button', { name: 'Tilbake til standard' }).click();
    await expect.poll(() => active.innerText()).toContain('ekspertgruppe-2010');
    // The history is fetched after the active policy: wait for it rather than read its first paint.
    await expect.poll(() => page.locator('table.policy-history').innerText(), { timeout: 15_000 }).toMatch(/admin\s+standard fra konfigurasjonen[\s\S]*admin\s+meldst33-2016/);
    await page.close();
  });
});

describe('offline', () => {
  it('fetches nothing from outside 127.0.0.1: fonts, styles, scripts and images are served by the app', async () => {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    const net = recordRequests(context);
    const page = await context.newPage();
    await login(page, t.url, 'sb4450');
    await page.goto(`${t.url}/innboks/4450/${doc.id}`);
    await page.locator('.page-row[data-page="1"] img').waitFor();
    await page.evaluate(() => document.fonts.ready);
    // The design system's font is in use, from our own origin.
    expect(await page.evaluate(() => document.fonts.check('16px "Source Sans 3 Variable"'))).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Source Sans 3 Variable');
    expect(net.urls.some((u) => u.startsWith(t.url) && u.endsWith('.woff2'))).toBe(true);
    await page.getByRole('link', { name: 'Avvik' }).click();
    await page.getByRole('heading', { name: 'Avvik', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Statusoppslag' }).click();
    await page.getByLabel('Journalpost-id, saksnummer eller fødselsnummer').waitFor();

    // The session is shared by the browser's tabs: sign out, then in as the administrator.
    await page.getByRole('button', { name: 'Logg ut' }).click();
    const admin = await context.newPage();
    await login(admin, t.url, 'admin');
    await admin.getByRole('link', { name: 'Administrasjon' }).click();
    await admin.getByRole('tab', { name: 'Rutingsregler' }).click();
    await admin.getByText(/I bruk:/).waitFor();
    await admin.getByRole('link', { name: 'Oversikt' }).click();
    const [board] = await Promise.all([context.waitForEvent('page'), admin.getByRole('link', { name: /Åpne kødashbordet/ }).click()]);
    await board.getByText('split', { exact: true }).first().waitFor();
    await board.waitForLoadState('networkidle');
    // The API documentation too.
    await admin.goto(`${t.url}/docs`);
    await admin.getByText('NAV sentralt postmottak').first().waitFor();
    await admin.waitForLoadState('networkidle');

    expect(net.urls.length).toBeGreaterThan(20);
    expect(net.outside()).toEqual([]);
    await context.close();
  });
});
