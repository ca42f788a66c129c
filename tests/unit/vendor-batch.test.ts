import { describe, expect, it } from 'vitest';
import { detectMediaType } from '../../pipeline/ingest/detect.ts';
import { pairVendorEntries, parseSkanningMetadata } from '../../pipeline/ingest/vendor-batch.ts';

const xml = (file = 'DOK_1.pdf', extra = '') => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<skanningmetadata><journalpost>
  <bruker><brukerId>12848512301</brukerId><brukertype>PERSON</brukertype></bruker>
  <tema>DAG</tema><brevKode>NAV 04-01.03</brevKode><mottakskanal>SKAN_IM</mottakskanal>
  <datoMottatt>2026-11-20</datoMottatt><batchnavn>BATCH_1</batchnavn><filnavn>${file}</filnavn>
  <endorsernr>3380</endorsernr><antallSider>2</antallSider>${extra}
</journalpost><skanningInfo><fysiskPostboks>1400</fysiskPostboks><strekkodePostboks>1400</strekkodePostboks></skanningInfo></skanningmetadata>`);
const pdf = Buffer.from('%PDF-1.7\n%fake');

describe('skanningmetadata', () => {
  it('parses every field', () => {
    const m = parseSkanningMetadata(xml());
    expect(m.journalpost).toMatchObject({ tema: 'DAG', brevKode: 'NAV 04-01.03', batchnavn: 'BATCH_1', antallSider: 2, bruker: { brukerId: '12848512301' } });
    expect(m.skanningInfo?.fysiskPostboks).toBe('1400');
  });
  it('says where XML is broken', () => {
    expect(() => parseSkanningMetadata(Buffer.from('<skanningmetadata><journalpost>'))).toThrow(/not well-formed/);
  });
  it('says which field is missing or wrong', () => {
    expect(() => parseSkanningMetadata(Buffer.from('<skanningmetadata><journalpost><filnavn>a.pdf</filnavn></journalpost></skanningmetadata>'))).toThrow(/mottakskanal/);
    expect(() => parseSkanningMetadata(xml('a.pdf').toString().replace('2026-11-20', '20.11.2026') as unknown as Buffer)).toThrow();
  });
});

describe('pairing a vendor zip', () => {
  it('pairs PDF and XML by base name and sets aside the rest with reasons', () => {
    const r = pairVendorEntries([
      { name: 'DOK_1.pdf', data: pdf }, { name: 'DOK_1.xml', data: xml() },
      { name: 'DOK_2.pdf', data: pdf },
      { name: 'DOK_3.xml', data: xml('DOK_3.pdf') },
      { name: 'DOK_4.pdf', data: pdf }, { name: 'DOK_4.xml', data: Buffer.from('<skanningmetadata><oops></skanningmetadata>') },
      { name: 'DOK_5.pdf', data: Buffer.from('not a pdf') }, { name: 'DOK_5.xml', data: xml('DOK_5.pdf') },
    ]);
    expect(r.documents.map((d) => d.baseName)).toEqual(['DOK_1']);
    const reasons = Object.fromEntries(r.setAside.map((s) => [s.name, s.reason]));
    expect(reasons['DOK_2.pdf']).toMatch(/without its XML/);
    expect(reasons['DOK_3.xml']).toMatch(/without its PDF/);
    expect(reasons['DOK_4.xml']).toMatch(/not well-formed/);
    expect(reasons['DOK_5.pdf']).toMatch(/not a PDF/);
  });
  it('refuses path traversal names', () => {
    expect(pairVendorEntries([{ name: '../evil.pdf', data: pdf }]).setAside[0]?.reason).toMatch(/unsafe/);
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
