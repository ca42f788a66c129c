import sharp from 'sharp';
import { histogram, inkThreshold, type GreyRaster } from './analyse.ts';

/** How hard to clean: 'hard' is the retry after a page timed out (strong speckle removal). */
export type CleanLevel = 'normal' | 'hard';

function percentile(hist: Uint32Array, total: number, p: number): number {
  let acc = 0;
  for (let i = 0; i < 256; i++) {
    acc += hist[i]!;
    if (acc >= total * p) return i;
  }
  return 255;
}

/**
 * Prepares a page for OCR: stretch contrast from ink to paper, smooth away specks, binarise
 * with Otsu's level, and clear a thin band at the edges (scanner shadows are never text).
 * Returns a 1-bit PBM (P4): tesseract reads it without thresholding again. Same size as the
 * page, so word boxes match the stored page image.
 */
export async function cleanRaster(page: GreyRaster, dpi: number, level: CleanLevel = 'normal'): Promise<Buffer> {
  const { width: w, height: h } = page;
  const hist = histogram(page.data);
  const paper = percentile(hist, w * h, 0.6);
  // On a page with almost no ink the darkest half percent is paper grain: never stretch grain to black.
  const ink = Math.max(0, Math.min(percentile(hist, w * h, 0.005), paper - 100));
  const span = Math.max(32, paper - ink);
  // Specks of a pixel or two fade under a blur that strokes survive; scale it with resolution.
  const sigma = Math.max(0.5, (level === 'hard' ? 1.1 : 0.55) * (dpi / 200));
  let img = sharp(page.data, { raw: { width: w, height: h, channels: 1 } }).linear(255 / span, (-255 * ink) / span);
  if (level === 'hard') img = img.median(5);
  const data = await img.blur(sigma).toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer();
  // Otsu on a page with little ink would split paper from grain: cap it well below the paper.
  const thr = Math.min(200, Math.max(90, inkThreshold(histogram(data))));
  const border = Math.round((2.5 / 25.4) * dpi);
  const rowBytes = Math.ceil(w / 8);
  const header = Buffer.from(`P4\n${w} ${h}\n`, 'latin1');
  const out = Buffer.alloc(header.length + rowBytes * h);
  header.copy(out);
  for (let y = border; y < h - border; y++) {
    const src = y * w;
    const dst = header.length + y * rowBytes;
    for (let x = border; x < w - border; x++) if (data[src + x]! < thr) out[dst + (x >> 3)]! |= 0x80 >> (x & 7);
  }
  return out;
}
