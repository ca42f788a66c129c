import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokens } from '../../api/auth/tokens.ts';
import { buildApi } from '../../api/server.ts';
import { createContext, type Context } from '../../app/context.ts';
import { ingest, type IngestReport } from '../../services/ingest.service.ts';
import { listEvents } from '../../storage/repositories/events.repository.ts';
import { closeTestContext, testConfig } from '../helpers/services.ts';

// NAV's own files (tests/fixtures/nav/README.md): what NAV's integration tests expect of each
// zip, as filed documents (journalposter) and pairs set aside ("error folder"), through the real
// ingest, PostgreSQL and object store. No workers run: this is about what comes in.
const NAV = path.join(import.meta.dirname, '..', 'fixtures', 'nav');
const file = (...p: string[]) => ({ name: p[p.length - 1]!, data: readFileSync(path.join(NAV, ...p)) });
const KEY = path.join(NAV, 'skanmotovrig', 'pgp', 'privateKeyRSA.gpg');
const secret = randomBytes(24).toString('hex');

let ctx: Context;
let app: FastifyInstance;
let tokens: Tokens;

beforeAll(async () => {
  const config = testConfig({ PGP_PRIVATE_KEY_FILE: KEY, PGP_PASSPHRASE: 'Test321', AUTH_DEV_SECRET: secret });
  ctx = await createContext(config, 'nav-fixtures-test');
  tokens = new Tokens(config);
  app = buildApi(ctx, { tokens });
  await app.ready();
  // The cover sheet NAV's look-up stub answers for 11111111111111 (__files/foersteside/foersteside_HAPPY.json).
  const happy = JSON.parse(readFileSync(path.join(NAV, 'skanmotreferansenr', '__files', 'foersteside', 'foersteside_HAPPY.json'), 'utf8'));
  await ctx.db.query(
    `INSERT INTO foersteside (loepenummer, tema, form_number, follow_up, title, person_id, attachments, unit, language, created_by)
     VALUES ('11111111111111', $1, $2, false, $3, NULL, $4, NULL, 'nb', 'test')`,
    // Its enhetsnummer 9999 is a test value no unit has; its bruker is left out (not in our register).
    [happy.tema, happy.navSkjemaId, happy.arkivtittel, JSON.stringify(happy.vedleggsliste)],
  );
}, 60_000);
afterAll(async () => {
  await app?.close();
  await closeTestContext(ctx);
});

const filedRefs = async (batchId: string) =>
  (await ctx.db.query('SELECT external_ref FROM documents WHERE batch_id = $1 ORDER BY external_ref', [batchId])).rows.map((r) => r.external_ref as string);
const asideRefs = async (batchId: string) =>
  (await ctx.db.query('SELECT DISTINCT external_ref FROM set_aside WHERE batch_id = $1 AND external_ref IS NOT NULL ORDER BY 1', [batchId])).rows.map((r) => r.external_ref as string);
const tail = (refs: string[]) => refs.map((r) => r.replace(/^.*[-_](\d+)\.pdf$/, '$1'));

describe("NAV's zips through ingest, as NAV's integration tests expect", () => {
  it.each([
    ['OVRIG-20200529-1.zip'], ['OVRIG.20200529-2.zip'],
  ])('%s: -1, -2, -3 filed; -4, -5, -6 set aside', async (zip) => {
    const r = await ingest(ctx, [file('skanmotovrig', zip)], { batchName: zip, source: 'test' });
    expect(tail(await filedRefs(r.batchId))).toEqual(['1', '2', '3']);
    expect(tail(await asideRefs(r.batchId))).toEqual(['4', '5', '6']);
    expect(r.duplicates).toEqual([]);
    // land is kept (NAV maps it to avsenderMottaker.land).
    const { rows } = await ctx.db.query(`SELECT vendor_metadata FROM documents WHERE batch_id = $1 AND external_ref LIKE '%-1.pdf'`, [r.batchId]);
    expect(rows[0].vendor_metadata.journalpost.land).toBe('DPK');
    expect(rows[0].vendor_metadata.files.xml).toMatch(/^originals\//);
  });

  let ordered: IngestReport;
  it('OVRIG-XML-ORDERED-FIRST-1.zip: 56 documents from one placeholder PDF, -04, -05, -06 set aside', async () => {
    ordered = await ingest(ctx, [file('skanmotovrig', 'OVRIG-XML-ORDERED-FIRST-1.zip')], { batchName: 'ordered', source: 'test' });
    expect(ordered.documents).toHaveLength(56);
    expect(tail(await asideRefs(ordered.batchId))).toEqual(['04', '05', '06']);
    // Same bytes under 56 references: 56 journalposter sharing one stored original.
    const { rows } = await ctx.db.query('SELECT count(DISTINCT original_key)::int AS keys, count(DISTINCT sha256)::int AS hashes FROM documents WHERE batch_id = $1', [ordered.batchId]);
    expect(rows[0]).toEqual({ keys: 1, hashes: 1 });
  });

  it('the same references again are duplicates, with the second delivery\'s metadata kept on the event', async () => {
    const again = await ingest(ctx, [file('skanmotovrig', 'OVRIG-XML-ORDERED-FIRST-1.zip')], { batchName: 'ordered again', source: 'test' });
    expect(again.documents).toEqual([]);
    expect(again.duplicates).toHaveLength(56);
    const first = ordered.documents[0]!;
    const dup = again.duplicates.find((d) => d.existingDocumentId === first.documentId)!;
    expect(dup.file).toBe(first.file);
    const events = (await listEvents(ctx.db, [first.documentId])).filter((e) => e.type === 'duplicate-received');
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ externalRef: 'OVRIG-XML-ORDERED-FIRST-1-01.pdf', sameBytes: true, metadata: { kind: 'ovrig', journalpost: { batchnavn: 'OVRIG-XML-ORDERED-FIRST-1' } } });
  });

  it('BHELSE-20200529-1.zip: -1, -2 (with .ocr) filed as sick-leave post; -3, -4, -5 set aside', async () => {
    const r = await ingest(ctx, [file('skanmothelse', 'BHELSE-20200529-1.zip')], { batchName: 'helse', source: 'test' });
    expect(tail(await filedRefs(r.batchId))).toEqual(['1', '2']);
    expect(tail(await asideRefs(r.batchId))).toEqual(['3', '4', '5']);
    const { rows } = await ctx.db.query(`SELECT external_ref, vendor_metadata AS m FROM documents WHERE batch_id = $1 ORDER BY 1`, [r.batchId]);
    expect(rows[1].m).toMatchObject({ kind: 'helse', resolved: { tema: 'SYM', brevKode: 'NAV 08-07.04' }, files: { ocr: expect.stringMatching(/^originals\//) } });
    expect(rows[0].m.files.ocr).toBeUndefined();
    // Nothing of a refused pair is lost: its .ocr is kept with the reason.
    const ocr = await ctx.db.query(`SELECT reason, object_key FROM set_aside WHERE batch_id = $1 AND name LIKE '%-3.ocr'`, [r.batchId]);
    expect(ocr.rows[0].reason).toMatch(/postboks-helse-1\.0\.0\.xsd/);
    expect(await ctx.store.get(ocr.rows[0].object_key)).toBeInstanceOf(Buffer);
  });

  it('09.06.2020_R123456789_1_1000.zip: 0001 filed with the cover sheet\'s metadata, 0002 filed with tema UKJ (not found); 0003, 0004, 0005 set aside', async () => {
    const r = await ingest(ctx, [file('skanmotreferansenr', '09.06.2020_R123456789_1_1000.zip')], { batchName: 'ref', source: 'test' });
    expect(tail(await filedRefs(r.batchId))).toEqual(['0001', '0002']);
    expect(tail(await asideRefs(r.batchId))).toEqual(['0003', '0004', '0005']);
    const { rows } = await ctx.db.query(`SELECT vendor_metadata AS m FROM documents WHERE batch_id = $1 ORDER BY external_ref`, [r.batchId]);
    expect(rows[0].m.resolved).toEqual({ tema: 'AAP', brevKode: 'VANL', tittel: 'Brev', foerstesideFound: true });
    expect(rows[1].m.resolved).toEqual({ tema: 'UKJ', foerstesideFound: false });
  });

  it('09.06.2020_R123456783_3_1000.zip: both pairs filed from the sub-folder', async () => {
    const r = await ingest(ctx, [file('skanmotreferansenr', '09.06.2020_R123456783_3_1000.zip')], { batchName: 'ref3', source: 'test' });
    expect(await filedRefs(r.batchId)).toEqual(['09.06.2020_R123456783_0001.pdf', '09.06.2020_R123456783_0002.pdf']);
    expect(r.setAside).toEqual([]);
  });
});

describe('PGP-encrypted batches', () => {
  it('decrypts .zip.pgp with the configured key, files its pairs and keeps the encrypted original', async () => {
    const enc = file('skanmotovrig', 'OVRIG-20200529-4.zip.pgp');
    const r = await ingest(ctx, [enc], { batchName: 'pgp', source: 'test' });
    expect(tail(await filedRefs(r.batchId))).toEqual(['1', '2', '3']);
    expect(r.documents[0]!.file).toMatch(/^OVRIG-20200529-4\.zip:OVRIG-20200529-4-1\.pdf$/);
    const { rows } = await ctx.db.query('SELECT name, encrypted, object_key, decrypted_sha256 FROM received_files WHERE batch_id = $1', [r.batchId]);
    expect(rows).toEqual([expect.objectContaining({ name: 'OVRIG-20200529-4.zip.pgp', encrypted: true, decrypted_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    expect((await ctx.store.get(rows[0].object_key)).equals(enc.data)).toBe(true);
  });

  it('BHELSE-20200529-1.zip.pgp decrypts, but to a tar file: set aside saying so, the encrypted file kept', async () => {
    const r = await ingest(ctx, [file('skanmothelse', 'BHELSE-20200529-1.zip.pgp')], { batchName: 'pgp helse', source: 'test' });
    expect(r.setAside).toEqual([{ file: 'BHELSE-20200529-1.zip.pgp', reason: expect.stringMatching(/innholdet er en tar-fil, ikke en zip/) }]);
    const { rows } = await ctx.db.query('SELECT encrypted, decrypted_sha256 FROM received_files WHERE batch_id = $1', [r.batchId]);
    expect(rows).toEqual([{ encrypted: true, decrypted_sha256: expect.any(String) }]);
  });

  it('refuses a batch encrypted for another key, saying which key, and keeps it', async () => {
    const r = await ingest(ctx, [file('skanmotovrig', 'OVRIG-XML-ORDERED-FIRST-1_WRONG_PRIVATE_KEY.zip.pgp')], { batchName: 'wrong key', source: 'test' });
    expect(r.documents).toEqual([]);
    expect(r.setAside).toEqual([{ file: 'OVRIG-XML-ORDERED-FIRST-1_WRONG_PRIVATE_KEY.zip.pgp', reason: expect.stringMatching(/kan ikke dekrypteres: kryptert for en annen nøkkel \(C4611A09FA30FEB4\)/) }]);
    const { rows } = await ctx.db.query('SELECT encrypted FROM received_files WHERE batch_id = $1', [r.batchId]);
    expect(rows).toEqual([{ encrypted: true }]);
  });

  it('says so when no key is configured', async () => {
    const r = await ingest({ ...ctx, config: { ...ctx.config, PGP_PRIVATE_KEY_FILE: undefined } }, [file('skanmotovrig', 'OVRIG-20200529-4.zip.pgp')], { batchName: 'no key', source: 'test' });
    expect(r.setAside[0]?.reason).toMatch(/ingen privat nøkkel er satt opp/);
  });
});

function zip(entries: Array<[string, Buffer]>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, data] of entries) z.addBuffer(data, name);
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

describe('hostile values are refused per pair, never per batch', () => {
  it('a 9 000-character filnavn sets that pair aside; the API answers 201 and files the rest', async () => {
    const valid = readFileSync(path.join(NAV, 'skanmotovrig', 'xml', 'OVRIG-20200529-1-1.xml'), 'utf8');
    const placeholder = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF');
    const body = await zip([
      ['OVRIG-99-1.pdf', placeholder], ['OVRIG-99-1.xml', Buffer.from(valid.replace('OVRIG-20200529-1-1.pdf', 'x'.repeat(9000)))],
      ['OVRIG-99-2.pdf', placeholder], ['OVRIG-99-2.xml', Buffer.from(valid.replace('OVRIG-20200529-1-1.pdf', 'OVRIG-99-2.pdf'))],
      [`OVRIG-99-${'z'.repeat(9000)}.pdf`, placeholder],
    ]);
    const res = await app.inject({
      method: 'POST', url: '/api/ingest?filename=OVRIG-99.zip', payload: body,
      headers: { authorization: `Bearer ${(await tokens.signDev('ops')).token}`, 'content-type': 'application/octet-stream' },
    });
    expect(res.statusCode).toBe(201);
    const report = res.json() as IngestReport;
    expect(report.documents.map((d) => d.file)).toEqual(['OVRIG-99.zip:OVRIG-99-2.pdf']);
    expect(report.setAside.map((s) => s.reason)).toEqual([
      expect.stringMatching(/filnavnet er 9013 tegn langt/),
      expect.stringMatching(/filnavn er 9000 tegn lang, høyst 255/), expect.stringMatching(/filnavn er 9000 tegn lang/),
    ]);
  });
});
