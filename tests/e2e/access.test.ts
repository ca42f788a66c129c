import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAccess } from '../../storage/repositories/access-log.repository.ts';
import { BAERUM_PERSON, ensureWebBuilt, launchBrowser, login, OSLO_PERSON, PROTECTED_PERSON, screenshot, seedDocument, startApp, type TestApp } from './harness.ts';

let t: TestApp;
let browser: Browser;
let dag: { id: string; caseId: string | null };
let kode6: { id: string; caseId: string | null };

beforeAll(async () => {
  ensureWebBuilt();
  [t, browser] = await Promise.all([startApp(), launchBrowser()]);
  dag = await seedDocument(t.ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' });
  kode6 = await seedDocument(t.ctx, { person: PROTECTED_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' });
  await seedDocument(t.ctx, { person: BAERUM_PERSON, tema: 'SYK', kind: 'claim', title: 'Sykepenger' });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const get = async (path: string, user: string) => fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${await t.token(user)}` } });

describe('access rules', () => {
  it('gives a caseworker of another unit nothing', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    await login(page, t.url, 'sb0219');
    await page.getByRole('heading', { name: /Innboks: 0219/ }).waitFor();
    await expect.poll(() => page.locator('table.inbox tbody tr').count()).toBe(1);
    expect(await page.locator('table.inbox').innerText()).not.toContain(dag.id);
    // Opening 4450's document by its address: refused.
    await page.goto(`${t.url}/innboks/0219/${dag.id}`);
    await page.getByText('du har ikke tilgang til dette dokumentet').waitFor();
    // Status look-up of it: refused too.
    await page.goto(`${t.url}/status`);
    await page.getByLabel('Journalpost-id, saksnummer eller fødselsnummer').fill(dag.id);
    await page.getByLabel('Formål (logges)').selectOption('Saksbehandling');
    await page.getByRole('button', { name: 'Søk' }).click();
    await page.getByText('du har ikke tilgang til status for dette').waitFor();
    await screenshot(page, 'access-other-unit');
    await page.close();
    expect((await get('/api/inbox/4450', 'sb0219')).status).toBe(403);
    expect((await get(`/api/documents/${dag.id}/pages/1/image`, 'sb0219')).status).toBe(403);
    expect((await get(`/api/status/${dag.caseId}?purpose=test`, 'sb0219')).status).toBe(403);
  });

  it('shows the strictly confidential document only to NAV Vikafossen', async () => {
    expect((await get(`/api/documents/${kode6.id}`, 'sb4450')).status).toBe(404);
    expect((await get(`/api/status/${kode6.id}?purpose=test`, 'status')).status).toBe(404);
    expect((await get(`/api/status/${PROTECTED_PERSON.id}?purpose=test`, 'status')).status).toBe(404);
    expect((await get(`/api/status/${kode6.id}?purpose=test`, 'ops')).status).toBe(404);
    const batch = await (await get('/api/batches?pageSize=100', 'ops')).json() as { items: Array<{ id: string }> };
    for (const b of batch.items) {
      const r = await (await get(`/api/batches/${b.id}`, 'ops')).json() as { documents: Array<{ id: string }> };
      expect(r.documents.map((d) => d.id)).not.toContain(kode6.id);
    }

    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    await login(page, t.url, 'status');
    await page.getByLabel('Journalpost-id, saksnummer eller fødselsnummer').fill(kode6.id);
    await page.getByLabel('Formål (logges)').selectOption('Saksbehandling');
    await page.getByRole('button', { name: 'Søk' }).click();
    await page.getByText('ingen treff').waitFor();
    await page.close();

    const vika = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    await login(vika, t.url, 'sb2103');
    await vika.getByRole('heading', { name: /Innboks: 2103/ }).waitFor();
    await vika.locator(`tr[data-document="${kode6.id}"]`).getByRole('link', { name: kode6.id }).click();
    await vika.getByRole('heading', { name: new RegExp(`${kode6.id}:`) }).waitFor();
    expect(await vika.getByText(`Bruker: ${PROTECTED_PERSON.id}`).count()).toBe(1);
    await screenshot(vika, 'access-vikafossen');
    await vika.close();
  });

  it('records every look-up, and an administrator can list them per user and per person', async () => {
    const { rows } = await listAccess(t.ctx.db, { limit: 500, offset: 0 });
    const of = (actor: string, action: string) => rows.filter((r) => r.actor === actor && r.action === action);
    expect(of('sb0219', 'document:read').some((r) => r.subject === dag.id && r.outcome === 'denied' && r.channel === 'web')).toBe(true);
    expect(of('sb4450', 'document:read').some((r) => r.subject === kode6.id && r.outcome === 'denied' && r.personIds.includes(PROTECTED_PERSON.id))).toBe(true);
    expect(of('sb2103', 'document:read').some((r) => r.subject === kode6.id && r.outcome === 'granted' && r.purpose === 'saksbehandling')).toBe(true);
    expect(of('status', 'status:person').some((r) => r.personIds.includes(PROTECTED_PERSON.id))).toBe(true);
    expect(of('sb2103', 'inbox:list').length).toBeGreaterThan(0);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(page, t.url, 'admin');
    await page.getByRole('link', { name: 'Administrasjon' }).click();
    const table = page.locator('table.access-log');
    // Per person: an ordinary person's look-ups, with who, what and the outcome.
    await page.getByLabel('Person (fødselsnummer)').fill(OSLO_PERSON.id);
    await page.getByRole('button', { name: 'Vis oppslag' }).click();
    await expect.poll(async () => table.innerText()).toContain('sb0219');
    expect(await table.innerText()).toContain('Avvist');
    // A person with strictly confidential address: an administrator is not told who that is, not even by an empty answer that differs.
    await page.getByLabel('Person (fødselsnummer)').fill(PROTECTED_PERSON.id);
    await page.getByRole('button', { name: 'Vis oppslag' }).click();
    await page.getByText('0 oppslag').waitFor();
    // Per user: the refused read of the kode-6 document is there, what it concerned masked.
    await page.getByLabel('Person (fødselsnummer)').fill('');
    await page.getByLabel('Bruker (ident)').fill('sb4450');
    await page.getByRole('button', { name: 'Vis oppslag' }).click();
    await expect.poll(async () => table.innerText()).toContain('skjermet');
    const text = await table.innerText();
    expect(text).toContain('Avvist');
    expect(text).not.toContain(kode6.id);
    expect(text).not.toContain(PROTECTED_PERSON.id);
    await screenshot(page, 'admin-access-log');
    await page.getByLabel('Bruker (ident)').fill('sb0219');
    await page.getByRole('button', { name: 'Vis oppslag' }).click();
    await expect.poll(async () => table.innerText()).toContain('Åpnet dokument');
    expect(await table.innerText()).not.toContain('sb2103');

    // The administrator's overview and deviation statistics render (numbers only, no persons).
    await page.getByRole('link', { name: 'Oversikt' }).click();
    await page.getByRole('heading', { name: 'Dokumenter per enhet og tema' }).waitFor();
    expect(await page.locator('.bar').count()).toBeGreaterThan(0);
    // Counted per unit without NAV Vikafossen: the kode-6 document is not in the overview at all.
    expect(await page.locator('main').innerText()).not.toMatch(/Vikafossen|2103/);
    await screenshot(page, 'overview');
    await page.getByRole('link', { name: 'Avvik' }).click();
    await page.getByRole('heading', { name: 'Per rutingsregel' }).waitFor();
    await expect.poll(() => page.locator('table.per-rule tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'deviations');
    await page.close();
  });
});
