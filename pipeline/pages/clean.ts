import sharp from 'sharp';
import { histogram, otsu, type GreyRaster } from './analyse.ts';

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
 * Otsu's level of the histogram clipped to [lo, hi] (darker counts as lo, lighter as hi): the same
 * level as stretching ink to black and paper to white first, without a pass over the pixels.
 */
function otsuClipped(raw: Uint32Array, lo: number, hi: number): number {
  const clipped = new Float64Array(256);
  for (let i = 0; i < 256; i++) clipped[Math.min(hi, Math.max(lo, i))]! += raw[i]!;
  return otsu(clipped);
}

export interface OcrImage {
  /** 1-bit PBM (P4): tesseract reads it without thresholding again. */
  pbm: Buffer;
  width: number;
  height: number;
  dpi: number;
}

/**
 * Prepares a page for OCR in one libvips pass and one pass of ours: scale to `toDpi` (when the
 * page is finer) and blur so specks of a pixel or two fade while strokes survive, then binarise
 * at Otsu's level between ink and paper and clear a thin band at the edges (scanner shadows are
 * never text). Boxes tesseract reports are in the returned image's pixels.
 */
export async function cleanRaster(page: GreyRaster, dpi: number, level: CleanLevel = 'normal', toDpi = dpi): Promise<OcrImage> {
  const scale = dpi > toDpi * 1.15 ? toDpi / dpi : 1;
  const outDpi = dpi * scale;
  let img = sharp(page.data, { raw: { width: page.width, height: page.height, channels: 1 } });
  if (scale !== 1) img = img.resize(Math.max(1, Math.round(page.width * scale)), null, { kernel: 'linear' });
  if (level === 'hard') img = img.median(5);
  const sigma = Math.max(0.5, (level === 'hard' ? 1.1 : 0.55) * (outDpi / 200));
  const { data, info } = await img.blur(sigma).toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const hist = histogram(data);
  const paper = percentile(hist, w * h, 0.6);
  // On a page with almost no ink the darkest half percent is paper grain: never call grain ink.
  const ink = Math.max(0, Math.min(percentile(hist, w * h, 0.005), paper - 100));
  const span = Math.max(32, paper - ink);
  // Otsu from ink to paper, kept between 35 % and 78 % of that span: on a page with little ink
  // it would otherwise split paper from grain.
  const thr = Math.min(ink + 0.78 * span, Math.max(ink + 0.35 * span, otsuClipped(hist, ink, Math.min(255, ink + span))));
  const border = Math.round((2.5 / 25.4) * outDpi);
  const rowBytes = Math.ceil(w / 8);
  const header = Buffer.from(`P4\n${w} ${h}\n`, 'latin1');
  const out = Buffer.alloc(header.length + rowBytes * h);
  header.copy(out);
  for (let y = border; y < h - border; y++) {
    const src = y * w;
    const dst = header.length + y * rowBytes;
    for (let x = border; x < w - border; x++) if (data[src + x]! < thr) out[dst + (x >> 3)]! |= 0x80 >> (x & 7);
  }
  return { pbm: out, width: w, height: h, dpi: outDpi };
}
