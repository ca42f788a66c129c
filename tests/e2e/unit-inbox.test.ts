import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAERUM_PERSON, BAERUM_PERSON_2, ensureWebBuilt, launchBrowser, login, OSLO_PERSON, screenshot, seedDocument, startApp, type TestApp } from './harness.ts';

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

describe('unit caseworker (4450 NAV Arbeid og ytelser)', () => {
  it('opens a case from the inbox, takes it, and returns another as misrouted', async () => {
    const older = await seedDocument(t.ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim', formNumber: 'NAV 04-01.03', title: 'Søknad om dagpenger',
      pages: [['Søknad om dagpenger', `Fødselsnummer: ${OSLO_PERSON.id}`, 'Jeg ble permittert fra jobben.'], ['Vedlegg: arbeidsavtale', 'Arbeidsgiver: Fabrikken AS']] });
    const wrong = await seedDocument(t.ctx, { person: BAERUM_PERSON, tema: 'DAG', kind: 'follow-up', title: 'Melding om endring',
      pages: [['Melding om endring', 'Gjelder oppfølging hos NAV-kontoret', `Fnr ${BAERUM_PERSON.id}`]] });
    expect(older.units).toEqual(['4450']);
    expect(wrong.units).toEqual(['4450']);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(page, t.url, 'sb4450');
    await page.getByRole('heading', { name: /Innboks: 4450/ }).waitFor();
    const rows = page.locator('table.inbox tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // Oldest first, with tema, form and received date.
    await expect.poll(() => rows.first().getAttribute('data-document')).toBe(older.id);
    expect(await rows.first().innerText()).toContain('DAG Dagpenger');
    expect(await rows.first().innerText()).toContain('NAV 04-01.03');
    await screenshot(page, 'inbox');

    // Open and take the first.
    await rows.first().getByRole('link', { name: older.id }).click();
    await page.getByRole('heading', { name: new RegExp(`${older.id}: Søknad om dagpenger`) }).waitFor();
    await page.locator('.page-row[data-page="2"] img').waitFor();
    expect(await page.locator('.ocr-text').first().innerText()).toContain('permittert');
    await page.getByLabel('Marker i teksten').fill('permittert');
    expect(await page.locator('.ocr-text mark').count()).toBeGreaterThan(0);
    await screenshot(page, 'inbox-document');
    await page.getByRole('button', { name: 'Ta saken (marker mottatt)' }).click();
    await page.getByRole('status').filter({ hasText: 'tatt til behandling' }).waitFor();
    await page.getByText(/Tatt av sb4450/).waitFor();

    // Return the other: it belongs with the NAV office in Bærum (follow-up post).
    await page.goto(`${t.url}/innboks/4450/${wrong.id}`);
    await page.getByRole('button', { name: 'Send tilbake som feilrutet' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Årsak').selectOption('wrong-tema');
    await dialog.getByLabel('Riktig tema').selectOption('OPP');
    await dialog.getByLabel('Kommentar (valgfritt)').fill('Gjelder oppfølging, ikke dagpengekrav');
    await screenshot(page, 'inbox-return');
    await dialog.getByRole('button', { name: 'Send tilbake' }).click();
    await page.getByRole('status').filter({ hasText: 'rutet på nytt til 0219' }).waitFor();

    // The taken one shows as taken; the returned one is gone from this inbox.
    await page.goto(`${t.url}/innboks/4450`);
    await page.getByRole('radio', { name: 'Alle' }).click().catch(async () => page.getByRole('button', { name: 'Alle' }).click());
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('Tatt av sb4450');

    // The status look-up shows the whole timeline, including taken.
    await page.getByRole('link', { name: 'Statusoppslag' }).click();
    await page.getByLabel('Journalpost-id, saksnummer eller fødselsnummer').fill(older.id);
    await page.getByLabel('Formål (logges)').selectOption('Saksbehandling');
    await page.getByRole('button', { name: 'Søk' }).click();
    const card = page.locator(`.status-doc[data-document="${older.id}"]`);
    await card.waitFor();
    const text = await card.innerText();
    for (const step of ['Mottatt i bunke', 'Delt i 2 side', 'Lest (OCR)', 'Klassifisert', 'Knyttet til sak', 'Rutet til 4450', 'Levert til 4450', 'Tatt til behandling']) expect(text).toContain(step);
    await screenshot(page, 'status-caseworker');
    await page.close();

    // Bærum's caseworker now has the returned document; the deviation is counted against the rule.
    const bearer = { authorization: `Bearer ${await t.token('sb0219')}` };
    const inbox = await (await fetch(`${t.url}/api/inbox/0219`, { headers: bearer })).json() as { items: Array<{ documentId: string; tema: string }> };
    expect(inbox.items.map((i) => i.documentId)).toContain(wrong.id);
    const admin = { authorization: `Bearer ${await t.token('admin')}` };
    const stats = await (await fetch(`${t.url}/api/deviations/stats`, { headers: admin })).json() as { perRule: Array<{ ruleId: string; misrouted: number }> };
    expect(stats.perRule.find((r) => r.ruleId === 'dagpenger')?.misrouted).toBe(1);
  });

  it('shows a status reader the timeline of a person, masked, across units', async () => {
    const d = await seedDocument(t.ctx, { person: BAERUM_PERSON_2, tema: 'SYK', kind: 'claim', title: 'Sykepenger' });
    expect(d.units).toEqual(['0219']);
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    await login(page, t.url, 'status');
    await page.getByLabel('Journalpost-id, saksnummer eller fødselsnummer').fill(BAERUM_PERSON_2.id);
    await page.getByLabel('Formål (logges)').selectOption('Svar på henvendelse fra bruker');
    await page.getByRole('button', { name: 'Søk' }).click();
    const card = page.locator(`.status-doc[data-document="${d.id}"]`);
    await card.waitFor();
    const text = await card.innerText();
    expect(text).toContain('Levert til 0219 NAV Bærum');
    expect(text).toContain(`${BAERUM_PERSON_2.id.slice(0, 6)}*****`);
    expect(text).not.toContain(BAERUM_PERSON_2.id);
    await screenshot(page, 'status-reader');
    // No content for a status reader.
    const bearer = { authorization: `Bearer ${await t.token('status')}` };
    expect((await fetch(`${t.url}/api/documents/${d.id}`, { headers: bearer })).status).toBe(403);
    await page.close();
  });
});
