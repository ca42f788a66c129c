import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import type { PageText, Word } from './page-image.ts';

/**
 * pdf.js (legacy build, for Node) for what cannot be taken from the PDF as is: rendering pages
 * whose image is JBIG2, CCITT G3, masked, cut in strips or drawn with vector graphics, and
 * reading the text layer of born-digital pages. All support files come from the package.
 */

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDoc = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

let lib: Promise<PdfJs> | undefined;
const require = createRequire(import.meta.url);
type Canvas = typeof import('@napi-rs/canvas');
let canvasLib: Canvas | undefined;
/**
 * A canvas of the build pdf.js itself loads (it may pin its own version): its ImageData and
 * Path2D must come from the same native library as our canvas, or rendering crashes. Loaded on
 * first use: the native library and its fonts are some 55 MB of a worker's memory, and most
 * scanned pages are taken from the PDF without rendering (issue 14: a split worker's RSS).
 */
export function createCanvas(width: number, height: number): import('@napi-rs/canvas').Canvas {
  canvasLib ??= createRequire(require.resolve('pdfjs-dist/package.json'))('@napi-rs/canvas') as Canvas;
  return canvasLib.createCanvas(width, height);
}

function pdfjs(): Promise<PdfJs> {
  lib ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return lib;
}

function assetDir(name: string): string {
  return path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), name) + path.sep;
}

export interface PdfjsDocument {
  pageCount: number;
  /** Page `n` (1-based) as 8-bit grey pixels at `dpi`, or lower when the page would exceed `maxPixels`. */
  render(n: number, dpi: number, maxPixels?: number): Promise<{ data: Buffer; width: number; height: number; dpi: number }>;
  /** The page's text with word boxes in pixels at `dpi`; null when the page has no text. */
  text(n: number, dpi: number): Promise<PageText | null>;
  close(): Promise<void>;
}

export async function openPdfjs(data: Uint8Array): Promise<PdfjsDocument> {
  const { getDocument } = await pdfjs();
  const doc: PdfDoc = await getDocument({
    data: new Uint8Array(data), // pdf.js takes ownership of (detaches) the buffer
    standardFontDataUrl: assetDir('standard_fonts'),
    cMapUrl: assetDir('cmaps'),
    cMapPacked: true,
    wasmUrl: assetDir('wasm'),
    iccUrl: assetDir('iccs'),
    useSystemFonts: false,
    disableFontFace: true,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  return {
    pageCount: doc.numPages,
    async render(n, dpi, maxPixels = Number.POSITIVE_INFINITY) {
      const page = await doc.getPage(n);
      // The viewport counts /UserUnit: a poster page at 200 dpi could be billions of pixels.
      const unit = page.getViewport({ scale: 1 });
      dpi = Math.min(dpi, 72 * Math.sqrt(maxPixels / Math.max(1, unit.width * unit.height)));
      const viewport = page.getViewport({ scale: dpi / 72 });
      const width = Math.max(1, Math.round(viewport.width));
      const height = Math.max(1, Math.round(viewport.height));
      const canvas = createCanvas(width, height);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, width, height);
      await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport, background: '#ffffff' } as never).promise;
      const rgba = ctx.getImageData(0, 0, width, height).data;
      page.cleanup();
      const grey = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } })
        .flatten({ background: '#ffffff' })
        .toColourspace('b-w')
        .raw()
        .toBuffer();
      return { data: grey, width, height, dpi };
    },
    async text(n, dpi) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: dpi / 72 });
      const content = await page.getTextContent();
      const words: Word[] = [];
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str + (item.hasEOL ? '\n' : '');
        if (!item.str.trim()) continue;
        // Item box in PDF space: origin at the baseline, height from the font size.
        const [a, b, , , e, f] = item.transform as number[];
        const size = Math.hypot(a!, b!) || item.height;
        const p0 = viewport.convertToViewportPoint(e!, f! - size * 0.25);
        const p1 = viewport.convertToViewportPoint(e! + item.width, f! + size * 0.85);
        const x0 = Math.min(p0[0]!, p1[0]!);
        const x1 = Math.max(p0[0]!, p1[0]!);
        const y0 = Math.min(p0[1]!, p1[1]!);
        const y1 = Math.max(p0[1]!, p1[1]!);
        // Split the item into words, sharing its width by character count.
        const len = item.str.length;
        const re = /\S+/g;
        for (let m = re.exec(item.str); m; m = re.exec(item.str)) {
          const s = m.index / len;
          const t = (m.index + m[0].length) / len;
          words.push({ text: m[0], conf: 100, x0: Math.round(x0 + (x1 - x0) * s), x1: Math.round(x0 + (x1 - x0) * t), y0: Math.round(y0), y1: Math.round(y1) });
        }
      }
      page.cleanup();
      return words.length > 0 ? { text: text.trim(), words } : null;
    },
    async close() {
      await doc.destroy();
    },
  };
}
