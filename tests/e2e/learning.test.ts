import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrain } from '../../services/learning.service.ts';
import { ensureWebBuilt, launchBrowser, login, people, screenshot, seedDocument, startApp, type TestApp } from './harness.ts';

let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  ensureWebBuilt();
  [t, browser] = await Promise.all([startApp(), launchBrowser()]);
  // Letters an operator resolved in the manual queue: the training data.
  const ordinary = people.filter((p) => p.addressProtection === 'none' && !p.skjermet && !p.abroad);
  const token = await t.token('ops');
  for (let i = 0; i < 15; i++) {
    const p = ordinary[i % ordinary.length]!;
    const d = await seedDocument(t.ctx, { person: p, tema: 'UKJ', kind: 'other', manual: 'usikker klassifisering', manualWithPerson: true, pages: [[p.name, `Fødselsnummer: ${p.id}`, 'Jeg søker om sykelønna. Jeg har vært syk i tre uker.']] });
    const res = await t.app.inject({ method: 'POST', url: `/api/manual/${d.id}/resolve`, headers: { authorization: `Bearer ${token}` }, payload: { personId: p.id, tema: 'SYK', formNumber: null, kind: 'claim' } });
    expect(res.statusCode, res.body).toBe(200);
  }
  // One scheduled run already made a model (scored against a small independent set that both models read right).
  const r = await retrain(t.ctx, 'schedule', { independent: [{ id: 'i1', pageTexts: ['NAV 04-01.03\nSøknad om dagpenger'], truth: { tema: 'DAG', kind: 'claim', personId: null, formNumber: 'NAV 04-01.03' } }] });
  expect(r.outcome, r.reason).toBe('promoted');
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('learning from corrections, for the administrator', () => {
  it('retrains on demand, shows the result in words, and rolls back to the shipped model', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(page, t.url, 'admin');
    await page.getByRole('link', { name: 'Administrasjon' }).click();
    await page.getByRole('tab', { name: 'Læring fra rettelser' }).click();
    const active = page.locator('.active-model');
    await expect.poll(() => active.innerText()).toContain('I bruk: versjon 1');
    expect(await page.locator('table.model-versions tr[data-version="1"]').innerText()).toMatch(/Tatt i bruk[\s\S]*I bruk/);
    await page.getByRole('button', { name: 'Tren ny modell nå' }).click();
    // Promoted or refused, the administrator is told which version and why, in Norwegian.
    const status = page.getByRole('status').filter({ hasText: /versjon 2/ });
    await status.waitFor({ timeout: 120_000 });
    expect(await status.innerText()).toMatch(/Ny modell, versjon 2, er tatt i bruk|Versjon 2 ble ikke tatt i bruk/);
    await page.locator('table.model-versions tr[data-version="2"]').waitFor();
    await screenshot(page, 'admin-models');
    await page.getByRole('button', { name: 'Tilbake til den leverte modellen' }).click();
    await page.getByRole('status').filter({ hasText: 'Rullet tilbake: den leverte modellen (versjon 0) er i bruk' }).waitFor();
    await expect.poll(() => active.innerText()).toContain('I bruk: den leverte modellen');
    expect(await page.locator('table.model-history').innerText()).toMatch(/admin\s+den leverte modellen \(versjon 0\)\s+rullet tilbake/);
    // The overview shows per field and tema what went straight through and the measured error.
    await page.getByRole('link', { name: 'Oversikt' }).click();
    const fields = page.locator('table.automation-fields');
    await fields.waitFor();
    expect(await fields.innerText()).toMatch(/Tema[\s\S]*Person \(fødselsnummer\)[\s\S]*Skjema \(skjemanummer\)/);
    expect(await page.locator('table.automation-tema').innerText()).toContain('Ukjent');
    await page.close();
  }, 240_000);

  it('is not offered to an operator: the models API refuses', async () => {
    const page = await browser.newPage();
    await login(page, t.url, 'ops');
    const status = await page.evaluate(async () => (await fetch('/api/admin/models/retrain', { method: 'POST', headers: { 'x-intake-csrf': '1' } })).status);
    expect(status).toBe(403);
    await page.close();
  });
});
