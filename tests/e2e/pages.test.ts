/**
 * Every page of the web app, as the users who see it, on a phone (390 px) and on a desktop:
 * axe-core finds no serious or critical violation, nothing is wider than the screen, and what the
 * page says is Norwegian, without raw codes or stack traces.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDeviation } from '../../storage/repositories/deviations.repository.ts';
import { checkPage, DESKTOP, PHONE } from './checks.ts';
import { BAERUM_PERSON, ensureWebBuilt, launchBrowser, login, OSLO_PERSON, PROTECTED_PERSON, seedDocument, startApp, type TestApp } from './harness.ts';

let t: TestApp;
let browser: Browser;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ensureWebBuilt();
  [t, browser] = await Promise.all([startApp(), launchBrowser()]);
  const dag = await seedDocument(t.ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim', formNumber: 'NAV 04-01.03', title: 'Søknad om dagpenger',
    pages: [['Søknad om dagpenger', `Fødselsnummer: ${OSLO_PERSON.id}`, 'Jeg ble permittert.'], ['Vedlegg: arbeidsavtale']] });
  const manual = await seedDocument(t.ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'routing rule ukjent-bruker', batchId: dag.batchId, pages: [['Et brev uten fødselsnummer'], ['Side to']] });
  await t.ctx.db.query(`UPDATE documents SET classification = $2 WHERE id = $1`, [manual.id, { reasons: ['no form number; content classifier: tema DAG (p=0.945), kind claim (p=0.8)', 'no valid person id'] }]);
  const k6 = await seedDocument(t.ctx, { person: PROTECTED_PERSON, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' });
  const k6manual = await seedDocument(t.ctx, { person: PROTECTED_PERSON, tema: 'DAG', kind: 'claim', manual: 'unreadable: mean OCR confidence 12', manualWithPerson: true });
  await seedDocument(t.ctx, { person: BAERUM_PERSON, tema: 'SYK', kind: 'claim', title: 'Sykepenger' });
  await addDeviation(t.ctx.db, { kind: 'misrouted', documentId: dag.id, caseId: dag.caseId, unitId: '4450', policyId: 'ekspertgruppe-2010', ruleId: 'dagpenger', reason: 'feil tema', reportedBy: 'sb4450' });
  Object.assign(ids, { dag: dag.id, dagCase: dag.caseId!, batch: dag.batchId, manual: manual.id, k6: k6.id, k6manual: k6manual.id });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

interface Visit {
  user: string | null;
  path: () => string;
  /** Something on the page that says it has loaded. */
  ready: (p: Page) => Promise<unknown>;
  /** Something to do on the page before checking it (open a tab, search). */
  act?: (p: Page) => Promise<unknown>;
}

const heading = (name: RegExp | string) => (p: Page) => p.getByRole('heading', { name, level: 1 }).first().waitFor();
const VISITS: Record<string, Visit> = {
  'innlogging': { user: null, path: () => '/', ready: (p) => p.getByRole('button', { name: 'Logg inn' }).waitFor() },
  'postmottak': { user: 'ops', path: () => '/postmottak', ready: (p) => p.locator(`tr[data-batch="${ids.batch}"]`).waitFor() },
  'bunke': { user: 'ops', path: () => `/postmottak/bunke/${ids.batch}`, ready: heading(/^Bunke /) },
  'manuell kø': { user: 'ops', path: () => '/manuell', ready: (p) => p.locator(`tr[data-document="${ids.manual}"]`).waitFor() },
  'manuelt dokument': { user: 'ops', path: () => `/manuell/${ids.manual}`, ready: (p) => p.getByText('Maskinens beste gjetning').waitFor() },
  'statusoppslag': {
    user: 'status', path: () => '/status', ready: heading('Statusoppslag'),
    act: async (p) => {
      await p.getByLabel('Journalpost-id, saksnummer eller fødselsnummer').fill(ids.dag!);
      await p.getByLabel('Formål (logges)').selectOption('Svar på henvendelse fra bruker');
      await p.getByRole('button', { name: 'Søk' }).click();
      await p.locator(`.status-doc[data-document="${ids.dag}"]`).waitFor();
    },
  },
  'avvik (postmottak)': { user: 'ops', path: () => '/avvik', ready: (p) => p.locator('table.deviations tbody tr').first().waitFor() },
  'oversikt': { user: 'ops', path: () => '/oversikt', ready: heading('Oversikt') },
  'innboks': { user: 'sb4450', path: () => '/innboks', ready: (p) => p.locator(`tr[data-document="${ids.dag}"]`).waitFor() },
  'dokument i innboks': { user: 'sb4450', path: () => `/innboks/4450/${ids.dag}`, ready: (p) => p.locator('.page-row[data-page="2"] img').waitFor() },
  'avvik (enhet)': { user: 'sb4450', path: () => '/avvik', ready: (p) => p.locator('table.deviations tbody tr').first().waitFor() },
  'innboks NAV Vikafossen': { user: 'sb2103', path: () => '/innboks', ready: (p) => p.locator(`tr[data-document="${ids.k6}"]`).waitFor() },
  'dokument NAV Vikafossen': { user: 'sb2103', path: () => `/innboks/2103/${ids.k6}`, ready: (p) => p.getByText('Strengt fortrolig adresse').first().waitFor() },
  'manuell kø NAV Vikafossen': { user: 'sb2103', path: () => '/manuell', ready: (p) => p.locator(`tr[data-document="${ids.k6manual}"]`).waitFor() },
  'administrasjon: tilgangslogg': { user: 'admin', path: () => '/admin', ready: (p) => p.locator('table.access-log tbody tr').first().waitFor() },
  'administrasjon: brukere': { user: 'admin', path: () => '/admin', ready: heading('Administrasjon'), act: async (p) => { await p.getByRole('tab', { name: 'Brukere' }).click(); await p.getByText('Legg til bruker').waitFor(); } },
  'administrasjon: rutingsregler': { user: 'admin', path: () => '/admin', ready: heading('Administrasjon'), act: async (p) => { await p.getByRole('tab', { name: 'Rutingsregler' }).click(); await p.locator('table.policy-rules tbody tr').first().waitFor(); } },
  'oversikt (administrator)': { user: 'admin', path: () => '/oversikt', ready: heading('Oversikt') },
  'side som ikke finnes': { user: 'sb4450', path: () => '/finnes-ikke', ready: heading('Fant ikke siden') },
  'side uten tilgang': { user: 'status', path: () => '/admin', ready: heading('Ingen tilgang') },
};

async function contextFor(user: string | null, viewport: typeof PHONE): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  if (user) await login(page, t.url, user);
  return { context, page };
}

describe('the page checks', () => {
  it('catch a page that breaks each rule', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.setContent(`<html lang="nb"><body><main><h1>Prøve</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
      <button></button><div style="width: 1200px">Rutet etter routing rule ukjent-bruker: the document was delivered</div>
      <p>status:case</p><p>TypeError: Failed to fetch</p></main></body></html>`);
    const problems = await checkPage(page, 'prøve');
    await page.close();
    expect(problems.some((p) => p.includes('image-alt'))).toBe(true);
    expect(problems.some((p) => p.includes('button-name'))).toBe(true);
    expect(problems.some((p) => p.includes('px wide'))).toBe(true);
    expect(problems.some((p) => p.includes('English or a raw code'))).toBe(true);
    expect(problems.some((p) => p.includes('access-log action'))).toBe(true);
    expect(problems.some((p) => p.includes('stack trace'))).toBe(true);
  });
});

describe('every page, on a phone and on a desktop', () => {
  for (const [size, viewport] of [['mobil (390 px)', PHONE], ['skrivebord', DESKTOP]] as const) {
    it(`passes axe-core, fits the screen and speaks Norwegian: ${size}`, async () => {
      const problems: string[] = [];
      const sessions = new Map<string | null, { context: BrowserContext; page: Page }>();
      try {
        for (const [name, v] of Object.entries(VISITS)) {
          if (!sessions.has(v.user)) sessions.set(v.user, await contextFor(v.user, viewport));
          const { page } = sessions.get(v.user)!;
          await page.goto(`${t.url}${v.path()}`);
          await v.ready(page);
          await v.act?.(page);
          problems.push(...(await checkPage(page, `${name} (${size})`)));
        }
      } finally {
        for (const s of sessions.values()) await s.context.close();
      }
      expect(problems).toEqual([]);
    }, 180_000);
  }
});
