import { describe, it, expect } from 'vitest';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import yauzl from 'yauzl';
import { rng } from '../../fixtures/random.ts';
import { renderPage, a4Pixels, type PageContent } from '../../fixtures/render-page.ts';
import { claimPages, type ClaimSpec } from '../../fixtures/claim-content.ts';
import { toPdf, toMultipageTiff, toPng, toJpeg } from '../../fixtures/documents.ts';
import { buildVendorZip, vendorMetadataXml } from '../../fixtures/vendor-zip.ts';
import { generateSampleBatch } from '../../fixtures/sample-batch.ts';
import { personRegister } from '../../storage/seed/person-register.ts';

const DPI = 72; // small pages keep the suite fast; the arithmetic is the same at 200 dpi
const person = personRegister()[5]!;
const childId = personRegister(61)[60]!.id;

const spec = (over: Partial<ClaimSpec> = {}): ClaimSpec => ({
  formNumber: 'NAV 04-01.03',
  title: 'Søknad om dagpenger (ikke permittert)',
  tema: 'DAG',
  person,
  kind: 'claim',
  seed: 7,
  ...over,
});

const allText = (pages: PageContent[]) => pages.flatMap((p) => p.lines.map((l) => l.text)).join('\n');

async function zipEntries(buf: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(buf, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const c of await zip.openReadStreamPromise(entry)) chunks.push(c as Buffer);
    out.set(entry.fileName, Buffer.concat(chunks));
  }
  return out;
}

describe('random', () => {
  it('is deterministic per seed and keeps int() inclusive', () => {
    const a = rng(42);
    const b = rng(42);
    const xs = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(xs);
    expect(rng(43).next()).not.toBe(xs[0]);
    const r = rng(1);
    const ints = new Set(Array.from({ length: 500 }, () => r.int(1, 3)));
    expect([...ints].sort()).toEqual([1, 2, 3]);
    expect(r.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('renderPage', () => {
  const content: PageContent = { lines: [{ text: 'NAV 04-01.03 <&> "æøå"', bold: true }, { text: 'Fødselsnummer: 12345678901' }] };

  it('renders a greyscale A4 page with the DPI recorded, byte-identical for the same seed', async () => {
    const opts = { dpi: DPI, skewDeg: 2, noise: 0.02, blur: 0.6, jpegQuality: 60, seed: 3 };
    const a = await renderPage(content, opts);
    const b = await renderPage(content, opts);
    expect(a.data.equals(b.data)).toBe(true);
    expect((await renderPage(content, { ...opts, seed: 4 })).data.equals(a.data)).toBe(false);
    expect(a.format).toBe('jpeg');
    expect({ width: a.width, height: a.height }).toEqual(a4Pixels(DPI));
    const meta = await sharp(a.data).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: a.width, height: a.height, density: DPI, channels: 1 });
  });

  it('swaps width and height for 90° rotation and defaults to PNG', async () => {
    const p = await renderPage(content, { dpi: DPI, rotate: 90 });
    expect(p.format).toBe('png');
    expect([p.width, p.height]).toEqual([a4Pixels(DPI).height, a4Pixels(DPI).width]);
    expect(await sharp(p.data).metadata()).toMatchObject({ format: 'png', width: p.width, height: p.height, density: DPI });
  });

  it('puts ink on content pages but not on clean blank ones', async () => {
    const dark = async (buf: Buffer) => (await sharp(buf).stats()).channels[0]!.min;
    expect(await dark((await renderPage(content, { dpi: DPI })).data)).toBeLessThan(60);
    expect(await dark((await renderPage(content, { dpi: DPI, blank: true })).data)).toBe(255);
  });

  it('refuses content that runs off the page', async () => {
    const lines = Array.from({ length: 80 }, (_, i) => ({ text: `linje ${i}` }));
    await expect(renderPage({ lines }, { dpi: DPI })).rejects.toThrow(/overflows/);
  });
});

describe('claimPages', () => {
  it('is deterministic and carries the form number, id and extra ids', () => {
    const s = spec({ pages: 3, otherIds: [childId] });
    const pages = claimPages(s);
    expect(pages).toHaveLength(3);
    expect(claimPages(s)).toEqual(pages);
    const first = allText([pages[0]!]);
    expect(first).toContain('NAV 04-01.03');
    expect(first).toContain('Søknad om dagpenger');
    expect(first.replace(/(\d{6}) (\d{5})/, '$1$2')).toContain(person.id);
    expect(first).toContain('Dato og underskrift');
    const childLine = pages[0]!.lines.find((l) => l.text.includes(childId))!;
    expect(childLine.text).not.toMatch(/Fødselsnummer/);
  });

  it('varies with the seed', () => {
    expect(claimPages(spec({ seed: 1 }))).not.toEqual(claimPages(spec({ seed: 2 })));
  });

  it('writes a letter when there is no form number, and an ettersendelse for NAVe', () => {
    const letter = allText(claimPages(spec({ formNumber: null, kind: 'complaint' })));
    expect(letter).toContain('Til NAV');
    expect(letter).toMatch(/Klage på vedtak om dagpenger/);
    expect(letter).not.toMatch(/NAV \d\d-/);
    const nave = claimPages(spec({ formNumber: 'NAVe 04-01.03', kind: 'follow-up', pages: 2 }));
    expect(allText([nave[0]!])).toMatch(/NAVe 04-01\.03[\s\S]*Ettersendelse/);
  });

  it('renders every kind without overflowing the page', async () => {
    const kinds: ClaimSpec['kind'][] = ['claim', 'attachment', 'follow-up', 'complaint', 'report-card', 'other'];
    for (const [i, kind] of kinds.entries()) {
      for (const formNumber of ['NAV 04-01.03', null]) {
        for (const page of claimPages(spec({ kind, formNumber, pages: 2, seed: i, otherIds: [childId] }))) {
          await renderPage(page, { dpi: 36 });
        }
      }
    }
  });
});

describe('documents', () => {
  const pagesP = (async () => {
    const c = claimPages(spec({ pages: 3 }));
    return [
      await renderPage(c[0]!, { dpi: DPI }),
      await renderPage(c[1]!, { dpi: DPI, noise: 0.02, jpegQuality: 60, skewDeg: -2, seed: 1 }),
      await renderPage(c[2]!, { dpi: 100, rotate: 90 }),
    ];
  })();

  it('PDF: one page per image, page size in points recovers the pixels at the recorded dpi', async () => {
    const pages = await pagesP;
    const pdf = await toPdf(pages);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await toPdf(pages)).equals(pdf)).toBe(true);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(3);
    doc.getPages().forEach((pg, i) => {
      const { width, height } = pg.getSize();
      expect(Math.round((width * pages[i]!.dpi) / 72)).toBe(pages[i]!.width);
      expect(Math.round((height * pages[i]!.dpi) / 72)).toBe(pages[i]!.height);
    });
  });

  it('TIFF: multi-page, readable by sharp, in LZW and CCITT G4', async () => {
    const pages = (await pagesP).slice(0, 2);
    for (const compression of ['lzw', 'ccittfax4'] as const) {
      const tif = await toMultipageTiff(pages, { compression });
      const meta = await sharp(tif, { pages: -1 }).metadata();
      expect(meta).toMatchObject({ format: 'tiff', pages: 2, pageHeight: pages[0]!.height, width: pages[0]!.width, density: DPI });
      expect((await toMultipageTiff(pages, { compression })).equals(tif)).toBe(true);
    }
  });

  it('PNG/JPEG single pages keep the dpi', async () => {
    const [png, jpg] = await pagesP;
    expect(await sharp(await toJpeg(png!)).metadata()).toMatchObject({ format: 'jpeg', density: DPI });
    expect(await sharp(await toPng(jpg!)).metadata()).toMatchObject({ format: 'png', density: DPI });
  });
});

describe('vendor zip', () => {
  it('writes the metadata XML, omitting unknown optional fields', () => {
    const minimal = vendorMetadataXml({ filnavn: 'DOK_0001.pdf', batchnavn: 'BATCH_20261120_001', datoMottatt: '2026-11-20', mottakskanal: 'SKAN_IM', antallSider: 2 });
    expect(minimal).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<skanningmetadata>/);
    for (const f of ['<filnavn>DOK_0001.pdf</filnavn>', '<batchnavn>BATCH_20261120_001</batchnavn>', '<datoMottatt>2026-11-20</datoMottatt>', '<mottakskanal>SKAN_IM</mottakskanal>', '<antallSider>2</antallSider>']) {
      expect(minimal).toContain(f);
    }
    for (const f of ['bruker', 'tema', 'brevKode', 'fysiskPostboks', 'endorsernr']) expect(minimal).not.toContain(`<${f}>`);
    // NAV's XSD requires skanningInfo/strekkodePostboks: a post box for other post by default.
    expect(minimal).toContain('<strekkodePostboks>1406</strekkodePostboks>');

    const full = vendorMetadataXml({
      filnavn: 'DOK_0001.pdf', batchnavn: 'B', datoMottatt: '2026-11-20', mottakskanal: 'SKAN_IM', antallSider: 1,
      brukerId: '12345678901', tema: 'DAG', brevKode: 'NAV 04-01.03', journalforendeEnhet: '4450', endorsernr: '3380',
      fysiskPostboks: '1400', strekkodePostboks: '1400',
    });
    expect(full).toContain('<bruker><brukerId>12345678901</brukerId><brukertype>PERSON</brukertype></bruker>');
    for (const f of ['<tema>DAG</tema>', '<brevKode>NAV 04-01.03</brevKode>', '<journalforendeEnhet>4450</journalforendeEnhet>', '<endorsernr>3380</endorsernr>', '<fysiskPostboks>1400</fysiskPostboks>', '<strekkodePostboks>1400</strekkodePostboks>']) {
      expect(full).toContain(f);
    }
  });

  it('builds zips with pairs, orphans and broken XML, reproducibly', async () => {
    const pdf = await toPdf([await renderPage({ lines: [{ text: 'x' }] }, { dpi: 36 })]);
    const entries = [
      { baseName: 'DOK_0001', pdf, xml: vendorMetadataXml({ filnavn: 'DOK_0001.pdf', batchnavn: 'B', datoMottatt: '2026-11-20', mottakskanal: 'SKAN_IM', antallSider: 1 }) },
      { baseName: 'DOK_0002', pdf },
      { baseName: 'DOK_0003', xml: '<skanningmetadata><journalpost>' },
    ];
    const zip = await buildVendorZip(entries);
    expect((await buildVendorZip(entries)).equals(zip)).toBe(true);
    const files = await zipEntries(zip);
    expect([...files.keys()]).toEqual(['DOK_0001.pdf', 'DOK_0001.xml', 'DOK_0002.pdf', 'DOK_0003.xml']);
    expect(files.get('DOK_0001.pdf')!.equals(pdf)).toBe(true);
    expect(files.get('DOK_0003.xml')!.toString()).toBe('<skanningmetadata><journalpost>');
  });
});

describe('generateSampleBatch', () => {
  it('is deterministic and its truth matches the files', async () => {
    const opts = { count: 10, seed: 3, dpi: 36 };
    const batch = await generateSampleBatch(opts);
    const again = await generateSampleBatch(opts);
    expect(again.truth).toEqual(batch.truth);
    expect(again.files.map((f) => f.name)).toEqual(batch.files.map((f) => f.name));
    again.files.forEach((f, i) => expect(f.data.equals(batch.files[i]!.data)).toBe(true));

    expect(batch.truth).toHaveLength(10);
    expect(new Set(batch.truth.map((t) => t.format))).toEqual(new Set(['zip', 'pdf', 'tiff', 'png', 'jpeg']));
    expect(batch.truth.some((t) => t.formNumber === null)).toBe(true);
    expect(batch.truth.some((t) => t.formNumber?.startsWith('NAVe '))).toBe(true);
    const register = new Set(personRegister().map((p) => p.id));
    const byName = new Map(batch.files.map((f) => [f.name, f.data]));
    const zipName = batch.files.find((f) => f.name.endsWith('.zip'))!.name;
    const inZip = await zipEntries(byName.get(zipName)!);

    for (const t of batch.truth) {
      expect(register.has(t.personId)).toBe(true);
      expect(byName.has(t.file)).toBe(true);
      if (t.format === 'zip') {
        const pdf = inZip.get(`${t.entry}.pdf`)!;
        const xml = inZip.get(`${t.entry}.xml`)!.toString();
        expect((await PDFDocument.load(pdf)).getPageCount()).toBe(t.pages);
        expect(xml).toContain(`<antallSider>${t.pages}</antallSider>`);
        expect(xml).toContain(`<filnavn>${t.entry}.pdf</filnavn>`);
      } else if (t.format === 'pdf') {
        expect((await PDFDocument.load(byName.get(t.file)!)).getPageCount()).toBe(t.pages);
      } else if (t.format === 'tiff') {
        expect((await sharp(byName.get(t.file)!, { pages: -1 }).metadata()).pages).toBe(t.pages);
      } else {
        expect(t.pages).toBe(1);
        expect((await sharp(byName.get(t.file)!).metadata()).format).toBe(t.format);
      }
    }
    expect(inZip.size).toBe(2 * batch.truth.filter((t) => t.format === 'zip').length);
  });
});

describe('single-page TIFF', () => {
  it('is written without a join (sharp refuses to join one image)', async () => {
    const { renderPage } = await import('../../fixtures/render-page.ts');
    const { toMultipageTiff } = await import('../../fixtures/documents.ts');
    const sharp = (await import('sharp')).default;
    const page = await renderPage({ lines: [{ text: 'NAV 04-01.03' }] }, { dpi: 100 });
    const tiff = await toMultipageTiff([page]);
    expect((await sharp(tiff).metadata()).pages ?? 1).toBe(1);
  });
});
