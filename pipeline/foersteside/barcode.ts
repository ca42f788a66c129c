import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes, type ReadResult } from 'zxing-wasm/reader';
import type { GreyRaster } from '../pages/analyse.ts';
import { greyPgm } from '../pages/pgm.ts';
import { parseLoepenummer } from './loepenummer.ts';

/** What a separator sheet (skilleark) carries in its Code 39 barcode. */
export const SEPARATOR_CODE = 'NAVSKILLEARK';

export interface PageBarcode {
  text: string;
  format: string;
}

let prepared = false;

/** Loads zxing's .wasm from the installed package: the default would fetch it from a CDN. */
function prepare(): void {
  if (prepared) return;
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
  prepareZXingModule({
    overrides: {
      wasmBinary,
      // Never resolve to a URL: if the binary above were ignored, fail rather than go online.
      locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? 'file:///nonexistent/zxing_reader.wasm' : prefix + path),
    },
  });
  prepared = true;
}

/**
 * Code 39 barcodes on a page image: encoded (any format sharp reads) or its 8-bit grey pixels
 * (the split has them already: no second decode). The page may be skewed or rotated by
 * 90/180/270 degrees: zxing tries the rotations itself.
 */
export async function readPageBarcodes(image: Buffer | GreyRaster): Promise<PageBarcode[]> {
  prepare();
  const grey = Buffer.isBuffer(image)
    ? await sharp(image).grayscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true }).then(({ data, info }) => ({ data, width: info.width, height: info.height }))
    : image;
  // Handed over as a binary PGM, which zxing reads as luminance as it is. An RGBA ImageData (4
  // bytes a pixel, built and then turned back into luminance by zxing-wasm in JavaScript) gave the
  // same pixels at a third more CPU per page and 35 MB of garbage for a 300 dpi page.
  const input = greyPgm(grey.data, grey.width, grey.height);
  const results: ReadResult[] = await readBarcodes(input, {
    formats: ['Code39'],
    tryHarder: true,
    tryRotate: true,
    tryInvert: false,
    // No second pass on a copy scaled down by 3: at 200-300 dpi it found nothing the full page did
    // not (205 pages of the evaluation sets, 34 with codes: `npx tsx benchmarks/barcode-check.ts`)
    // and cost a third of the read (18-20 → 12 ms a page).
    tryDownscale: false,
    maxNumberOfSymbols: 4,
  });
  return results.filter((r) => r.isValid && r.text).map((r) => ({ text: r.text.trim(), format: String(r.format) }));
}

export interface PageMarks {
  /** A valid løpenummer (Luhn-checked) when the page is a cover sheet. */
  coverSheet: string | null;
  /** A 14-digit Code 39 whose check digit failed: reported, never used. */
  invalidCoverSheet: string | null;
  separator: boolean;
}

export function marksFromBarcodes(barcodes: PageBarcode[]): PageMarks {
  let coverSheet: string | null = null;
  let invalid: string | null = null;
  let separator = false;
  for (const b of barcodes) {
    const text = b.text.replace(/\s/g, '').toUpperCase();
    if (text === SEPARATOR_CODE) separator = true;
    else if (/^\d{14}$/.test(text)) {
      if (parseLoepenummer(text)) coverSheet ??= text;
      else invalid ??= text;
    }
  }
  return { coverSheet, invalidCoverSheet: coverSheet ? null : invalid, separator };
}

export async function readPageMarks(image: Buffer | GreyRaster): Promise<PageMarks> {
  return marksFromBarcodes(await readPageBarcodes(image));
}
