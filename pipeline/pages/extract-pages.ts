import sharp, { type Metadata } from 'sharp';
import type { MediaType } from '../ingest/detect.ts';
import { UnreadablePageError, type PageImage } from './page-image.ts';
import { MAX_PAGE_PIXELS, MAX_SOURCE_PIXELS, pdfPageImages } from './pdf-images.ts';
import { readTiffPages, type TiffPageInfo } from './tiff.ts';

const A4_WIDTH_IN = 8.27;

/** DPI from the file, or from the width of an A4 page when the file says nothing useful. */
function dpiOf(density: number | undefined, width: number): number {
  if (density && density >= 100 && density <= 1200) return Math.round(density);
  return Math.max(70, Math.round(width / A4_WIDTH_IN));
}

async function rasterPage(data: Buffer, page: number, tiff?: TiffPageInfo): Promise<PageImage> {
  const img = sharp(data, { page, failOn: 'error', limitInputPixels: MAX_SOURCE_PIXELS });
  const meta: Metadata = await img.metadata();
  const xDpi = tiff?.xDpi ?? meta.density;
  // Fax pages (204 x 98 dpi) have tall pixels: stretch to square pixels at the horizontal resolution.
  const stretch = tiff?.xDpi && tiff.yDpi && Math.abs(tiff.xDpi / tiff.yDpi - 1) > 0.05 ? tiff.xDpi / tiff.yDpi : 1;
  let pipeline = img.rotate().flatten({ background: '#ffffff' }).toColourspace('b-w');
  let w = meta.width ?? 0;
  let h = Math.round((meta.height ?? 0) * stretch);
  let dpi = dpiOf(xDpi, w);
  const notes: string[] = [];
  if (w * h > MAX_PAGE_PIXELS) {
    const k = Math.sqrt(MAX_PAGE_PIXELS / (w * h));
    notes.push(`siden var ${Math.round((w * h) / 1e6)} megapiksler og er skalert ned til ${MAX_PAGE_PIXELS / 1e6} for lesing`);
    w = Math.floor(w * k);
    h = Math.floor(h * k);
    dpi = Math.max(70, Math.round(dpi * k));
  }
  if (w && h && (w !== meta.width || h !== meta.height)) pipeline = pipeline.resize(w, h, { fit: 'fill' });
  const { data: png, info } = await pipeline.png({ compressionLevel: 2 }).toBuffer({ resolveWithObject: true });
  return { png, width: info.width, height: info.height, dpi, source: 'image', ...(notes.length ? { notes } : {}) };
}

/** Splits a document file into one greyscale image per page (see pdfPageImages for PDFs). */
export async function extractPages(data: Buffer, mediaType: MediaType): Promise<PageImage[]> {
  try {
    switch (mediaType) {
      case 'application/pdf':
        return await pdfPageImages(data);
      case 'image/tiff': {
        const info = readTiffPages(data);
        if (info.length === 0) throw new UnreadablePageError('TIFF-filen har ingen sider.');
        const pages: PageImage[] = [];
        for (let i = 0; i < info.length; i++) pages.push(await rasterPage(data, i, info[i]));
        return pages;
      }
      case 'image/png':
      case 'image/jpeg':
        return [await rasterPage(data, 0)];
      default:
        throw new UnreadablePageError('Filen er ikke en PDF, TIFF, PNG eller JPEG og kan ikke leses som et dokument.');
    }
  } catch (err) {
    if (err instanceof UnreadablePageError) throw err;
    const message = (err as Error).message ?? '';
    if (/pixel limit/i.test(message)) {
      throw new UnreadablePageError(`Bildet er for stort til å leses maskinelt (over ${MAX_SOURCE_PIXELS / 1e6} megapiksler). Skann siden på nytt med lavere oppløsning.`);
    }
    // The library's own words (a JavaScript or libvips error) mean nothing to the mail room.
    throw new UnreadablePageError('Sidene i filen kunne ikke leses: filen er skadet eller ufullstendig. Be om filen på nytt, eller skann papiret igjen.');
  }
}
