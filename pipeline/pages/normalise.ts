import sharp from 'sharp';
import { analysePage, type GreyRaster, type Orientation } from './analyse.ts';

/** Resolution of the copy that blank, skew and orientation are judged on. */
const ANALYSIS_DPI = 150;
/** Skew below this is left alone: resampling costs more than it helps. */
const MIN_SKEW_DEG = 0.15;

export interface NormalisedPage {
  /** The page was a negative (light print on a dark ground) and has been inverted. */
  inverted?: boolean;
  /** Upright, deskewed 8-bit grey pixels, same size as the page after the quarter turn. */
  raster: GreyRaster;
  dpi: number;
  blank: boolean;
  /** Clockwise quarter turn applied. */
  orientation: Orientation;
  /** Clockwise degrees applied after the quarter turn. */
  skew: number;
  orientationConfidence: number;
}

/** Decodes any image sharp reads to 8-bit grey pixels. */
export async function toGrey(image: Buffer): Promise<GreyRaster> {
  const { data, info } = await sharp(image).flatten({ background: '#ffffff' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const rawInput = (r: GreyRaster) => ({ raw: { width: r.width, height: r.height, channels: 1 as const } });

/**
 * Turns a raster clockwise by `deg` (any angle), keeping the page size after the quarter turn:
 * the scanner's bed. Corners that come in are white. Quarter turns are exact; the small rest
 * (skew) is done by three shears with whole-pixel shifts, which keeps every pixel's grey value
 * and costs a few copies per row rather than an interpolation per pixel.
 */
export async function rotateRaster(r: GreyRaster, deg: number): Promise<GreyRaster> {
  const quarter = ((Math.round(deg / 90) * 90) % 360 + 360) % 360;
  const rest = deg - Math.round(deg / 90) * 90;
  let turned = r;
  if (quarter !== 0) {
    const [w, h] = quarter === 90 || quarter === 270 ? [r.height, r.width] : [r.width, r.height];
    const data = await sharp(r.data, rawInput(r)).rotate(quarter).toColourspace('b-w').raw().toBuffer();
    turned = { data, width: w, height: h };
  }
  return Math.abs(rest) < 1e-6 ? turned : shearRotate(turned, (rest * Math.PI) / 180);
}

/**
 * Rotation by three shears (Paeth): x += a*y, y += b*x, x += a*y with a = -tan(t/2), b = sin(t),
 * about the page centre, on a white margin wide enough that nothing is cut between the passes.
 */
function shearRotate(r: GreyRaster, rad: number): GreyRaster {
  const { width: w, height: h } = r;
  const a = -Math.tan(rad / 2);
  const b = Math.sin(rad);
  const px = Math.ceil(Math.abs(a) * h) + 2;
  const py = Math.ceil(Math.abs(b) * (w + 2 * px)) + 2;
  const W = w + 2 * px;
  const H = h + 2 * py;
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  // Pass 1: each source row shifted along x into the padded canvas.
  const one = Buffer.alloc(W * H, 255);
  for (let y = 0; y < h; y++) {
    const s = Math.round(a * (y + py - cy));
    const src = Buffer.from(r.data.buffer, r.data.byteOffset + y * w, w);
    src.copy(one, (y + py) * W + px + s);
  }
  // Pass 2: each column shifted along y, done row by row over runs of columns with one shift.
  const runs: number[] = [];
  for (let x = 0; x < W; ) {
    const k = Math.round(b * (x - cx));
    let end = x + 1;
    while (end < W && Math.round(b * (end - cx)) === k) end++;
    runs.push(x, end, k);
    x = end;
  }
  const two = Buffer.alloc(W * H, 255);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let i = 0; i < runs.length; i += 3) {
      const sy = y - runs[i + 2]!;
      if (sy < 0 || sy >= H) continue;
      const d = row - sy * W;
      for (let x = runs[i]!, end = runs[i + 1]!; x < end; x++) two[row + x] = one[x + row - d]!;
    }
  }
  // Pass 3: rows shifted along x again, straight into the page-sized result (centre kept).
  const out = Buffer.alloc(w * h, 255);
  for (let y = 0; y < h; y++) {
    const s = Math.round(a * (y + py - cy));
    const from = (y + py) * W + px - s;
    const lo = Math.max(0, -(px - s));
    const hi = Math.min(w, W - (px - s));
    if (hi > lo) two.copy(out, y * w + lo, from + lo, from + hi);
  }
  return { data: out, width: w, height: h };
}

/** A copy of the page at about `dpi` for analysis. */
export async function downscale(r: GreyRaster, fromDpi: number, toDpi: number): Promise<{ raster: GreyRaster; dpi: number }> {
  if (fromDpi <= toDpi * 1.1) return { raster: r, dpi: fromDpi };
  const width = Math.max(1, Math.round((r.width * toDpi) / fromDpi));
  const { data, info } = await sharp(r.data, rawInput(r)).resize(width, null, { kernel: 'linear' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { raster: { data, width: info.width, height: info.height }, dpi: (fromDpi * info.width) / r.width };
}

/**
 * Blank detection, orientation (quarter turns) and deskew of one page. Blank pages are returned
 * unchanged. Deterministic: normalising the same image again gives the same result.
 */
export async function normalisePage(page: GreyRaster, dpi: number): Promise<NormalisedPage> {
  // A negative (white print on black: some scanners' JBIG2 or DeviceN pages, microfilm prints)
  // is a dark page with light glyphs: turn it into print on paper before anything else.
  let inverted = false;
  if (isNegative(page)) {
    const data = Buffer.allocUnsafe(page.data.length);
    for (let i = 0; i < data.length; i++) data[i] = 255 - page.data[i]!;
    page = { data, width: page.width, height: page.height };
    inverted = true;
  }
  const n = await normaliseUpright(page, dpi);
  return inverted ? { ...n, inverted } : n;
}

/** Three quarters of the page darker than mid-grey. */
function isNegative(page: GreyRaster): boolean {
  let dark = 0;
  let n = 0;
  const step = Math.max(1, Math.floor(page.data.length / 200_000));
  for (let i = 0; i < page.data.length; i += step) {
    n++;
    if (page.data[i]! < 110) dark++;
  }
  return dark > n * 0.75;
}

async function normaliseUpright(page: GreyRaster, dpi: number): Promise<NormalisedPage> {
  // At least about 1 000 pixels across, whatever the file claims its resolution is.
  const small = await downscale(page, dpi, Math.max(ANALYSIS_DPI, Math.min(dpi, (dpi * 1000) / page.width)));
  const a = analysePage(small.raster, { dpi: small.dpi });
  if (a.blank) return { raster: page, dpi, blank: true, orientation: 0, skew: 0, orientationConfidence: 0 };
  const skew = Math.abs(a.skew) >= MIN_SKEW_DEG ? a.skew : 0;
  const raster = await rotateRaster(page, a.orientation + skew);
  return { raster, dpi, blank: false, orientation: a.orientation, skew, orientationConfidence: a.orientationConfidence };
}

/**
 * A grey raster as a one-channel (colour type 0) PNG, with its resolution when given. sharp
 * writes a one-channel raw input as an RGB PNG unless told it is b-w: three times the bytes to
 * deflate and inflate again at every later reading (issue 14). withDensity, not withMetadata,
 * which also attaches an sRGB profile and runs a colour transform on encode and decode.
 */
export async function encodePng(r: GreyRaster, dpi?: number): Promise<Buffer> {
  const img = sharp(r.data, rawInput(r)).toColourspace('b-w');
  return (dpi ? img.withDensity(dpi) : img).png({ compressionLevel: 2 }).toBuffer();
}
