import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokens } from '../../api/auth/tokens.ts';
import { buildApi } from '../../api/server.ts';
import { STAGES } from '../../pipeline/stages.ts';
import { orderCoverSheet } from '../../services/foersteside.service.ts';
import { runDeviationSweep } from '../../services/deviation-sweep.service.ts';
import { sendLetters } from '../../services/letters.service.ts';
import { createBatch } from '../../storage/repositories/batches.repository.ts';
import { getDocument, insertDocument } from '../../storage/repositories/documents.repository.ts';
import { applyOutcome, received } from '../../services/lifecycle.service.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import { saveHeader, saveOcr, upsertPage } from '../../storage/repositories/pages.repository.ts';
import { setSegmentInfo } from '../../storage/repositories/segments.repository.ts';
import { runStage } from '../../workers/runner.ts';
import { getCoverSheet } from '../../storage/repositories/foersteside.repository.ts';
import { listEvents } from '../../storage/repositories/events.repository.ts';
import type { LetterOutbox } from '../../storage/letter-outbox/letter-outbox.ts';
import { createContext, type Context } from '../../app/context.ts';
import { OSLO_PERSON, people, PROTECTED_PERSON } from '../e2e/harness.ts';
import type { RegisterPerson } from '../../storage/seed/person-register.ts';
import { dropDatabase, testConfig } from '../helpers/services.ts';
import { pdfPages } from '../helpers/pdf-text.ts';

let ctx: Context;
let app: FastifyInstance;
let tokens: Tokens;

beforeAll(async () => {
  const config = testConfig({ AUTH_DEV_SECRET: randomBytes(24).toString('hex') });
  ctx = await createContext(config, 'letters-test');
  tokens = new Tokens(config);
  app = buildApi(ctx, { tokens });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  if (ctx) {
    await Promise.all([...STAGES.map((s) => ctx.queues.byStage[s].obliterate({ force: true })), ctx.queues.deviations.obliterate({ force: true })]).catch(() => {});
    await ctx.close();
    await dropDatabase(ctx.config.DATABASE_URL);
  }
});

const TWO = ['Arbeidsavtale', 'Lønnsslipper for de siste tre månedene'];

/** A new document, split into `pages` (their full text, or only a header read when `headerOnly`). */
async function splitDocument(pages: string[], opts: { headerOnly?: boolean; coverSheet?: string } = {}): Promise<string> {
  const batch = await createBatch(ctx.db, 'letters', 'test');
  const sha = randomBytes(32).toString('hex');
  return inTransaction(ctx.db, async (tx) => {
    const doc = (await insertDocument(tx, { batchId: batch.id, fileName: `skann-${sha.slice(0, 6)}.pdf`, mediaType: 'application/pdf', sha256: sha, originalKey: `originals/${sha}`, sizeBytes: 1, vendorMetadata: null, externalRef: null }))!;
    await received(tx, doc.id);
    if (opts.coverSheet) await setSegmentInfo(tx, doc.id, { coverSheet: opts.coverSheet, coverSheetPage: 1, splitFrom: null, sourcePages: pages.map((_, i) => i + 1) });
    await applyOutcome(tx, { documentId: doc.id, stage: 'split', pageNo: 0 }, {
      kind: 'done', fields: { pageCount: pages.length },
      write: async (q) => {
        for (const [i, text] of pages.entries()) {
          await upsertPage(q, { documentId: doc.id, pageNo: i + 1, imageKey: `pages/${doc.id}/${i + 1}.png`, width: 1654, height: 2339, dpi: 200 });
          if (opts.headerOnly) await saveHeader(q, doc.id, i + 1, { text, confidence: 90, ms: 1 });
          else await saveOcr(q, doc.id, i + 1, { text, confidence: 90, ms: 1 });
        }
      },
    });
    return doc.id;
  });
}

/** A document as identify leaves it: read, its cover sheet known, `missing` of the sheet's list not found in it (person null: not identified). */
async function identified(person: RegisterPerson | null, sheet: string, missing: string[]): Promise<string> {
  const id = await splitDocument(['Førsteside', 'Søknad']);
  const s = (await getCoverSheet(ctx.db, sheet))!;
  await inTransaction(ctx.db, (tx) => applyOutcome(tx, { documentId: id, stage: 'identify', pageNo: 0 }, {
    kind: 'done',
    fields: {
      tema: s.tema, documentKind: s.followUp ? 'attachment' : 'claim', personId: person?.id ?? null, confidence: 0.99, formNumber: s.formNumber ?? null, title: s.title,
      classification: { coverSheet: sheet, missingAttachments: missing, reasons: [] },
    },
  }));
  return id;
}

const attach = (documentId: string, c: Context = ctx) => runStage(c, 'attach', { documentId });

const letterRows = async (documentId: string) => (await ctx.db.query('SELECT * FROM letters WHERE document_id = $1', [documentId])).rows;
const as = async (user: string) => ({ authorization: `Bearer ${(await tokens.signDev(user)).token}` });


describe('the letter about missing attachments', () => {
  let claim: string;
  let caseId: string;
  let followUpSheet: string;

  it('is made at once when a claim lacks what its cover sheet listed: queued in the attach transaction, sent to the outbox, on the timeline', async () => {
    const { sheet } = await orderCoverSheet(ctx, { tema: 'DAG', formNumber: 'NAV 04-01.03', personId: OSLO_PERSON.id, attachments: [...TWO, 'Kopi av pass'], language: 'nn' }, 'sb4450');
    claim = await identified(OSLO_PERSON, sheet.loepenummer, TWO);
    await attach(claim);
    await attach(claim); // a retried job makes no second letter
    const doc = (await getDocument(ctx.db, claim))!;
    caseId = doc.caseId!;
    const rows = await letterRows(claim);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'sent', channel: 'print', language: 'nn', items: TWO, case_id: caseId, attempts: 1 });
    // The deadline is the deviation sweep's: receipt + the tema's 14 days.
    expect(new Date(rows[0].deadline).getTime() - doc.receivedAt.getTime()).toBe(14 * 86_400_000);

    // A new løpenummer, bound to the case and the claim, listing only what is missing, as an ettersendelse (NAVe).
    followUpSheet = rows[0].follow_up_sheet;
    expect(followUpSheet).not.toBe(sheet.loepenummer);
    expect(await getCoverSheet(ctx.db, followUpSheet)).toMatchObject({ followUp: true, formNumber: 'NAV 04-01.03', personId: OSLO_PERSON.id, attachments: TWO, language: 'nn', tema: 'DAG' });
    expect((await ctx.db.query('SELECT case_id, follow_up_to FROM foersteside WHERE loepenummer = $1', [followUpSheet])).rows[0]).toEqual({ case_id: caseId, follow_up_to: claim });

    // In the outbox: the PDF under the letter id, the recipient beside it; no personal data in the key.
    const ref = `outbox/print/L${rows[0].id}`;
    const [letterPage, coverPage] = await pdfPages(await ctx.store.get(`${ref}.pdf`));
    for (const item of TWO) expect(letterPage).toContain(item);
    expect(letterPage).toContain('Send oss vedlegga seinast');
    expect(letterPage).not.toContain('Kopi av pass');
    expect(coverPage).toContain('NAVe 04-01.03');
    expect(coverPage).toContain(followUpSheet);
    expect(JSON.parse((await ctx.store.get(`${ref}.json`)).toString())).toEqual({ letterId: `L${rows[0].id}`, recipientId: OSLO_PERSON.id, language: 'nn' });
    expect(await ctx.store.exists(`outbox/protected/L${rows[0].id}.pdf`)).toBe(false);

    const events = (await listEvents(ctx.db, [claim])).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['attached', 'letter-queued', 'letter-sent']));
    expect(events.filter((e) => e === 'letter-sent')).toHaveLength(1);
  });

  it('is read by those who may read the claim, and every read is in the access log', async () => {
    await runStage(ctx, 'route', { documentId: claim });
    const list = await app.inject({ method: 'GET', url: `/api/documents/${claim}/letters?purpose=saksbehandling`, headers: await as('sb4450') });
    expect(list.statusCode).toBe(200);
    const [letter] = list.json().letters;
    expect(letter).toMatchObject({ status: 'sent', waitingFor: 2, followUpSheet, items: TWO.map((name) => ({ name, arrivedIn: null })) });
    const pdf = await app.inject({ method: 'GET', url: `/api/documents/${claim}/letters/${letter.id}/pdf`, headers: await as('sb4450') });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    // Another unit's caseworker may not, and the operator no longer (the claim has left the mail room).
    expect((await app.inject({ method: 'GET', url: `/api/documents/${claim}/letters/${letter.id}/pdf`, headers: await as('sb0219') })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/api/documents/${claim}/letters`, headers: await as('ops') })).statusCode).toBe(403);
    const { rows } = await ctx.db.query(`SELECT actor, action, outcome, person_ids FROM access_log WHERE subject = $1 AND action LIKE 'letter:%' ORDER BY id`, [claim]);
    expect(rows).toEqual([
      { actor: 'sb4450', action: 'letter:list', outcome: 'granted', person_ids: [OSLO_PERSON.id] },
      { actor: 'sb4450', action: 'letter:pdf', outcome: 'granted', person_ids: [OSLO_PERSON.id] },
      { actor: 'sb0219', action: 'letter:pdf', outcome: 'denied', person_ids: [OSLO_PERSON.id] },
      { actor: 'ops', action: 'letter:list', outcome: 'denied', person_ids: [OSLO_PERSON.id] },
    ]);
    // The unit's inbox says a letter went and what is awaited.
    const inbox = (await app.inject({ method: 'GET', url: '/api/inbox/4450', headers: await as('sb4450') })).json() as { items: Array<{ documentId: string; letter: unknown }> };
    expect(inbox.items.find((i) => i.documentId === claim)?.letter).toMatchObject({ waitingFor: 2 });
  });

  it('a follow-up behind the letter\'s cover sheet goes to the same case, ticks off what it brought, and closes the deviation when nothing is left', async () => {
    // Past the deadline: the sweep has opened the deviation.
    await ctx.db.query(`UPDATE documents SET received_at = now() - interval '20 days' WHERE id = $1`, [claim]);
    await runDeviationSweep(ctx);
    const deviation = async () => (await ctx.db.query(`SELECT resolved_at, resolved_by, resolution_note FROM deviations WHERE document_id = $1 AND kind = 'missing-attachment'`, [claim])).rows;
    expect(await deviation()).toEqual([{ resolved_at: null, resolved_by: null, resolution_note: null }]);

    // The first follow-up brings one of the two.
    const first = await identified(OSLO_PERSON, followUpSheet, [TWO[1]!]);
    await attach(first);
    expect((await getDocument(ctx.db, first))!.caseId).toBe(caseId);
    expect(await letterRows(first)).toEqual([]); // no letter about a letter's follow-up
    expect((await ctx.db.query('SELECT count(*)::int AS n FROM case_missing_attachments WHERE document_id = $1', [first])).rows[0].n).toBe(0);
    expect((await deviation())[0].resolved_at).toBeNull();

    const second = await identified(OSLO_PERSON, followUpSheet, []);
    await attach(second);
    expect((await getDocument(ctx.db, second))!.caseId).toBe(caseId);
    const [closed] = await deviation();
    expect(closed).toMatchObject({ resolved_by: 'intake', resolution_note: `Vedleggene kom med ettersendelsen ${second}` });
    expect(closed.resolved_at).not.toBeNull();

    const list = (await app.inject({ method: 'GET', url: `/api/documents/${claim}/letters`, headers: await as('sb4450') })).json();
    expect(list.letters[0]).toMatchObject({ waitingFor: 0, items: [{ name: TWO[0], arrivedIn: first }, { name: TWO[1], arrivedIn: second }] });
    const history = (await listEvents(ctx.db, [claim, first])).map((e) => `${e.documentId} ${e.type} ${JSON.stringify(e.detail)}`);
    expect(history).toEqual(expect.arrayContaining([
      `${claim} attachments-arrived {"in":"${first}","arrived":1,"remaining":1}`,
      `${first} follow-up-received {"to":"${claim}","arrived":1,"remaining":1}`,
    ]));
    // The sweep agrees: nothing reopens.
    await runDeviationSweep(ctx);
    expect((await deviation()).filter((d) => !d.resolved_at)).toEqual([]);
  });

  it('a follow-up sheet is not bound to another person\'s case even if someone uses it for them', async () => {
    const other = people[1]!;
    const stray = await identified(other, followUpSheet, []);
    await attach(stray);
    expect((await getDocument(ctx.db, stray))!.caseId).not.toBe(caseId);
  });

  it('kode 6: the letter goes to the protected channel only, never to central print; others cannot see it exists', async () => {
    const { sheet } = await orderCoverSheet(ctx, { tema: 'DAG', formNumber: 'NAV 04-01.03', personId: PROTECTED_PERSON.id, attachments: TWO, unit: '2103' }, 'sb2103');
    const id = await identified(PROTECTED_PERSON, sheet.loepenummer, TWO);
    await attach(id);
    await runStage(ctx, 'route', { documentId: id });
    const [row] = await letterRows(id);
    expect(row).toMatchObject({ status: 'sent', channel: 'protected' });
    expect(await ctx.store.exists(`outbox/protected/L${row.id}.pdf`)).toBe(true);
    expect(await ctx.store.exists(`outbox/print/L${row.id}.pdf`)).toBe(false);
    expect((await app.inject({ method: 'GET', url: `/api/documents/${id}/letters/${row.id}/pdf`, headers: await as('sb2103') })).statusCode).toBe(200);
    for (const user of ['sb4450', 'ops']) {
      const r = await app.inject({ method: 'GET', url: `/api/documents/${id}/letters/${row.id}/pdf`, headers: await as(user) });
      expect(r.statusCode).toBe(404); // as for a document that does not exist
      expect(r.body).not.toContain(PROTECTED_PERSON.id);
    }
  });

  it('an adapter that fails leaves the letter queued without holding up the claim; the sweep sends it later; no personal data in the log', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
    const person = people[3]!;
    const { sheet } = await orderCoverSheet(ctx, { tema: 'DAG', personId: person.id, attachments: TWO, language: 'en' }, 'sb4450');
    const id = await identified(person, sheet.loepenummer, TWO);
    const broken: LetterOutbox = { adapter: () => ({ channel: 'print', send: async (l) => { throw new TypeError(`print service refused recipient ${l.recipientId}`); } }) };
    // The object store is down while attach runs: the letter is queued in the attach transaction, the claim goes on.
    const storeDown = { ...ctx.store, put: async () => { throw new Error('connect ECONNREFUSED'); } };
    await attach(id, { ...ctx, log, store: storeDown } as Context);
    expect((await getDocument(ctx.db, id))!.attachedAt).not.toBeNull();
    expect((await letterRows(id))[0]).toMatchObject({ status: 'queued', attempts: 1 });
    // Its next try, once its wait is over: the print service refuses it, quoting the recipient; the log keeps ids and the error's kind only.
    await ctx.db.query(`UPDATE letters SET next_attempt_at = now() - interval '1 second' WHERE document_id = $1`, [id]);
    await sendLetters({ ...ctx, log }, id, broken);
    const [row] = await letterRows(id);
    expect(row).toMatchObject({ status: 'queued', last_error: 'TypeError', attempts: 2 });
    expect((await listEvents(ctx.db, [id])).map((e) => e.type)).not.toContain('letter-sent');
    expect(lines.join('')).not.toContain(person.id);
    expect(lines.join('')).toContain('letter not sent');
    // It waits before the next try; once that time has come, the background sweep hands it over with the real adapter.
    await runDeviationSweep(ctx);
    expect((await letterRows(id))[0]).toMatchObject({ status: 'queued', attempts: 2 });
    await ctx.db.query(`UPDATE letters SET next_attempt_at = now() - interval '1 second' WHERE document_id = $1`, [id]);
    await runDeviationSweep(ctx);
    expect((await letterRows(id))[0]).toMatchObject({ status: 'sent', channel: 'print', last_error: null, next_attempt_at: null });
  });

  it('retries are bounded: waits that double, then failed for an administrator (in Norwegian), sent again on request, nothing lost', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
    const c = { ...ctx, log, config: { ...ctx.config, LETTER_MAX_ATTEMPTS: 3, LETTER_RETRY_BASE_MINUTES: 5, LETTER_RETRY_MAX_MINUTES: 240 } } as Context;
    const broken: LetterOutbox = { adapter: () => ({ channel: 'print', send: async () => { throw new Error('print service down'); } }) };
    const person = people[7]!;
    const { sheet } = await orderCoverSheet(ctx, { tema: 'DAG', personId: person.id, attachments: TWO }, 'sb4450');
    const id = await identified(person, sheet.loepenummer, TWO);
    await attach(id, { ...c, store: { ...ctx.store, put: async () => { throw new Error('connect ECONNREFUSED'); } } } as Context);
    const waitMinutes = async () => {
      const { rows } = await ctx.db.query(`SELECT extract(epoch FROM next_attempt_at - now()) / 60 AS m FROM letters WHERE document_id = $1`, [id]);
      return Number(rows[0].m);
    };
    const timePasses = () => ctx.db.query(`UPDATE letters SET next_attempt_at = now() - interval '1 second' WHERE document_id = $1`, [id]);
    expect((await letterRows(id))[0]).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await waitMinutes()).toBeGreaterThan(4.9);
    expect(await waitMinutes()).toBeLessThanOrEqual(5);
    // Before its time nothing is tried: no hammering of a service that is down.
    expect(await sendLetters(c, null, broken)).toMatchObject({ sent: 0, failed: 0 });
    expect((await letterRows(id))[0].attempts).toBe(1);
    await timePasses();
    await sendLetters(c, id, broken);
    expect((await letterRows(id))[0]).toMatchObject({ status: 'queued', attempts: 2 });
    expect(await waitMinutes()).toBeGreaterThan(9.9);
    expect(await waitMinutes()).toBeLessThanOrEqual(10);
    await timePasses();
    await sendLetters(c, id, broken);
    // The third failure is the last: failed, kept (the cover sheet and the case are still bound), on the timeline.
    const [failed] = await letterRows(id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, next_attempt_at: null, last_error: 'Error' });
    expect(failed.failed_at).not.toBeNull();
    expect((await getCoverSheet(ctx.db, failed.follow_up_sheet))?.attachments).toEqual(TWO);
    expect((await listEvents(ctx.db, [id])).map((e) => e.type)).toContain('letter-failed');
    expect(lines.join('')).toContain('letter given up');
    expect(lines.join('')).not.toContain(person.id);
    // The sweep leaves it alone, whatever the adapter would do now.
    await runDeviationSweep(c);
    expect((await letterRows(id))[0].status).toBe('failed');

    // The administrator sees it, in words, without the person; others may not look.
    const list = await app.inject({ method: 'GET', url: '/api/admin/letters/failed', headers: await as('admin') });
    expect(list.statusCode).toBe(200);
    const mine = list.json().items.find((l: { id: number }) => l.id === Number(failed.id));
    expect(mine).toMatchObject({ documentId: id, attempts: 3, items: 2, reason: 'Brevet kunne ikke leveres til utsending etter 3 forsøk (feiltype Error). Sjekk brevtjenesten og send brevet på nytt.' });
    expect(JSON.stringify(list.json())).not.toContain(person.id);
    expect((await app.inject({ method: 'GET', url: '/api/admin/letters/failed', headers: await as('ops') })).statusCode).toBe(403);
    await runStage(ctx, 'route', { documentId: id });
    const timeline = (await app.inject({ method: 'GET', url: `/api/documents/${id}/letters`, headers: await as('sb4450') })).json();
    expect(timeline.letters[0]).toMatchObject({ status: 'failed', attempts: 3 });

    // Sent again on request: attempts start over, tried at once with the real adapter.
    const retry = await app.inject({ method: 'POST', url: `/api/admin/letters/${failed.id}/retry`, headers: await as('admin') });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ id: Number(failed.id), status: 'sent' });
    expect((await letterRows(id))[0]).toMatchObject({ status: 'sent', attempts: 1, requeued_by: 'admin', failed_at: null });
    expect((await listEvents(ctx.db, [id])).map((e) => e.type)).toEqual(expect.arrayContaining(['letter-failed', 'letter-requeued', 'letter-sent']));
    expect((await app.inject({ method: 'POST', url: `/api/admin/letters/${failed.id}/retry`, headers: await as('admin') })).statusCode).toBe(409);
  });

  it('a strictly confidential document\'s failed letter is not in the administrators\' list, and cannot be found there', async () => {
    const { sheet } = await orderCoverSheet(ctx, { tema: 'DAG', personId: PROTECTED_PERSON.id, attachments: TWO, unit: '2103' }, 'sb2103');
    const id = await identified(PROTECTED_PERSON, sheet.loepenummer, TWO);
    const c = { ...ctx, config: { ...ctx.config, LETTER_MAX_ATTEMPTS: 1 } } as Context;
    await attach(id, { ...c, store: { ...ctx.store, put: async () => { throw new Error('connect ECONNREFUSED'); } } } as Context);
    const [row] = await letterRows(id);
    expect(row.status).toBe('failed');
    const list = (await app.inject({ method: 'GET', url: '/api/admin/letters/failed?pageSize=100', headers: await as('admin') })).json();
    expect(list.items.map((l: { documentId: string }) => l.documentId)).not.toContain(id);
    const retry = await app.inject({ method: 'POST', url: `/api/admin/letters/${row.id}/retry`, headers: await as('admin') });
    expect(retry.statusCode).toBe(404);
    expect(retry.body).not.toContain(id);
    // NAV Vikafossen sees the failed state on the document itself.
    await runStage(ctx, 'route', { documentId: id });
    const own = (await app.inject({ method: 'GET', url: `/api/documents/${id}/letters`, headers: await as('sb2103') })).json();
    expect(own.letters[0]).toMatchObject({ status: 'failed' });
    // And sends it again from there, to the protected channel; no one else may.
    for (const user of ['sb4450', 'ops', 'admin']) {
      expect((await app.inject({ method: 'POST', url: `/api/documents/${id}/letters/${row.id}/retry`, headers: await as(user) })).statusCode, user).toBeGreaterThanOrEqual(403);
    }
    expect((await letterRows(id))[0].status).toBe('failed');
    const again = await app.inject({ method: 'POST', url: `/api/documents/${id}/letters/${row.id}/retry`, headers: await as('sb2103') });
    expect(again.json()).toEqual({ id: Number(row.id), status: 'sent' });
    expect((await letterRows(id))[0]).toMatchObject({ status: 'sent', channel: 'protected', requeued_by: 'sb2103' });
  });

  it('a claim the mail room resolves by hand gets its letter, to the person the operator set, as an attached one does', async () => {
    const person = people[6]!;
    // The cover sheet names nobody, and the text's id could not be read: the claim waits in the manual queue.
    const { sheet } = await orderCoverSheet(ctx, { tema: 'DAG', formNumber: 'NAV 04-01.03', attachments: TWO, language: 'nb' }, 'sb4450');
    const id = await identified(null, sheet.loepenummer, TWO);
    await attach(id);
    await runStage(ctx, 'route', { documentId: id });
    expect((await getDocument(ctx.db, id))!.status).toBe('manual');
    expect(await letterRows(id)).toEqual([]);

    const res = await app.inject({ method: 'POST', url: `/api/manual/${id}/resolve`, headers: await as('ops'), payload: { personId: person.id, tema: 'DAG', formNumber: 'NAV 04-01.03', kind: 'claim' } });
    expect(res.statusCode).toBe(200);
    const caseOf = (await getDocument(ctx.db, id))!.caseId;
    expect(caseOf).toBe(res.json().caseId);
    const rows = await letterRows(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'sent', channel: 'print', language: 'nb', items: TWO, case_id: caseOf });
    // The ettersendelse sheet is the operator's person's, bound to the case the document went to.
    expect(await getCoverSheet(ctx.db, rows[0].follow_up_sheet)).toMatchObject({ followUp: true, personId: person.id, attachments: TWO, tema: 'DAG' });
    expect((await ctx.db.query('SELECT case_id, follow_up_to FROM foersteside WHERE loepenummer = $1', [rows[0].follow_up_sheet])).rows[0]).toEqual({ case_id: caseOf, follow_up_to: id });
    expect((await ctx.db.query('SELECT attachment FROM case_missing_attachments WHERE document_id = $1 ORDER BY attachment', [id])).rows.map((r) => r.attachment)).toEqual([...TWO].sort());
    const events = (await listEvents(ctx.db, [id])).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['manual-resolved', 'letter-queued', 'letter-sent']));
    expect(await ctx.store.exists(`outbox/print/L${rows[0].id}.pdf`)).toBe(true);

    // Its follow-up, also resolved by hand, goes to that case and ticks the items off.
    const back = await identified(null, rows[0].follow_up_sheet, []);
    await attach(back);
    await runStage(ctx, 'route', { documentId: back });
    expect((await getDocument(ctx.db, back))!.status).toBe('manual');
    const r2 = await app.inject({ method: 'POST', url: `/api/manual/${back}/resolve`, headers: await as('ops'), payload: { personId: person.id, tema: 'DAG', formNumber: 'NAV 04-01.03', kind: 'attachment' } });
    expect(r2.statusCode).toBe(200);
    expect((await getDocument(ctx.db, back))!.caseId).toBe(caseOf);
    expect(await letterRows(back)).toEqual([]);
    const list = (await app.inject({ method: 'GET', url: `/api/documents/${id}/letters`, headers: await as('sb4450') })).json();
    expect(list.letters[0]).toMatchObject({ waitingFor: 0 });
  });

  it('identify judges a cover sheet\'s attachments on the full text: on the header fast path it waits for every page (no letter about an attachment that came)', async () => {
    const { sheet } = await orderCoverSheet(ctx, { tema: 'DAG', formNumber: 'NAV 04-01.03', personId: people[5]!.id, attachments: ['Bekreftelse fra arbeidsgiver', 'Arbeidsavtale'] }, 'sb4450');
    const pages = ['Førsteside', `NAV 04-01.03\nSøknad om dagpenger\nFødselsnummer: ${people[5]!.id}`, 'Arbeidsavtale\nStilling: lagerarbeider'];
    // The header path read pages 1 and 2 (page 3, the Arbeidsavtale, is still in the OCR queue) and found enough.
    const doc = { id: await splitDocument(pages, { headerOnly: true, coverSheet: sheet.loepenummer }) };
    expect(await runStage(ctx, 'identify', { documentId: doc.id })).toBe('wait');
    expect((await getDocument(ctx.db, doc.id))!.identifiedAt).toBeNull();
    for (const n of [1, 2, 3]) await saveOcr(ctx.db, doc.id, n, { text: pages[n - 1]!, confidence: 90, ms: 1 });
    await runStage(ctx, 'identify', { documentId: doc.id });
    expect((await getDocument(ctx.db, doc.id))!.classification).toMatchObject({ coverSheet: sheet.loepenummer, missingAttachments: ['Bekreftelse fra arbeidsgiver'] });
  });
});
