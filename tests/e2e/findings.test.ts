/**
 * The web app's findings of issue 11 (11-17), each as its users met it. Every test failed before
 * its fix. Every page's accessibility, width and language are in pages.test.ts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDeviation } from '../../storage/repositories/deviations.repository.ts';
import { axeViolations, DESKTOP, notNorwegian, overflow, PHONE } from './checks.ts';
import { BAERUM_PERSON, BAERUM_PERSON_2, ensureWebBuilt, launchBrowser, login, OSLO_PERSON, PROTECTED_PERSON, seedDocument, startApp, type TestApp } from './harness.ts';

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

const api = async (user: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${t.url}${path}`, { method, headers: { authorization: `Bearer ${await t.token(user)}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: await res.json().catch(() => null) };
};

async function signedIn(user: string, viewport = DESKTOP): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await login(page, t.url, user);
  return page;
}

describe('issue 11: the web app', () => {
  it('finding 2 (web): NAV Vikafossen sends a kode-6 document back into its own manual queue; the dialog offers no other unit', async () => {
    const d = await seedDocument(t.ctx, { person: PROTECTED_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' });
    const page = await signedIn('sb2103');
    await page.goto(`${t.url}/innboks/2103/${d.id}`);
    await page.getByText('Strengt fortrolig adresse (kode 6)').first().waitFor();
    await page.getByRole('button', { name: 'Send tilbake som feilrutet' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('går ikke til andre enheter').waitFor();
    expect(await dialog.getByRole('radio').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Send tilbake' }).click();
    await page.getByRole('status').filter({ hasText: 'sendt til manuell behandling i 2103 NAV Vikafossen' }).waitFor();
    await page.getByRole('link', { name: 'Manuell kø' }).first().click();
    await page.locator(`tr[data-document="${d.id}"]`).waitFor();
    await page.close();
  });

  it('finding 11: a document returned as "wrong unit" warns the operator and lets them choose the unit', async () => {
    const d = await seedDocument(t.ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim' });
    await api('sb4450', 'POST', `/api/inbox/4450/documents/${d.id}/return`, { reason: 'wrong-unit', via: 'mail-room' });
    const page = await signedIn('ops');
    await page.goto(`${t.url}/manuell/${d.id}`);
    await page.getByText('Sendt tilbake av 4450 NAV Arbeid og ytelser: feil enhet').waitFor();
    await page.getByLabel('Send til enhet').selectOption('0219');
    // Enter in a field submits the form.
    await page.getByLabel('Fødselsnummer').fill(OSLO_PERSON.id);
    await page.getByLabel('Fødselsnummer').press('Enter');
    await page.getByRole('status').filter({ hasText: 'sendt til 0219 NAV Bærum' }).waitFor();
    await page.close();
  });

  it('finding 12: after sending back, the inbox offers nothing more, names the unit; the status says where a resolved document is now', async () => {
    const d = await seedDocument(t.ctx, { person: BAERUM_PERSON, tema: 'DAG', kind: 'follow-up', title: 'Melding om endring' });
    const page = await signedIn('sb4450');
    await page.goto(`${t.url}/innboks/4450/${d.id}`);
    await page.getByRole('button', { name: 'Send tilbake som feilrutet' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Årsak').selectOption('wrong-tema');
    await dialog.getByLabel('Riktig tema').selectOption('OPP');
    await dialog.getByRole('button', { name: 'Send tilbake' }).click();
    await page.getByRole('status').filter({ hasText: 'rutet på nytt til 0219 NAV Bærum' }).waitFor();
    expect(await page.getByRole('button', { name: /Ta saken/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send tilbake som feilrutet' }).count()).toBe(0);
    await page.getByRole('link', { name: /Tilbake til innboksen/ }).waitFor();
    // A document resolved in the mail room: its status says where it is now, not "manual queue".
    const m = await seedDocument(t.ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'unreadable' });
    expect((await api('ops', 'POST', `/api/manual/${m.id}/resolve`, { personId: OSLO_PERSON.id, tema: 'DAG', kind: 'claim' })).status).toBe(200);
    await page.goto(`${t.url}/status`);
    await page.getByLabel('Journalpost-id, saksnummer eller fødselsnummer').fill(m.id);
    await page.getByLabel('Formål (logges)').selectOption('Saksbehandling');
    await page.getByRole('button', { name: 'Søk' }).click();
    await page.locator(`.status-doc[data-document="${m.id}"]`).getByText('Nå: Ligger i innboksen til 4450 NAV Arbeid og ytelser').waitFor();
    await page.close();
  });

  it('finding 13: no English or raw codes: reasons, kinds, steps, log actions, a failed request', async () => {
    const m = await seedDocument(t.ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'routing rule ukjent-bruker' });
    await t.ctx.db.query(`UPDATE documents SET classification = $2 WHERE id = $1`, [m.id, { reasons: ['no form number; content classifier: tema DAG (p=0.945), kind claim (p=0.8)'] }]);
    const ops = await signedIn('ops');
    await ops.goto(`${t.url}/manuell/${m.id}`);
    await ops.getByText('Regel «ukjent-bruker»: bruker ikke identifisert').first().waitFor();
    await ops.getByText('Uten skjemanummer; tekstklassifisering: tema DAG (sikkerhet 95 %)', { exact: false }).waitFor();
    expect(await notNorwegian(ops)).toEqual([]);
    // A bad fødselsnummer: the server's answer in words.
    await ops.getByLabel('Fødselsnummer').fill('12345678901');
    await ops.getByLabel('Tema').selectOption('DAG');
    await ops.getByRole('button', { name: 'Send videre' }).click();
    await ops.getByRole('status').filter({ hasText: 'fødselsnummeret finnes ikke i folkeregisteret' }).waitFor();
    // The server cannot be reached: said in Norwegian.
    await ops.route('**/api/manual?**', (r) => r.abort('connectionrefused'));
    await ops.goto(`${t.url}/manuell`);
    await ops.getByText('Får ikke kontakt med tjenesten').waitFor();
    expect(await notNorwegian(ops)).toEqual([]);
    await ops.close();
    const admin = await signedIn('admin');
    await admin.goto(`${t.url}/admin`);
    await admin.locator('table.access-log tbody tr').first().waitFor();
    expect(await admin.locator('table.access-log').innerText()).not.toMatch(/\b[a-z]+:[a-z-]+\b/);
    await admin.getByRole('tab', { name: 'Rutingsregler' }).click();
    await admin.locator('table.policy-rules tbody tr').first().waitFor();
    expect(await notNorwegian(admin)).toEqual([]);
    await admin.close();
  });

  it('finding 14: at phone width the header and pages fit the screen', async () => {
    const page = await signedIn('sb4450', PHONE);
    await page.getByRole('heading', { name: /Innboks/ }).waitFor();
    expect(await overflow(page)).toEqual([]);
    // The menu opens and reaches every page of the role.
    await page.getByRole('button', { name: 'Meny' }).click();
    await page.getByRole('link', { name: 'Statusoppslag' }).click();
    await page.getByRole('heading', { name: 'Statusoppslag' }).waitFor();
    expect(await overflow(page)).toEqual([]);
    await page.close();
  });

  it('finding 15: one session for every tab; the queue dashboard as a page; the purpose of a look-up is chosen', async () => {
    const d = await seedDocument(t.ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' });
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await login(page, t.url, 'sb4450');
    const link = page.locator(`tr[data-document="${d.id}"]`).getByRole('link', { name: d.id });
    const [tab] = await Promise.all([context.waitForEvent('page'), link.click({ modifiers: ['Control'] })]);
    await tab.getByRole('heading', { name: new RegExp(`${d.id}:`) }).waitFor();
    // Purpose: nothing chosen until the user chooses; the look-up waits for it.
    await page.goto(`${t.url}/status`);
    await page.getByLabel('Journalpost-id, saksnummer eller fødselsnummer').fill(d.id);
    expect(await page.getByLabel('Formål (logges)').inputValue()).toBe('');
    expect(await page.getByRole('button', { name: 'Søk' }).isDisabled()).toBe(true);
    await context.close();
    // Typing the dashboard's address: a page in Norwegian, not JSON.
    const ops = await browser.newContext({ viewport: DESKTOP });
    const opsPage = await ops.newPage();
    await login(opsPage, t.url, 'ops');
    const res = await opsPage.goto(`${t.url}/admin/queues`);
    expect(res?.status()).toBe(403);
    await opsPage.getByText('Kødashbordet er bare for administratorer.').waitFor();
    await ops.close();
    const admin = await browser.newContext({ viewport: DESKTOP });
    const adminPage = await admin.newPage();
    await login(adminPage, t.url, 'admin');
    expect((await adminPage.goto(`${t.url}/admin/queues`))?.status()).toBe(200);
    await adminPage.getByText('archive', { exact: true }).first().waitFor();
    await admin.close();
  });

  it('finding 16: deviations lead to their document and are closed with a note', async () => {
    const d = await seedDocument(t.ctx, { person: BAERUM_PERSON_2, tema: 'SYK', kind: 'claim', title: 'Sykepenger' });
    expect(d.units).toEqual(['0219']);
    await addDeviation(t.ctx.db, { kind: 'missing-attachment', documentId: d.id, caseId: d.caseId, unitId: '0219', policyId: null, ruleId: null, reason: 'Inntektsopplysninger', reportedBy: null });
    const page = await signedIn('sb0219');
    await page.getByRole('link', { name: 'Avvik' }).first().click();
    const row = page.locator('table.deviations tbody tr').filter({ hasText: d.id });
    await row.getByRole('link', { name: d.id }).click();
    await page.getByRole('heading', { name: new RegExp(`${d.id}:`) }).waitFor();
    await page.goBack();
    await row.getByRole('button', { name: 'Lukk' }).click();
    await page.getByRole('dialog').getByLabel('Merknad').fill('Vedlegget kom med posten i dag');
    await page.getByRole('dialog').getByRole('button', { name: 'Lukk avviket' }).click();
    await row.getByText('Lukket').waitFor();
    expect(await row.innerText()).toContain('Vedlegget kom med posten i dag');
    await page.close();
  });

  it('finding 17: the manual queue: thumbnails, sorting, filter, search, bulk merge, next item, unit choice, kode-6 marker, keyboard', async () => {
    const a = await seedDocument(t.ctx, { person: null, tema: 'DAG', kind: 'other', manual: 'unreadable', pages: [['Første brev om dagpenger', 'FJELLREVSOGN']] });
    const b = await seedDocument(t.ctx, { person: null, tema: 'AAP', kind: 'other', manual: 'unreadable', pages: [['Andre brev', 'side 1']] });
    const c = await seedDocument(t.ctx, { person: null, tema: 'AAP', kind: 'other', manual: 'unreadable', pages: [['Andre brev', 'side 2']] });
    const page = await signedIn('ops');
    await page.goto(`${t.url}/manuell`);
    const rows = page.locator('table.manual tbody tr');
    await page.locator(`tr[data-document="${a.id}"] img`).waitFor();
    await page.getByLabel('Sorter').selectOption('newest');
    await expect.poll(() => rows.first().getAttribute('data-document')).toBe(c.id);
    await page.getByLabel('Tema', { exact: true }).selectOption('AAP');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Tema', { exact: true }).selectOption('');
    await page.getByLabel('Søk i køen').fill('fjellrevsogn');
    await expect.poll(async () => (await rows.all()).length === 1 && rows.first().getAttribute('data-document')).toBe(a.id);
    await page.getByLabel('Søk i køen').fill('');
    // Bulk: two pages of one letter, merged in one go.
    await page.locator(`tr[data-document="${b.id}"]`).getByRole('checkbox').check();
    await page.locator(`tr[data-document="${c.id}"]`).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Slå sammen valgte (2)' }).click();
    await page.getByRole('status').filter({ hasText: `${c.id} er slått sammen inn i ${b.id}` }).waitFor();
    // Resolve one and go straight to the next.
    await page.locator(`tr[data-document="${a.id}"]`).getByRole('link', { name: a.id }).click();
    await page.getByLabel('Fødselsnummer').fill(OSLO_PERSON.id);
    await page.getByLabel('Tema').selectOption('DAG');
    await page.getByLabel('Dokumenttype').selectOption('claim');
    await page.getByLabel('Send til enhet').selectOption('');
    await page.getByRole('button', { name: 'Send videre' }).click();
    await page.getByRole('status').filter({ hasText: 'sendt til 4450' }).waitFor();
    await page.getByRole('button', { name: 'Neste i køen' }).click();
    await page.waitForURL((u) => /\/manuell\/JP\d+$/.test(u.pathname) && !u.pathname.endsWith(`/${a.id}`));
    // The text of a page can be reached and scrolled by keyboard.
    await page.locator('.ocr-text').first().waitFor();
    expect(await page.locator('.ocr-text').first().getAttribute('tabindex')).toBe('0');
    expect((await axeViolations(page)).filter((v) => v.includes('scrollable-region-focusable'))).toEqual([]);
    await page.close();
    // NAV Vikafossen: the kode-6 document is marked as such, in its queue and on its page.
    const k6 = await seedDocument(t.ctx, { person: PROTECTED_PERSON, tema: 'DAG', kind: 'claim', manual: 'unreadable', manualWithPerson: true });
    const vika = await signedIn('sb2103');
    await vika.getByRole('link', { name: 'Manuell kø' }).first().click();
    await vika.locator(`tr[data-document="${k6.id}"]`).getByText('Strengt fortrolig adresse').waitFor();
    await vika.locator(`tr[data-document="${k6.id}"]`).getByRole('link', { name: k6.id }).click();
    await vika.getByText('Strengt fortrolig adresse (kode 6)').first().waitFor();
    expect(await vika.getByLabel('Send til enhet').locator('option').allInnerTexts()).toEqual(['Etter reglene', '2103 NAV Vikafossen']);
    await vika.close();
  });
});
