import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { createCanvas } from '../pages/pdf-render.ts';
import { uprightColour } from './page-encoding.ts';

const require = createRequire(import.meta.url);
const assets = (name: string) => path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), name) + path.sep;

/**
 * A scanned PDF page that cannot be kept as it is (pipeline/archive/archive-pdf.ts) rendered in
 * colour by pdf.js at the size of its grey page image, then turned upright like it: a JPEG, or
 * null when the page has no colour worth keeping. The pipeline's own page images are grey
 * (pipeline/pages renders for OCR), so the colour is rendered here, for the archive only.
 */
export async function renderedColour(pdf: Buffer, pageIndex: number, orientation: number, skew: number, size: { width: number; height: number }): Promise<Buffer | null> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({
    data: new Uint8Array(pdf), standardFontDataUrl: assets('standard_fonts'), cMapUrl: assets('cmaps'), cMapPacked: true,
    wasmUrl: assets('wasm'), iccUrl: assets('iccs'), useSystemFonts: false, disableFontFace: true, isEvalSupported: false, verbosity: 0,
  }).promise;
  try {
    const page = await doc.getPage(pageIndex + 1);
    // The grey page is the rendered page turned by `orientation`: before that turn its sides may be swapped.
    const across = (((Math.round(orientation / 90) % 4) + 4) % 4) % 2 === 1 ? size.height : size.width;
    const unit = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: across / unit.width });
    const width = Math.max(1, Math.round(viewport.width));
    const height = Math.max(1, Math.round(viewport.height));
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport, background: '#ffffff' } as never).promise;
    const rgba = ctx.getImageData(0, 0, width, height).data;
    page.cleanup();
    const png = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } }).removeAlpha().png({ compressionLevel: 1 }).toBuffer();
    return await uprightColour(png, 0, orientation, skew, size);
  } finally {
    await doc.destroy();
  }
}
