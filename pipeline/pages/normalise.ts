import sharp from 'sharp';
import { analysePage, type GreyRaster, type Orientation } from './analyse.ts';

/** Resolution of the copy that blank, skew and orientation are judged on. */
const ANALYSIS_DPI = 150;
/** Skew below this is left alone: resampling costs more than it helps. */
const MIN_SKEW_DEG = 0.15;

export interface NormalisedPage {
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

/** Turns a raster clockwise by `deg` (any angle), keeping the page size: the scanner's bed. */
export async function rotateRaster(r: GreyRaster, deg: number): Promise<GreyRaster> {
  const quarter = ((Math.round(deg / 90) * 90) % 360 + 360) % 360;
  const rest = deg - Math.round(deg / 90) * 90;
  const [w, h] = quarter === 90 || quarter === 270 ? [r.height, r.width] : [r.width, r.height];
  if (Math.abs(rest) < 1e-6) {
    if (quarter === 0) return r;
    const data = await sharp(r.data, rawInput(r)).rotate(quarter).toColourspace('b-w').raw().toBuffer();
    return { data, width: w, height: h };
  }
  const { data, info } = await sharp(r.data, rawInput(r))
    .rotate(deg, { background: { r: 255, g: 255, b: 255 } })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Cut the centre back to the page size; the corners that come in are white.
  const left = Math.max(0, Math.floor((info.width - w) / 2));
  const top = Math.max(0, Math.floor((info.height - h) / 2));
  const out = Buffer.alloc(w * h, 255);
  const ch = info.channels;
  for (let y = 0; y < h && y + top < info.height; y++) {
    const src = (y + top) * info.width;
    const dst = y * w;
    if (ch === 1) data.copy(out, dst, src + left, src + left + Math.min(w, info.width - left));
    else for (let x = 0; x < w && x + left < info.width; x++) out[dst + x] = data[(src + x + left) * ch]!;
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
  const small = await downscale(page, dpi, ANALYSIS_DPI);
  const a = analysePage(small.raster, { dpi: small.dpi });
  if (a.blank) return { raster: page, dpi, blank: true, orientation: 0, skew: 0, orientationConfidence: 0 };
  const skew = Math.abs(a.skew) >= MIN_SKEW_DEG ? a.skew : 0;
  const raster = await rotateRaster(page, a.orientation + skew);
  return { raster, dpi, blank: false, orientation: a.orientation, skew, orientationConfidence: a.orientationConfidence };
}

export async function encodePng(r: GreyRaster, dpi: number): Promise<Buffer> {
  return sharp(r.data, rawInput(r)).withMetadata({ density: dpi }).png({ compressionLevel: 2 }).toBuffer();
}
