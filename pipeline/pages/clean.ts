import sharp from 'sharp';
import { histogram, otsu, type GreyRaster } from './analyse.ts';

/**
 * How to clean: 'hard' is the retry after a page timed out (strong speckle removal); 'bold'
 * takes more of the grey into the print, for thin or pale strokes (a bad photocopy, a fax, pale
 * toner) when the normal reading was poor; 'keep-rules' is 'normal' without removing ruling, for
 * large hand lettering whose strokes are as long as a form's cell walls.
 */
export type CleanLevel = 'normal' | 'hard' | 'bold' | 'keep-rules';

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

let division: Uint8Array | undefined;

/**
 * A pixel divided by its paper level, for every (level, pixel) pair: one look-up per pixel instead
 * of a division and a rounding. Where the "paper" is itself dark (a black border, a punched hole)
 * there is nothing to read: white.
 */
export function divisionTable(): Uint8Array {
  if (division) return division;
  division = new Uint8Array(256 * 256);
  for (let b = 0; b < 256; b++) for (let v = 0; v < 256; v++) division[(b << 8) | v] = b < 40 ? 255 : Math.min(255, Math.round((v * 255) / b));
  return division;
}

/** Resolution of the paper-level estimate: coarse enough that text strokes vanish in it. */
const BACKGROUND_DPI = 25;

/**
 * The paper's own brightness under the print, at full size: a coarse copy, its lightest value
 * over about 4 mm (so strokes and most fills disappear), smoothed and scaled back up. Dividing by
 * it flattens grey, yellowed or textured paper, shadows at the edges and the shading of folds,
 * and stretches faint print on dark paper to the full range.
 */
async function paperLevel(data: Uint8Array, w: number, h: number, dpi: number): Promise<Uint8Array | null> {
  const sw = Math.max(8, Math.round((w * BACKGROUND_DPI) / dpi));
  const { data: small, info } = await sharp(data, { raw: { width: w, height: h, channels: 1 } })
    .resize(sw, null, { kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: bw, height: bh } = info;
  const rad = 2;
  // Separable max filter.
  const tmp = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      let m = 0;
      for (let k = Math.max(0, x - rad); k <= Math.min(bw - 1, x + rad); k++) m = Math.max(m, small[y * bw + k]!);
      tmp[y * bw + x] = m;
    }
  }
  const max = Buffer.alloc(bw * bh);
  for (let x = 0; x < bw; x++) {
    for (let y = 0; y < bh; y++) {
      let m = 0;
      for (let k = Math.max(0, y - rad); k <= Math.min(bh - 1, y + rad); k++) m = Math.max(m, tmp[k * bw + x]!);
      max[y * bw + x] = m;
    }
  }
  // Even, light paper (most scans): dividing would change nothing that matters; skip the full-size pass.
  let lo = 255;
  let hi = 0;
  for (let i = 0; i < max.length; i++) {
    if (max[i]! < lo) lo = max[i]!;
    if (max[i]! > hi) hi = max[i]!;
  }
  if (lo >= 215 && hi - lo <= 16) return null;
  return sharp(max, { raw: { width: bw, height: bh, channels: 1 } })
    .blur(1.5)
    .resize(w, h, { kernel: 'linear', fit: 'fill' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
}

/**
 * Removes ruling from a 1-byte-per-pixel bitmap (1 = ink): horizontal runs longer than `hLen`
 * and vertical runs longer than `vLen`. Form boxes and the cells of digit fields around a
 * fødselsnummer otherwise join the digits into shapes OCR cannot read.
 */
export function removeRules(bits: Uint8Array, w: number, h: number, hLen: number, vLen: number, vGap = 0): void {
  const clear: number[] = [];
  // A rule one or two pixels thick wanders between neighbouring rows (or columns) after deskew
  // and binarisation: a run counts the pixel or either neighbour across it.
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const up = y > 0 ? row - w : row;
    const down = y < h - 1 ? row + w : row;
    for (let x = 0; x < w; ) {
      if (!(bits[up + x] || bits[row + x] || bits[down + x])) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < w && (bits[up + x] || bits[row + x] || bits[down + x])) x++;
      if (x - x0 >= hLen) clear.push(row + x0, x - x0, 1);
    }
  }
  // Vertical runs, row by row (a column walk would touch one byte per cache line): per column
  // where the current run started, its last ink row and its ink rows. A run goes on over gaps of
  // up to `vGap` rows: a cell wall of faded toner or of a dot screen is a dashed line, and its
  // pieces, each shorter than a digit, read as ones and bars between the digits. Mostly ink all
  // the same: a column of scattered dots is no wall.
  const start = new Int32Array(w).fill(-1);
  const last = new Int32Array(w);
  const inked = new Int32Array(w);
  for (let y = 0; y <= h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const on = y < h && (bits[row + x] || (x > 0 && bits[row + x - 1]) || (x < w - 1 && bits[row + x + 1]));
      if (on) {
        if (start[x]! < 0) {
          start[x] = y;
          inked[x] = 0;
        }
        last[x] = y;
        inked[x]!++;
      } else if (start[x]! >= 0 && (y - last[x]! > vGap || y === h)) {
        const len = last[x]! + 1 - start[x]!;
        if (len >= vLen && inked[x]! >= len * 0.75) clear.push(start[x]! * w + x, len, w);
        start[x] = -1;
      }
    }
  }
  for (let i = 0; i < clear.length; i += 3) {
    for (let k = 0, at = clear[i]!; k < clear[i + 1]!; k++, at += clear[i + 2]!) bits[at] = 0;
  }
}

/**
 * Clears specks from a 1-byte-per-pixel bitmap: 8-connected groups of at most `maxArea` ink
 * pixels that fit in a `maxSide` square. At OCR resolution a full stop is larger than that, so
 * only scanner dust and grain go; a page full of them otherwise breaks tesseract's layout into
 * fragments.
 */
export function removeSpecks(bits: Uint8Array, w: number, h: number, maxArea = 4, maxSide = 2): number {
  let cleared = 0;
  const stack = new Int32Array(maxArea + 9);
  const group = new Int32Array(maxArea + 1);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const start = y * w + x;
      if (bits[start] !== 1) continue;
      // Flood fill that gives up as soon as the group is too big to be a speck.
      let n = 0;
      let top = 0;
      let big = false;
      stack[top++] = start;
      bits[start] = 2;
      let x0 = x, x1 = x, y0 = y, y1 = y;
      while (top > 0) {
        const p = stack[--top]!;
        if (n === maxArea) {
          big = true;
          break;
        }
        group[n++] = p;
        const px = p % w;
        const py = (p - px) / w;
        if (px < x0) x0 = px;
        if (px > x1) x1 = px;
        if (py < y0) y0 = py;
        if (py > y1) y1 = py;
        if (x1 - x0 >= maxSide || y1 - y0 >= maxSide || px === 0 || py === 0 || px === w - 1 || py === h - 1) {
          big = true;
          break;
        }
        for (let dy = -w; dy <= w; dy += w) {
          for (let dx = -1; dx <= 1; dx++) {
            const q = p + dy + dx;
            if (bits[q] === 3) big = true; // touches ink already known to be more than a speck
            else if (bits[q] === 1 && top < stack.length) {
              bits[q] = 2;
              stack[top++] = q;
            }
          }
        }
        if (big) break;
      }
      // Marks back: a speck is cleared, anything larger is ink again (and visited).
      const keep = big ? 3 : 0;
      if (!big) cleared += n;
      for (let i = 0; i < n; i++) bits[group[i]!] = keep;
      while (top > 0) bits[stack[--top]!] = big ? 3 : 0;
    }
  }
  for (let i = 0; i < bits.length; i++) if (bits[i]) bits[i] = 1;
  return cleared;
}

/**
 * Prepares a page for OCR: scale to `toDpi` (when the page is finer) and blur so specks of a
 * pixel or two fade while strokes survive; divide by the paper level (uneven, tinted or textured
 * paper, shadows, low contrast); binarise at Otsu's level between ink and paper; remove form
 * ruling; clear a thin band at the edges (scanner shadows are never text). Boxes tesseract
 * reports are in the returned image's pixels.
 */
export async function cleanRaster(page: GreyRaster, dpi: number, level: CleanLevel = 'normal', toDpi = dpi, fixed?: { scale: number; dpi: number }, descreen = false): Promise<OcrImage> {
  // `fixed`: the scale and resolution were decided from the print itself (read-page.ts ocrScale).
  const scale = fixed ? fixed.scale : dpi > toDpi * 1.15 ? toDpi / dpi : 1;
  const outDpi = fixed ? fixed.dpi : dpi * scale;
  let img = sharp(page.data, { raw: { width: page.width, height: page.height, channels: 1 } });
  if (Math.abs(scale - 1) > 1e-3) img = img.resize(Math.max(1, Math.round(page.width * scale)), null, { kernel: scale > 1 ? 'cubic' : 'linear' });
  if (level === 'hard') img = img.median(5);
  // Descreening: a blur wide enough to merge a printed dot screen back into strokes.
  const sigma = Math.max(0.5, (descreen ? 1.4 : level === 'hard' ? 1.1 : 0.55) * (outDpi / 200));
  const { data, info } = await img.blur(sigma).toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const bg = await paperLevel(data, w, h, outDpi);
  if (bg) {
    const div = divisionTable();
    for (let i = 0; i < data.length; i++) data[i] = div[(bg[i]! << 8) | data[i]!]!;
  }
  const hist = histogram(data);
  const paper = percentile(hist, w * h, 0.6);
  // On a page with almost no ink the darkest half percent is paper grain: never call grain ink.
  const ink = Math.max(0, Math.min(percentile(hist, w * h, 0.005), paper - 100));
  const span = Math.max(32, paper - ink);
  // Otsu from ink to paper, kept between 35 % and 78 % of that span: on a page with little ink
  // it would otherwise split paper from grain.
  const otsuLevel = Math.min(ink + 0.78 * span, Math.max(ink + 0.35 * span, otsuClipped(hist, ink, Math.min(255, ink + span))));
  const thr = level === 'bold' ? Math.max(otsuLevel, Math.min(paper - 10, ink + 0.86 * span)) : otsuLevel;
  const border = Math.round((2.5 / 25.4) * outDpi);
  const bits = new Uint8Array(w * h);
  for (let y = border; y < h - border; y++) {
    const row = y * w;
    for (let x = border; x < w - border; x++) if (data[row + x]! < thr) bits[row + x] = 1;
  }
  const mm = outDpi / 25.4;
  if (level !== 'keep-rules') removeRules(bits, w, h, Math.round(12 * mm), Math.round(5.2 * mm), Math.round(0.3 * mm));
  let inked = 0;
  for (let i = 0; i < bits.length; i++) inked += bits[i]!;
  const specks = removeSpecks(bits, w, h, Math.max(2, Math.round(4 * (outDpi / 200) ** 2)), Math.max(1, Math.round(2 * (outDpi / 200))));
  // Mostly specks: the print is a dot screen (a copy of a coloured or grey form), not dust.
  if (!descreen && inked > w * h * 0.002 && specks > inked * 0.25) return cleanRaster(page, dpi, level, toDpi, fixed, true);
  const rowBytes = Math.ceil(w / 8);
  const header = Buffer.from(`P4\n${w} ${h}\n`, 'latin1');
  const out = Buffer.alloc(header.length + rowBytes * h);
  header.copy(out);
  for (let y = 0; y < h; y++) {
    const src = y * w;
    const dst = header.length + y * rowBytes;
    for (let x = 0; x < w; x++) if (bits[src + x]) out[dst + (x >> 3)]! |= 0x80 >> (x & 7);
  }
  return { pbm: out, width: w, height: h, dpi: outDpi };
}
