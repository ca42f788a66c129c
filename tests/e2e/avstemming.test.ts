import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../services/ingest.service.ts';
import { runReconciliation } from '../../services/reconciliation.service.ts';
import { ensureWebBuilt, launchBrowser, login, screenshot, startApp, type TestApp } from './harness.ts';

// NAV's vendor zip and sample avstemmingsfil (tests/fixtures/nav/skanmotovrig, sources in its README).
const NAV = path.join(import.meta.dirname, '..', 'fixtures', 'nav', 'skanmotovrig');

let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  ensureWebBuilt();
  [t, browser] = await Promise.all([startApp(), launchBrowser()]);
  // What the vendor delivered, through ingest as the API does it: -1-4 is set aside (as NAV's tests expect), -1-9 never comes.
  await ingest(t.ctx, [{ name: 'OVRIG-20200529-1.zip', data: await readFile(path.join(NAV, 'OVRIG-20200529-1.zip')) }], { batchName: 'Leverandør', source: 'test' });
  const file = (name: string, refs: string[]) => ({ name, data: Buffer.from(refs.join('\n')) });
  await runReconciliation(t.ctx, { file: file('05.01.2024_avstemmingsfil_1.txt', ['OVRIG-20200529-1-1.pdf', 'OVRIG-20200529-1-2.pdf', 'OVRIG-20200529-1-4.pdf', 'OVRIG-20200529-1-9.pdf']), actor: 'test' });
  await runReconciliation(t.ctx, { file: file('08.01.2024_avstemmingsfil_1.txt', ['OVRIG-20200529-1-1.pdf', 'OVRIG-20200529-1-2.pdf']), actor: 'test' });
  await runReconciliation(t.ctx, { file: { name: '04.01.2024_avstemmingsfil_1.txt', data: await readFile(path.join(NAV, '04.01.2024_avstemmingsfil_1.txt')) }, actor: 'test' });
  await runReconciliation(t.ctx, { today: '2024-01-10', actor: 'test' }); // Tuesday 9 January: a working day, no file
  await runReconciliation(t.ctx, { today: '2024-05-18', actor: 'test' }); // 17 May: Grunnlovsdagen, no file expected
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the daily reconciliation in the mail room', () => {
  it("shows each day: what the vendor listed, what was received, the files that never came, and no file expected after a public holiday", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(page, t.url, 'ops');
    const section = page.getByRole('region', { name: 'Avstemming per dag' });
    await page.getByRole('heading', { name: 'Daglig avstemming mot leverandøren' }).waitFor();
    await section.waitFor();
    const row = (day: string) => section.locator(`tr[data-day="${day}"]`);
    const cells = async (day: string) => (await row(day).locator('td').allInnerTexts()).map((c) => c.replace(/\s+/g, ' ').trim());

    // Newest delivery day first.
    expect(await section.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-day')))).toEqual(['2024-05-17', '2024-01-09', '2024-01-08', '2024-01-05', '2024-01-04']);
    // Four listed, three received (two filed, one set aside), one missing: the file name.
    expect(await cells('2024-01-05')).toEqual(['fredag 05.01.2024 05.01.2024_avstemmingsfil_1.txt', '1 mangler', '4', '3 1 satt til side', 'OVRIG-20200529-1-9.pdf']);
    expect(await cells('2024-01-08')).toEqual(['mandag 08.01.2024 08.01.2024_avstemmingsfil_1.txt', 'Alt mottatt', '2', '2', 'Ingen']);
    expect((await cells('2024-05-17')).slice(0, 4)).toEqual(['fredag 17.05.2024', 'Ingen fil forventet', '–', '–']);
    expect((await cells('2024-05-17'))[4]).toBe('Ingen fil forventet: 17.05.2024 var helligdag (Grunnlovsdagen)');
    expect((await cells('2024-01-09')).slice(1, 2)).toEqual(['Avstemmingsfil mangler']);
    expect((await cells('2024-01-09'))[4]).toMatch(/^Fant ingen avstemmingsfil for 09\.01\.2024/);
    // NAV's sample: 27 references, none received; five shown, the rest behind "Vis 22 til".
    const sample = row('2024-01-04');
    expect(await sample.locator('li:visible').count()).toBe(5);
    await sample.getByRole('button', { name: 'Vis 22 til' }).click();
    await sample.getByText('04.11.2024_R511382572_2_8408.pdf').waitFor();
    expect(await sample.locator('li:visible').count()).toBe(27);
    await screenshot(page, 'avstemming');

    // More days on a page of its own.
    await page.getByRole('link', { name: 'Se avstemming for flere dager' }).click();
    await page.getByRole('heading', { level: 1, name: 'Daglig avstemming mot leverandøren' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/postmottak/avstemming');
    // The heading comes before the days are fetched: wait for the rows, not the first paint.
    await expect.poll(() => page.locator('tr[data-day]').count(), { timeout: 15_000 }).toBe(5);

    // On a phone the table scrolls inside its own box: nothing of it reaches past the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    const wide = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const box = document.querySelector('[aria-label="Avstemming per dag"]')!;
      const out = [...document.querySelectorAll('main *')].filter((el) => !box.contains(el) || el === box).filter((el) => el.getBoundingClientRect().right > width + 1).map((el) => el.outerHTML.slice(0, 80));
      return { out, box: box.getBoundingClientRect().right <= width + 1, scrolls: box.scrollWidth > box.clientWidth };
    });
    expect(wide).toEqual({ out: [], box: true, scrolls: true });
    await page.close();
  }, 60_000);
});
