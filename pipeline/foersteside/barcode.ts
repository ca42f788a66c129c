import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes, type ReadResult } from 'zxing-wasm/reader';
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
 * Code 39 barcodes on a page image (any format sharp reads). The page may be skewed or
 * rotated by 90/180/270 degrees: zxing tries the rotations itself.
 */
export async function readPageBarcodes(image: Buffer): Promise<PageBarcode[]> {
  prepare();
  const { data, info } = await sharp(image).grayscale().raw().toBuffer({ resolveWithObject: true });
  // zxing wants RGBA; grey into each colour channel.
  const rgba = new Uint8ClampedArray(info.width * info.height * 4);
  const step = info.channels;
  for (let i = 0, j = 0; j < rgba.length; i += step, j += 4) {
    const v = data[i]!;
    rgba[j] = v;
    rgba[j + 1] = v;
    rgba[j + 2] = v;
    rgba[j + 3] = 255;
  }
  const imageData = { data: rgba, width: info.width, height: info.height, colorSpace: 'srgb' } as ImageData;
  const results: ReadResult[] = await readBarcodes(imageData, {
    formats: ['Code39'],
    tryHarder: true,
    tryRotate: true,
    tryInvert: false,
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

export async function readPageMarks(image: Buffer): Promise<PageMarks> {
  return marksFromBarcodes(await readPageBarcodes(image));
}
