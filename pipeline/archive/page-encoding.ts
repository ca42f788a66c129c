import sharp from 'sharp';

/** One image XObject of a page: its stream and dictionary, placed `y` rows from the top. */
export interface EncodedPart {
  data: Uint8Array;
  dict: Record<string, unknown>;
  y: number;
  rows: number;
}

export interface EncodedPage {
  kind: 'bilevel' | 'grey' | 'colour';
  width: number;
  height: number;
  parts: EncodedPart[];
}

/** Share of pixels that may be neither black nor white for a page to count as black-and-white. */
const BILEVEL_TOLERANCE = 0.002;
/** Share of mid-tones a black-and-white page rendered with anti-aliasing shows at its edges. */
const ANTIALIASED_TOLERANCE = 0.03;
/** JPEG quality for grey and colour scans: the text stays crisp for reading, the size near the original's. */
export const JPEG_QUALITY = 80;

/** True when (nearly) every pixel is pure black or pure white: a bilevel scan, whatever its container. */
export function isBilevel(grey: Buffer): boolean {
  let other = 0;
  let mid = 0;
  for (let i = 0; i < grey.length; i++) {
    const v = grey[i]!;
    if (v !== 0 && v !== 255) other++;
    if (v > 40 && v < 215) mid++;
  }
  // Exactly bilevel, or a bilevel scan rendered with smoothed edges (few mid-tones, no grey areas).
  return other <= grey.length * BILEVEL_TOLERANCE || mid <= grey.length * ANTIALIASED_TOLERANCE;
}

/** Reads the strips of a single-page TIFF sharp wrote (CCITT G4): offsets, byte counts, rows per strip. */
function tiffStrips(tif: Buffer): { offsets: number[]; counts: number[]; rowsPerStrip: number; photometric: number } {
  const le = tif[0] === 0x49;
  const r16 = (o: number) => (le ? tif.readUInt16LE(o) : tif.readUInt16BE(o));
  const r32 = (o: number) => (le ? tif.readUInt32LE(o) : tif.readUInt32BE(o));
  const ifd = r32(4);
  const tags = new Map<number, number[]>();
  for (let i = 0; i < r16(ifd); i++) {
    const e = ifd + 2 + i * 12;
    const [tag, type, count] = [r16(e), r16(e + 2), r32(e + 4)];
    const size = type === 3 ? 2 : 4;
    const at = count * size > 4 ? r32(e + 8) : e + 8;
    const values: number[] = [];
    for (let k = 0; k < count; k++) values.push(size === 2 ? r16(at + k * 2) : r32(at + k * 4));
    tags.set(tag, values);
  }
  if (tags.get(259)?.[0] !== 4) throw new Error('expected a CCITT G4 TIFF');
  return { offsets: tags.get(273)!, counts: tags.get(279)!, rowsPerStrip: tags.get(278)?.[0] ?? Number.MAX_SAFE_INTEGER, photometric: tags.get(262)?.[0] ?? 0 };
}

/**
 * A black-and-white page as 1-bit CCITT Group 4, the fax code archives use for bilevel scans
 * (about 1/30 of 8-bit grey). libvips writes one G4 stream per strip; each strip becomes one
 * /CCITTFaxDecode image, stacked in place.
 */
export async function encodeBilevel(grey: Buffer, width: number, height: number): Promise<EncodedPage> {
  const tif = await sharp(grey, { raw: { width, height, channels: 1 } }).threshold(128).toColourspace('b-w').tiff({ compression: 'ccittfax4', bitdepth: 1 }).toBuffer();
  const { offsets, counts, rowsPerStrip, photometric } = tiffStrips(tif);
  const parts: EncodedPart[] = offsets.map((off, i) => {
    const y = i * rowsPerStrip;
    const rows = Math.min(rowsPerStrip, height - y);
    return {
      data: new Uint8Array(tif.subarray(off, off + counts[i]!)),
      y, rows,
      dict: {
        Type: 'XObject', Subtype: 'Image', Width: width, Height: rows, ColorSpace: 'DeviceGray', BitsPerComponent: 1,
        Filter: 'CCITTFaxDecode',
        // libvips codes black runs as 1 bits under TIFF MinIsBlack (photometric 1); PDF's default is the reverse.
        DecodeParms: { K: -1, Columns: width, Rows: rows, BlackIs1: photometric === 1 },
      },
    };
  });
  return { kind: 'bilevel', width, height, parts };
}

async function jpegPart(jpeg: Buffer, channels: 1 | 3): Promise<EncodedPage> {
  const m = await sharp(jpeg).metadata();
  return {
    kind: channels === 1 ? 'grey' : 'colour', width: m.width!, height: m.height!,
    parts: [{ data: new Uint8Array(jpeg), y: 0, rows: m.height!, dict: { Type: 'XObject', Subtype: 'Image', Width: m.width, Height: m.height, ColorSpace: channels === 1 ? 'DeviceGray' : 'DeviceRGB', BitsPerComponent: 8, Filter: 'DCTDecode' } }],
  };
}

/**
 * The archive image(s) of one scanned page: the colour image when the scan is in colour, else the
 * grey page as 1-bit G4 when it is black-and-white, else as grey JPEG.
 */
export async function encodePage(p: { png: Buffer; colour?: Buffer | null }): Promise<EncodedPage> {
  if (p.colour) return jpegPart(p.colour, 3);
  const { data, info } = await sharp(p.png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const grey = data.subarray(0, info.width * info.height);
  if (isBilevel(grey)) return encodeBilevel(grey, info.width, info.height);
  const jpeg = await sharp(grey, { raw: { width: info.width, height: info.height, channels: 1 } }).jpeg({ quality: JPEG_QUALITY, mozjpeg: true }).toBuffer();
  return jpegPart(jpeg, 1);
}

/**
 * The scan in colour, turned upright the way the grey page was (quarter turn, then skew about the
 * centre, page size kept), as a JPEG; null when the image has no colour worth keeping.
 */
export async function uprightColour(image: Buffer, page: number, orientation: number, skew: number, size: { width: number; height: number }): Promise<Buffer | null> {
  const img = sharp(image, { page, failOn: 'error' }).rotate(); // EXIF orientation first, as extraction does
  const { data, info } = await img.clone().removeAlpha().toColourspace('srgb').resize(64, 64, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  if (info.channels < 3) return null;
  // Colour worth keeping: some pixels whose channels differ clearly (stamps, forms in colour, photos).
  let coloured = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
  }
  if (coloured < 64 * 64 * 0.01) return null;
  let out = sharp(await img.flatten({ background: '#ffffff' }).toColourspace('srgb').rotate(orientation).toBuffer());
  if (skew) {
    const turned = await out.rotate(skew, { background: '#ffffff' }).toBuffer({ resolveWithObject: true });
    const left = Math.max(0, Math.round((turned.info.width - size.width) / 2));
    const top = Math.max(0, Math.round((turned.info.height - size.height) / 2));
    out = sharp(turned.data).extract({ left, top, width: Math.min(size.width, turned.info.width), height: Math.min(size.height, turned.info.height) });
  }
  return out.resize(size.width, size.height, { fit: 'fill' }).jpeg({ quality: JPEG_QUALITY, mozjpeg: true }).toBuffer();
}
