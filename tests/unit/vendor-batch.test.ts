import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectMediaType } from '../../pipeline/ingest/detect.ts';
import { explainXsdError, postKindFromBatchName, postKindFromXml, readValidMetadata, validateAgainstXsd } from '../../pipeline/ingest/skanningmetadata.ts';
import { readZip } from '../../pipeline/ingest/unzip.ts';
import { pairVendorEntries } from '../../pipeline/ingest/vendor-batch.ts';
import { vendorHints, vendorPageTexts } from '../../pipeline/ingest/vendor-ocr.ts';

// NAV's own files (tests/fixtures/nav/README.md has their source and licence).
const NAV = path.join(import.meta.dirname, '..', 'fixtures', 'nav');
const navFile = (...p: string[]) => readFileSync(path.join(NAV, ...p));
const pdf = Buffer.from('%PDF-1.7\n%fake');
/** NAV's valid "all fields" example (skanmotovrig xml/OVRIG-20200529-1-1.xml). */
const valid = navFile('skanmotovrig', 'xml', 'OVRIG-20200529-1-1.xml').toString('utf8');

async function pairs(zip: string, ...dir: string[]) {
  const b = await pairVendorEntries(await readZip(navFile(...dir, zip)), { batchName: zip });
  const filed = b.documents.map((d) => d.reference);
  const aside = new Map<string, string>();
  for (const s of b.setAside) if (s.reference && !aside.has(s.reference)) aside.set(s.reference, s.reason);
  return { b, filed, aside };
}
const suffixes = (refs: Iterable<string>, re: RegExp) => [...refs].map((r) => r.match(re)![1]).sort();

describe("NAV's zips, paired and validated as NAV's integration tests expect (nav-fixtures table)", () => {
  it.each([['OVRIG-20200529-1.zip', /-1-(\d)\.pdf$/], ['OVRIG.20200529-2.zip', /-2-(\d)\.pdf$/], ['OVRIG-20200529-4.zip', /-4-(\d)\.pdf$/]])('%s: -1 all fields, -2 only required, -3 empty optional filed; -4 no PDF, -5 no XML, -6 malformed set aside', async (zip, re) => {
    const { b, filed, aside } = await pairs(zip, 'skanmotovrig');
    expect(b.kind).toBe('ovrig');
    expect(suffixes(filed, re)).toEqual(['1', '2', '3']);
    expect(suffixes(aside.keys(), re)).toEqual(['4', '5', '6']);
    const reason = (n: string) => [...aside].find(([k]) => k.endsWith(`-${n}.pdf`))![1];
    expect(reason('4')).toMatch(/XML uten tilhørende PDF/);
    expect(reason('5')).toMatch(/PDF uten tilhørende XML/);
    expect(reason('6')).toMatch(/ikke velformet.*linje|linje.*ikke velformet/);
    // -2 has no filnavn (minOccurs 0) and -3 has it empty: both fine by NAV's XSD.
    const m2 = b.documents.find((d) => d.reference.endsWith('-2.pdf'))!.metadata;
    expect(m2.journalpost.filnavn).toBeUndefined();
    expect(m2.resolved?.tema).toBe('UKJ'); // NAV: unknown tema is UKJ
    const m1 = b.documents.find((d) => d.reference.endsWith('-1.pdf'))!.metadata;
    expect(m1.journalpost).toMatchObject({ land: 'DPK', tema: 'PEN', brevKode: 'Brevkode-1', journalforendeEnhet: '1234', antallSider: '1', bruker: { brukerId: '11111111111', brukertype: 'PERSON' } });
  });

  it('OVRIG-XML-ORDERED-FIRST-1.zip (XML entries first): 56 filed, -01..-03 and -07..-59; -04, -05, -06 set aside', async () => {
    const { filed, aside } = await pairs('OVRIG-XML-ORDERED-FIRST-1.zip', 'skanmotovrig');
    const want = [1, 2, 3, ...Array.from({ length: 53 }, (_, i) => i + 7)].map((n) => `OVRIG-XML-ORDERED-FIRST-1-${String(n).padStart(2, '0')}.pdf`);
    expect(filed).toEqual(want);
    expect([...aside.keys()].sort()).toEqual(['04', '05', '06'].map((n) => `OVRIG-XML-ORDERED-FIRST-1-${n}.pdf`));
  });

  it('BHELSE-20200529-1.zip: -1 (xml, pdf) and -2 (xml, pdf, ocr) filed; -3 fails the helse XSD, -4 no PDF, -5 no XML', async () => {
    const { b, filed, aside } = await pairs('BHELSE-20200529-1.zip', 'skanmothelse');
    expect(b.kind).toBe('helse');
    expect(filed).toEqual(['BHELSE-20200529-1-1.pdf', 'BHELSE-20200529-1-2.pdf']);
    expect([...aside.keys()].sort()).toEqual(['BHELSE-20200529-1-3.pdf', 'BHELSE-20200529-1-4.pdf', 'BHELSE-20200529-1-5.pdf']);
    expect(aside.get('BHELSE-20200529-1-3.pdf')).toMatch(/postboks-helse-1\.0\.0\.xsd.*strekkodePostboks har verdien «1337», som ikke er blant de tillatte verdiene \(1411\)/);
    // The .ocr sidecar stays with its pair (filed) or with what is set aside; never alone.
    const d2 = b.documents[1]!;
    expect(d2.ocr?.name).toBe('BHELSE-20200529-1-2.ocr');
    expect(b.documents[0]!.ocr).toBeUndefined();
    expect(b.setAside.filter((s) => s.name.endsWith('.ocr')).map((s) => s.name).sort()).toEqual(['BHELSE-20200529-1-3.ocr', 'BHELSE-20200529-1-4.ocr', 'BHELSE-20200529-1-5.ocr']);
    // Sick-leave post: tema and brevkode from the post box (NAV's PostboksHelseTema 1411).
    expect(d2.metadata).toMatchObject({ kind: 'helse', resolved: { tema: 'SYM', brevKode: 'NAV 08-07.04', brukerId: '22222222222' } });
    expect(d2.metadata.journalpost.bruker).toEqual({ brukerId: '22222222222', brukertype: 'PERSON' });
  });

  it('09.06.2020_R123456789_1_1000.zip: 0001 and 0002 filed; 0003 (no reference number) fails the XSD, 0004 no XML, 0005 no PDF', async () => {
    const { b, filed, aside } = await pairs('09.06.2020_R123456789_1_1000.zip', 'skanmotreferansenr');
    expect(b.kind).toBe('referansenummer');
    expect(filed).toEqual(['09.06.2020_R123456789_0001.pdf', '09.06.2020_R123456789_0002.pdf']);
    expect(b.documents.map((d) => d.metadata.journalpost.referansenummer)).toEqual(['11111111111111', '22222222222222']);
    expect([...aside.keys()].sort()).toEqual(['0003', '0004', '0005'].map((n) => `09.06.2020_R123456789_${n}.pdf`));
    expect(aside.get('09.06.2020_R123456789_0003.pdf')).toMatch(/referansenummer .*riktig form/);
  });

  it('09.06.2020_R123456783_3_1000.zip: both pairs filed from the sub-folder', async () => {
    const { b, filed, aside } = await pairs('09.06.2020_R123456783_3_1000.zip', 'skanmotreferansenr');
    expect(filed).toEqual(['09.06.2020_R123456783_0001.pdf', '09.06.2020_R123456783_0002.pdf']);
    expect(b.documents[0]!.pdfName).toBe('09.06.2020_R123456783_3_1000/09.06.2020_R123456783_0001.pdf');
    expect(aside.size).toBe(0);
  });

  it("NAV's unit-test XMLs: all-empty (-3), misspelt (-5) and broken helse (-3, -4, -6, -7) refused, the others pass", async () => {
    const ovrig = [1, 2, 3, 4, 5].map((n) => navFile('skanmotovrig', 'xml', `OVRIG-20200529-1-${n}.xml`));
    expect((await validateAgainstXsd('ovrig', ovrig)).map((r) => r === null)).toEqual([true, true, false, true, false]);
    const helse = [1, 2, 3, 4, 5, 6, 7].map((n) => navFile('skanmothelse', 'xml', `BHELSE-20200529-1-${n}.xml`));
    const h = await validateAgainstXsd('helse', helse);
    expect(h.map((r) => r === null)).toEqual([true, true, false, false, true, false, false]);
    expect(h[2]!.join("; ")).toMatch(/filnavn er ikke tillatt der det står \(forventet: mottakskanal\)/);
  });
});

describe('skanningmetadata validated exactly as NAV\'s XSD says', () => {
  // Each copy of a valid XML is broken in one way NAV's postboks-ovrig-3.0.0.xsd forbids.
  const broken: Array<[string, string, RegExp]> = [
    ['mottakskanal not SKAN_IM', valid.replace('<mottakskanal>SKAN_IM<', '<mottakskanal>SKAN<'), /mottakskanal må være «SKAN_IM», ikke «SKAN»/],
    ['no skanningInfo', valid.replace(/<skanningInfo>[\s\S]*<\/skanningInfo>/, ''), /skanningInfo/],
    ['strekkodePostboks outside its values', valid.replace('<strekkodePostboks>1406<', '<strekkodePostboks>9999<'), /strekkodePostboks har verdien «9999», som ikke er blant de tillatte/],
    ['brukertype FOO', valid.replace('<brukertype>PERSON<', '<brukertype>FOO<'), /brukertype har verdien «FOO»/],
    ['datoMottatt 2020-02-31', valid.replace('2020-02-22', '2020-02-31'), /datoMottatt er «2020-02-31», som ikke er en gyldig dato/],
    ['tema "pensjon"', valid.replace('<tema>PEN<', '<tema>pensjon<'), /tema har verdien «pensjon», som ikke har riktig form/],
    ['brukerId with letters', valid.replace('11111111111', '1111111111X'), /brukerId har verdien «1111…»/],
    ['an element the XSD does not know', valid.replace('<land>', '<kanal>x</kanal><land>'), /kanal er ikke tillatt/],
    ['journalpost out of order', valid.replace(/(<tema>PEN<\/tema>)([\s\S]*?)(<mottakskanal>SKAN_IM<\/mottakskanal>)/, '$3$2$1'), /ikke tillatt|mangler/],
  ];
  it.each(broken)('refuses %s, saying why', async (_what, xml, reason) => {
    const [r] = await validateAgainstXsd('ovrig', [Buffer.from(xml)]);
    expect(r).not.toBeNull();
    expect(r!.join('; ')).toMatch(reason);
    expect(r!.join('; ')).not.toContain('11111111111'); // ids masked in reasons
  });

  it('accepts the valid original, and what the XSD leaves optional (no filnavn, empty antallSider, no bruker)', async () => {
    const variants = [
      valid,
      valid.replace(/<filnavn>.*<\/filnavn>/, ''),
      valid.replace('<antallSider>1</antallSider>', '<antallSider></antallSider>'),
      valid.replace(/<bruker>[\s\S]*?<\/bruker>/, ''),
      valid.replace('<fysiskPostboks>1406</fysiskPostboks>', ''),
    ];
    expect(await validateAgainstXsd('ovrig', variants.map((v) => Buffer.from(v)))).toEqual(variants.map(() => null));
  });

  it('refuses per pair what the XSD allows but nobody should send: a 9 000-character filnavn, control characters', async () => {
    const long = valid.replace('OVRIG-20200529-1-1.pdf</filnavn>', `${'x'.repeat(9000)}.pdf</filnavn>`);
    const r = readValidMetadata('ovrig', Buffer.from(long));
    expect('problems' in r && r.problems.join()).toMatch(/filnavn er 9004 tegn lang, høyst 255/);
    const bidi = readValidMetadata('ovrig', Buffer.from(valid.replace('endorser-1', 'endorser\u202E1')));
    expect('problems' in bidi && bidi.problems.join()).toMatch(/endorsernr inneholder kontrolltegn/);

    const b = await pairVendorEntries([
      { name: 'OVRIG-1-1.pdf', data: pdf }, { name: 'OVRIG-1-1.xml', data: Buffer.from(long) },
      { name: 'OVRIG-1-2.pdf', data: pdf }, { name: 'OVRIG-1-2.xml', data: Buffer.from(valid) },
      { name: `${'y'.repeat(9000)}.pdf`, data: pdf },
    ], { batchName: 'OVRIG-1.zip' });
    expect(b.documents.map((d) => d.reference)).toEqual(['OVRIG-1-2.pdf']);
    expect(b.setAside.map((s) => s.reason)).toEqual([
      expect.stringMatching(/filnavnet er 9004 tegn langt/),
      expect.stringMatching(/filnavn er 9004 tegn lang/), expect.stringMatching(/filnavn er 9004 tegn lang/),
    ]);
    expect(b.setAside[0]!.name.length).toBeLessThan(140);
  });

  it('one hostile XML (entity expansion) does not cost the rest of the batch', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]><skanningmetadata>&j;</skanningmetadata>`;
    const r = await validateAgainstXsd('ovrig', [Buffer.from(valid), Buffer.from(bomb), Buffer.from(valid)]);
    expect(r[0]).toBeNull();
    expect(r[1]).not.toBeNull();
    expect(r[2]).toBeNull();
  });

  it('tells the kind of post from the batch name, else from the XML under the root', () => {
    expect(postKindFromBatchName('OVRIG-20200529-1.zip')).toBe('ovrig');
    expect(postKindFromBatchName('OVRIG.20200529-2.zip')).toBe('ovrig');
    expect(postKindFromBatchName('BHELSE-20200529-1.zip')).toBe('helse');
    expect(postKindFromBatchName('09.06.2020_R123456789_1_1000.zip')).toBe('referansenummer');
    expect(postKindFromBatchName('BATCH_20261120_001.zip')).toBeNull();
    expect(postKindFromXml(navFile('skanmothelse', 'xml', 'BHELSE-20200529-1-1.xml'))).toBe('helse');
    expect(postKindFromXml(Buffer.from(valid))).toBe('ovrig');
    expect(postKindFromXml(Buffer.from('<skanningmetadata><journalpost><referansenummer>1</referansenummer></journalpost></skanningmetadata>'))).toBe('referansenummer');
  });

  it('explains libxml2 in words', () => {
    expect(explainXsdError("Element 'skanningmetadata': Missing child element(s). Expected is ( skanningInfo ).")).toBe('skanningmetadata mangler påkrevd felt: skanningInfo');
    expect(explainXsdError("Schemas validity error : Element 'land': This element is not expected.")).toBe('land er ikke tillatt der det står');
  });
});

describe('pairing', () => {
  it('refuses unsafe paths and keeps stray files apart, with reasons', async () => {
    const b = await pairVendorEntries([
      { name: '../evil.pdf', data: pdf }, { name: 'a/../../x.xml', data: pdf }, { name: 'C:/win.pdf', data: pdf },
      { name: 'OVRIG-1-1.pdf', data: Buffer.from('not a pdf') }, { name: 'OVRIG-1-1.xml', data: Buffer.from(valid) },
      { name: 'Thumbs.db', data: pdf },
    ], { batchName: 'OVRIG-1.zip' });
    expect(b.documents).toEqual([]);
    const reasons = Object.fromEntries(b.setAside.map((s) => [s.name, s.reason]));
    expect(reasons['../evil.pdf']).toMatch(/usikker filsti/);
    expect(reasons['a/../../x.xml']).toMatch(/usikker filsti/);
    expect(reasons['C:/win.pdf']).toMatch(/usikker filsti/);
    expect(reasons['OVRIG-1-1.pdf']).toMatch(/ikke en PDF/);
    expect(reasons['Thumbs.db']).toMatch(/hører ikke til et par/);
  });
});

describe("the vendor's metadata and .ocr text in identification", () => {
  it('gives the settled tema (never UKJ), brevkode and user', () => {
    const m = { kind: 'helse', journalpost: { mottakskanal: 'SKAN_IM', datoMottatt: '2020-06-04', batchnavn: 'B' }, skanningInfo: { strekkodePostboks: '1411' }, resolved: { tema: 'SYM', brevKode: 'NAV 08-07.04', brukerId: '22222222222' } } as const;
    expect(vendorHints(m)).toEqual({ tema: 'SYM', brevKode: 'NAV 08-07.04', brukerId: '22222222222' });
    expect(vendorHints({ ...m, resolved: { tema: 'UKJ' } })?.tema).toBeUndefined();
  });
  it('uses the .ocr text where our OCR read nothing, and keeps ours otherwise', () => {
    const meta = { kind: 'helse', journalpost: { mottakskanal: 'SKAN_IM', datoMottatt: '2020-06-04', batchnavn: 'B' }, skanningInfo: { strekkodePostboks: '1411' }, vendorOcrText: 'Sykmelding for 22222222222' } as const;
    expect(vendorPageTexts(['', ''], meta)).toEqual({ texts: ['Sykmelding for 22222222222', ''], usedVendorOcr: true });
    expect(vendorPageTexts(['Legeerklæring ved arbeidsuførhet, side 1'], meta).usedVendorOcr).toBe(false);
  });
});

describe('media type detection', () => {
  it.each([
    ['%PDF-1.4', 'application/pdf'], ['\x89PNG\r\n', 'image/png'], ['\xff\xd8\xff\xe0', 'image/jpeg'],
    ['II*\0', 'image/tiff'], ['MM\0*', 'image/tiff'], ['PK\x03\x04', 'application/zip'], ['<?xml ', 'application/xml'], ['hello', null],
  ])('%j', (head, want) => {
    expect(detectMediaType(Buffer.from(head, 'latin1'))).toBe(want);
  });
});
