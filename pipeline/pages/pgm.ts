/**
 * Binary PGM (P5) of a raster's first channel: grey pixels for zxing (the luminance it would
 * compute from grey RGBA) and for tesseract, with no PNG encode.
 */
export function greyPgm(data: Uint8Array, width: number, height: number, channels = 1): Buffer {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1');
  const out = Buffer.allocUnsafe(header.length + width * height);
  out.set(header);
  if (channels === 1) out.set(data.subarray(0, width * height), header.length);
  else for (let i = 0, j = header.length; i < width * height; i++, j++) out[j] = data[i * channels]!;
  return out;
}
