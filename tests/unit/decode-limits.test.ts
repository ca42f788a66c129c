import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { flateBombPdf, hugeTiff, inlineImagePdf, longPdf, zipBomb } from '../../fixtures/hostile.ts';
import { decryptBatch, loadPrivateKey, PgpTooLargeError } from '../../pipeline/ingest/pgp.ts';
import { BadZipError, readZip, zipLimits } from '../../pipeline/ingest/unzip.ts';
import { extractPages, pageImages } from '../../pipeline/pages/extract-pages.ts';
import { checkPdfStreams, DEFAULT_DECODE_LIMITS, decodedSize, LimitExceededError, lzwSize, runLengthSize } from '../../pipeline/pages/limits.ts';
import { reasonNb } from '../../services/reason-text.ts';

const MiB = 1024 ** 2;
const rssMb = () => process.memoryUsage().rss / MiB;

async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the file to be refused');
}

describe('decompression limits', () => {
  it('refuses a 300 MB compressed-stream bomb in a page before pdf-lib or pdf.js inflate it, with a reason in Norwegian', async () => {
    const pdf = await flateBombPdf(300 * MiB);
    expect(pdf.length).toBeLessThan(1 * MiB); // a few hundred KB on disk
    const before = rssMb();
    const err = await refusal(extractPages(pdf, 'application/pdf'));
    expect(err).toBeInstanceOf(LimitExceededError);
    expect(err.message).toMatch(/pakkes ut til mer enn 256 MB/);
    // Shown to the mail room as it is (no English words, not "annen årsak").
    expect(reasonNb(err.message)).toBe(err.message);
    // Measured by counting, not by holding the output.
    expect(rssMb() - before).toBeLessThan(120);
  });

  it('refuses a bomb in an object no page uses (pdf-lib parses the whole file)', async () => {
    const pdf = await flateBombPdf(40 * MiB, 'object');
    const err = await refusal(extractPages(pdf, 'application/pdf', { maxStreamBytes: 16 * MiB, maxPages: 10 }));
    expect(err).toBeInstanceOf(LimitExceededError);
    expect(err.message).toMatch(/grensen er 16 MB per del/);
  });

  it('reads the same page when its stream is within the limit', async () => {
    const pages = await extractPages(await flateBombPdf(1 * MiB), 'application/pdf', { maxStreamBytes: 16 * MiB, maxPages: 10 });
    expect(pages).toHaveLength(1);
    expect(pages[0]!.width).toBeGreaterThan(500);
  });

  it('counts chains, LZW and run-length without decoding them into memory', async () => {
    const inner = deflateSync(Buffer.alloc(8 * MiB, 0x20));
    const outer = deflateSync(inner);
    // Flate over Flate: the outer layer is small, the inner one is the bomb.
    expect(await decodedSize(outer, ['FlateDecode', 'FlateDecode'], 4 * MiB)).toBeGreaterThan(4 * MiB);
    expect(await decodedSize(outer, ['FlateDecode', 'FlateDecode'], 16 * MiB)).toBeLessThanOrEqual(16 * MiB);
    // Run-length: 129 repeats of one byte per two input bytes.
    expect(runLengthSize(Buffer.from([129, 7, 129, 7, 128]))).toBe(256);
    // LZW (PDF's variant): "ABABABA" encodes as A B 258 260 (the textbook case), 256 clears, 257 ends.
    const codes = [256, 65, 66, 258, 260, 257];
    let bits = '';
    for (const c of codes) bits += c.toString(2).padStart(9, '0');
    const bytes = Buffer.from((bits.padEnd(Math.ceil(bits.length / 8) * 8, '0').match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
    expect(lzwSize(bytes, 1000)).toBe(7);
  });

  it('finds every stream of an ordinary PDF and inflates none that are too short to matter', async () => {
    const survey = await checkPdfStreams(await longPdf(5), DEFAULT_DECODE_LIMITS);
    expect(survey.streams).toBeGreaterThanOrEqual(6); // five content streams and the image
    expect(survey.inflated).toBe(0);
  });

  it('refuses a zip whose entry unpacks past the limit, in Norwegian, without unpacking it', async () => {
    const zip = await zipBomb(40 * MiB);
    expect(zip.length).toBeLessThan(1 * MiB);
    const err = await refusal(readZip(zip, zipLimits(16 * MiB)));
    expect(err).toBeInstanceOf(BadZipError);
    expect(err.message).toMatch(/pakkes ut til 40 MB, og grensen er 16 MB per fil/);
    expect(reasonNb(err.message)).toBe(err.message);
    expect((await readZip(zip, zipLimits(64 * MiB)))[0]!.data.length).toBe(40 * MiB);
  });

  it('refuses an inline image (BI … ID … EI) declared larger than the limit, inside a compressed content stream, in Norwegian', async () => {
    // 40 000 × 40 000 grey pixels declared, 1 MB of data given: pdf.js would allocate 1.6 GB (4 bytes a pixel) to paint it.
    const pdf = await inlineImagePdf(40_000, 40_000);
    expect(pdf.length).toBeLessThan(100 * 1024);
    const before = rssMb();
    const err = await refusal(extractPages(pdf, 'application/pdf'));
    expect(err).toBeInstanceOf(LimitExceededError);
    expect(err.message).toMatch(/^Filen inneholder et innebygd bilde på 40\s000 × 40\s000 punkter, som pakkes ut til mer enn 256 MB/);
    expect(reasonNb(err.message)).toBe(err.message);
    expect(rssMb() - before).toBeLessThan(120);
    // A small one (3 000 × 3 000: 36 MB to paint) is within 64 MB and read; over a 16 MB limit it is refused.
    const small = await inlineImagePdf(3000, 3000);
    expect((await checkPdfStreams(small, { maxStreamBytes: 64 * MiB, maxPages: 10 })).inlineImages).toBe(1);
    expect(await refusal(extractPages(small, 'application/pdf', { maxStreamBytes: 16 * MiB, maxPages: 10 }))).toBeInstanceOf(LimitExceededError);
  });

  it('refuses a PGP batch that decompresses past the limit, without unpacking it, in Norwegian', async () => {
    const dir = path.join(import.meta.dirname, '..', 'fixtures', 'nav', 'skanmotovrig', 'pgp');
    const key = await loadPrivateKey(readFileSync(path.join(dir, 'privateKeyRSA.gpg')), 'Test321');
    // 40 MB of zeros, zlib-compressed by PGP itself: about 40 KB encrypted.
    const encrypted = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: new Uint8Array(40 * MiB) }), encryptionKeys: key.key.toPublic(), format: 'binary',
      config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
    });
    const data = Buffer.from(encrypted as Uint8Array);
    expect(data.length).toBeLessThan(1 * MiB);
    const err = await refusal(decryptBatch(data, key, 16 * MiB));
    expect(err).toBeInstanceOf(PgpTooLargeError);
    expect(err.message).toMatch(/pakkes ut til mer enn 16 MB \(grensen er 16 MB per del\)/);
    expect(reasonNb(err.message)).toBe(err.message);
    expect((await decryptBatch(data, key, 64 * MiB)).length).toBe(40 * MiB);
  });

  it('refuses a TIFF page whose raster is larger than the limit before decoding it', async () => {
    const tif = await hugeTiff(3000, 3000); // 9 MB decoded, a few KB on disk
    const err = await refusal(extractPages(tif, 'image/tiff', { maxStreamBytes: 4 * MiB, maxPages: 10 }));
    expect(err).toBeInstanceOf(LimitExceededError);
    expect(await extractPages(tif, 'image/tiff', { maxStreamBytes: 16 * MiB, maxPages: 10 })).toHaveLength(1);
  });
});

describe('page cap and one page at a time', () => {
  it('refuses a file over the page cap before making any page, naming both numbers', async () => {
    const err = await refusal(extractPages(await longPdf(12), 'application/pdf', { maxStreamBytes: DEFAULT_DECODE_LIMITS.maxStreamBytes, maxPages: 10 }));
    expect(err).toBeInstanceOf(LimitExceededError);
    expect(err.message).toBe('Filen har 12 sider, og grensen er 10 sider per fil. Del filen i flere og send dem inn på nytt.');
    expect(reasonNb(err.message)).toBe(err.message);
  });

  it('makes pages lazily: taking the first page of a long file makes only that one', async () => {
    const pdf = await longPdf(40);
    let made = 0;
    const started = performance.now();
    for await (const page of pageImages(pdf, 'application/pdf')) {
      made++;
      expect(page.png.length).toBeGreaterThan(0);
      break;
    }
    expect(made).toBe(1);
    const one = performance.now() - started;
    const all = performance.now();
    expect(await extractPages(pdf, 'application/pdf')).toHaveLength(40);
    // Forty pages cost far more than one: the generator did not make the rest up front.
    expect(performance.now() - all).toBeGreaterThan(one * 3);
  });
});
