import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LARGE_IMAGE_PIXELS, netpbmPixels, OcrEngine, type BackendFactory } from '../../pipeline/ocr/ocr-engine.ts';
import { cappedOcrScale, OCR_MAX_PIXELS, ocrScale } from '../../pipeline/ocr/read-page.ts';
import { inflateRgbToGrey } from '../../pipeline/pages/pdf-images.ts';

/** Issue 14: what keeps a worker's memory bounded on very large pages (enormous.pdf took one to 1.3 GB). */

const pbm = (w: number, h: number) => Buffer.concat([Buffer.from(`P4\n${w} ${h}\n`), Buffer.alloc(Math.ceil(w / 8) * h)]);

describe('a very large page', () => {
  it('is read by OCR at no more than OCR_MAX_PIXELS; ordinary pages keep their scale', () => {
    // enormous.pdf as stored: 6 000 × 6 000 at 200 dpi (36 megapixels).
    const s = cappedOcrScale(200, null, 6000 * 6000);
    expect(6000 * s.scale * 6000 * s.scale).toBeLessThanOrEqual(OCR_MAX_PIXELS * 1.0001);
    expect(s.scale).toBeLessThan(ocrScale(200, null).scale);
    // An A4 page at 300 dpi: as before (200 dpi).
    expect(cappedOcrScale(300, null, 2480 * 3508)).toEqual(ocrScale(300, null));
  });

  it('replaces the tesseract worker right after an image over LARGE_IMAGE_PIXELS, not after five pages', async () => {
    expect(netpbmPixels(pbm(4000, 3000))).toBe(12_000_000);
    expect(netpbmPixels(Buffer.from('\x89PNG'))).toBe(0);
    let started = 0;
    const factory: BackendFactory = async () => {
      started++;
      return { recognize: async () => ({ text: 'x', confidence: 90, words: [] }), terminate: async () => {} };
    };
    const reasons: string[] = [];
    const engine = await OcrEngine.create({ langs: 'nor', size: 1, recycleAfter: 1000, factory, onRecycle: (r) => reasons.push(r) });
    await engine.recognize(pbm(1654, 2339), 200); // an A4 page at 200 dpi
    expect(reasons).toEqual([]);
    await engine.recognize(pbm(4000, 3000), 200);
    expect(4000 * 3000).toBeGreaterThan(LARGE_IMAGE_PIXELS);
    expect(reasons).toEqual(['memory']);
    expect(started).toBe(2);
    await engine.close();
  });

  it('a large colour scan is made grey row by row as it is inflated, as sharp would make it', async () => {
    const [w, h] = [301, 203];
    const rgb = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set([(x * 7) & 255, (y * 5) & 255, ((x + y) * 3) & 255], (y * w + x) * 3);
    const byRows = await inflateRgbToGrey(deflateSync(rgb), w, h, 1);
    // With PNG predictors (type 2, "up", on every row), as scanners write them.
    const up = Buffer.alloc((w * 3 + 1) * h);
    for (let y = 0; y < h; y++) {
      up[y * (w * 3 + 1)] = 2;
      for (let x = 0; x < w * 3; x++) up[y * (w * 3 + 1) + 1 + x] = (rgb[y * w * 3 + x]! - (y > 0 ? rgb[(y - 1) * w * 3 + x]! : 0)) & 255;
    }
    expect(await inflateRgbToGrey(deflateSync(up), w, h, 15)).toEqual(byRows);
    const bySharp = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).toColourspace('b-w').raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < bySharp.length; i++) diff += Math.abs(bySharp[i]! - byRows![i]!);
    expect(diff / bySharp.length).toBeLessThan(2);
    // A stream that ends early gives nothing (the page is rendered instead).
    expect(await inflateRgbToGrey(deflateSync(rgb.subarray(0, rgb.length / 2)), w, h, 1)).toBeNull();
  });
});
