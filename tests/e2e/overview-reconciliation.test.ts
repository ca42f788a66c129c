import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, login, OSLO_PERSON, PROTECTED_PERSON, screenshot, seedDocument, startApp, type TestApp } from './harness.ts';

let t: TestApp;
let browser: Browser;
let stuck: string;
let done: string;
let kode6: string;

beforeAll(async () => {
  ensureWebBuilt();
  [t, browser] = await Promise.all([startApp({ NO_JOB_AFTER_MINUTES: '30' }), launchBrowser()]);
  const hoursAgo = (id: string, h: number) => t.ctx.db.query(`UPDATE documents SET received_at = now() - make_interval(hours => $2) WHERE id = $1`, [id, h]);
  // Delivered two hours ago but never archived, and no job will archive it: nothing moves it.
  stuck = (await seedDocument(t.ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' })).id;
  await hoursAgo(stuck, 2);
  done = (await seedDocument(t.ctx, { person: OSLO_PERSON, tema: 'AAP', kind: 'claim', title: 'Søknad om arbeidsavklaringspenger' })).id;
  await t.ctx.db.query(`UPDATE documents SET archived_at = now(), stage = 'done' WHERE id = $1`, [done]);
  kode6 = (await seedDocument(t.ctx, { person: PROTECTED_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' })).id;
  await hoursAgo(kode6, 2);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the overview reconciles the whole system', () => {
  it('shows a stuck document as a red line, and the day it came as red; kode 6 is not there', async () => {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    const page = await context.newPage();
    await login(page, t.url, 'ops');
    await page.goto(`${t.url}/oversikt`);
    await page.getByRole('heading', { name: 'Avstemming av hele systemet' }).waitFor();
    const line = page.getByRole('list', { name: 'Dokumenter som står fast' }).getByRole('listitem');
    await expect.poll(() => line.count()).toBe(1);
    expect(await line.first().textContent()).toMatch(new RegExp(`^${stuck} står fast: levert, [^,]+, mottatt .+ \\(2 timer siden\\), ingen jobb i køen$`));
    const table = page.getByRole('region', { name: 'Avstemming per mottaksdag' });
    const row = table.locator('tr[data-stuck="true"]');
    expect(await row.count()).toBe(1);
    // received 2 (kode 6 not counted), delivered 1 (the archived one), manual 0, merged 0, set aside 0, moving 1, stuck 1.
    expect((await row.locator('td').allTextContents()).map((s) => s.trim())).toEqual(['2', '1', '0', '0', '0', '1', '1 står fast']);
    // Red: the danger colour of NAV's design system, on the line and on the day's row.
    for (const el of [line.first(), row.locator('td').last()]) {
      const [r, g, b] = (await el.evaluate((e) => getComputedStyle(e).color)).match(/\d+/g)!.map(Number) as [number, number, number];
      expect(r).toBeGreaterThan(150);
      expect(g).toBeLessThan(90);
      expect(b).toBeLessThan(90);
    }
    const text = await page.locator('main').textContent();
    expect(text).not.toContain(kode6);
    expect(text).not.toContain(done);
    await screenshot(page, 'overview-reconciliation');
    await context.close();
  });
});
