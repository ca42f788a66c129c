import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderCoverSheet } from '../../services/foersteside.service.ts';
import { onAttached, sendLetters } from '../../services/letters.service.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import type { LetterOutbox } from '../../storage/letter-outbox/letter-outbox.ts';
import type { RegisterPerson } from '../../storage/seed/person-register.ts';
import type { Context } from '../../app/context.ts';
import { checkPage } from './checks.ts';
import { ensureWebBuilt, launchBrowser, login, OSLO_PERSON, PROTECTED_PERSON, screenshot, seedDocument, startApp, type TestApp } from './harness.ts';

/**
 * Issue 13: the administrator's list of letters the letter service refused on every try ("Brev som ikke ble sendt"),
 * in the browser. The letters are made by the real attach hook (onAttached) and given up by the real sender after
 * its last attempt against an adapter that is down; the resend goes through the real folder outbox.
 */

let t: TestApp;
let browser: Browser;
const TWO = ['Arbeidsavtale', 'Lønnsslipper for de siste tre månedene'];
const broken: LetterOutbox = { adapter: () => ({ channel: 'print', send: async () => { throw new Error('print service down'); } }) };

/** A claim attached to its case without the two attachments its cover sheet listed, its letter failed after the one allowed attempt. */
async function failedLetter(person: RegisterPerson, unit: string | undefined, by: string): Promise<{ documentId: string; letterId: number }> {
  const { sheet } = await orderCoverSheet(t.ctx, { tema: 'DAG', personId: person.id, attachments: TWO, ...(unit ? { unit } : {}) }, by);
  const doc = await seedDocument(t.ctx, { person, tema: 'DAG', kind: 'claim', title: 'Søknad om dagpenger' });
  const out = await inTransaction(t.ctx.db, (tx) => onAttached(tx, { documentId: doc.id, caseId: doc.caseId!, personId: person.id, coverSheet: sheet.loepenummer, missing: TWO }));
  expect(out.letterQueued).toBe(true);
  const once = { ...t.ctx, config: { ...t.ctx.config, LETTER_MAX_ATTEMPTS: 1 } } as Context;
  expect(await sendLetters(once, doc.id, broken)).toEqual({ sent: 0, failed: 1 });
  const { rows } = await t.ctx.db.query(`SELECT id, status FROM letters WHERE document_id = $1`, [doc.id]);
  expect(rows[0].status).toBe('failed');
  return { documentId: doc.id, letterId: Number(rows[0].id) };
}

beforeAll(async () => {
  ensureWebBuilt();
  [t, browser] = await Promise.all([startApp(), launchBrowser()]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('letters that were not sent, for the administrator', () => {
  it('a letter that failed all its attempts is listed in Norwegian and sent again from there; a kode 6 letter is neither listed nor resendable', async () => {
    const ordinary = await failedLetter(OSLO_PERSON, undefined, 'sb4450');
    const protectedOne = await failedLetter(PROTECTED_PERSON, '2103', 'sb2103');

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(page, t.url, 'admin');
    await page.getByRole('link', { name: 'Administrasjon' }).click();
    await page.getByRole('tab', { name: 'Brev som ikke ble sendt' }).click();
    const row = page.locator(`tr[data-letter="${ordinary.letterId}"]`);
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain(ordinary.documentId);
    expect(text).toContain('Brevet kunne ikke leveres til utsending etter 1 forsøk (feiltype Error). Sjekk brevtjenesten og send brevet på nytt.');
    expect(text).not.toContain(OSLO_PERSON.id);
    const table = page.getByRole('table');
    expect(await table.innerText()).toMatch(/Brev\s+Dokument\s+Sak\s+Vedlegg\s+Stanset\s+Årsak/);
    // The strictly confidential document's letter is not there, not even its document id.
    expect(await page.locator(`tr[data-letter="${protectedOne.letterId}"]`).count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain(protectedOne.documentId);
    expect(await checkPage(page, 'brev som ikke ble sendt')).toEqual([]);
    await screenshot(page, 'admin-failed-letters');

    // Sent again: the real outbox takes it now; the list says so and empties.
    await row.getByRole('button', { name: 'Send på nytt' }).click();
    await page.getByRole('status').filter({ hasText: `Brev ${ordinary.letterId} er sendt.` }).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByText('Ingen brev venter på å bli sendt på nytt.').waitFor();
    const { rows } = await t.ctx.db.query(`SELECT status, attempts, requeued_by FROM letters WHERE id = $1`, [ordinary.letterId]);
    expect(rows[0]).toEqual({ status: 'sent', attempts: 1, requeued_by: 'admin' });

    // The kode 6 letter cannot be resent from the administrators' side either, even by its id: as if it did not exist.
    const status = await page.evaluate(async (id) => {
      const res = await fetch(`/api/admin/letters/${id}/retry`, { method: 'POST', headers: { 'x-intake-csrf': '1' } });
      return { code: res.status, body: await res.text() };
    }, protectedOne.letterId);
    expect(status.code).toBe(404);
    expect(status.body).not.toContain(protectedOne.documentId);
    expect((await t.ctx.db.query(`SELECT status FROM letters WHERE id = $1`, [protectedOne.letterId])).rows[0].status).toBe('failed');
    await page.close();
  }, 240_000);
});
