import sharp, { type Metadata } from 'sharp';
import type { MediaType } from '../ingest/detect.ts';
import { UnreadablePageError, type PageImage } from './page-image.ts';
import { pdfPageImages } from './pdf-images.ts';
import { readTiffPages, type TiffPageInfo } from './tiff.ts';

const A4_WIDTH_IN = 8.27;

/** DPI from the file, or from the width of an A4 page when the file says nothing useful. */
function dpiOf(density: number | undefined, width: number): number {
  if (density && density >= 100 && density <= 1200) return Math.round(density);
  return Math.max(70, Math.round(width / A4_WIDTH_IN));
}

async function rasterPage(data: Buffer, page: number, tiff?: TiffPageInfo): Promise<PageImage> {
  const img = sharp(data, { page, failOn: 'error', limitInputPixels: 20_000 * 20_000 });
  const meta: Metadata = await img.metadata();
  const xDpi = tiff?.xDpi ?? meta.density;
  // Fax pages (204 x 98 dpi) have tall pixels: stretch to square pixels at the horizontal resolution.
  const stretch = tiff?.xDpi && tiff.yDpi && Math.abs(tiff.xDpi / tiff.yDpi - 1) > 0.05 ? tiff.xDpi / tiff.yDpi : 1;
  let pipeline = img.rotate().flatten({ background: '#ffffff' }).toColourspace('b-w');
  if (stretch !== 1 && meta.width && meta.height) {
    pipeline = pipeline.resize(meta.width, Math.round(meta.height * stretch), { fit: 'fill' });
  }
  const { data: png, info } = await pipeline.png({ compressionLevel: 2 }).toBuffer({ resolveWithObject: true });
  return { png, width: info.width, height: info.height, dpi: dpiOf(xDpi, info.width), source: 'image' };
}

/** Splits a document file into one greyscale image per page (see pdfPageImages for PDFs). */
export async function extractPages(data: Buffer, mediaType: MediaType): Promise<PageImage[]> {
  try {
    switch (mediaType) {
      case 'application/pdf':
        return await pdfPageImages(data);
      case 'image/tiff': {
        const info = readTiffPages(data);
        if (info.length === 0) throw new UnreadablePageError('TIFF has no pages');
        const pages: PageImage[] = [];
        for (let i = 0; i < info.length; i++) pages.push(await rasterPage(data, i, info[i]));
        return pages;
      }
      case 'image/png':
      case 'image/jpeg':
        return [await rasterPage(data, 0)];
      default:
        throw new UnreadablePageError(`${mediaType} is not a document type`);
    }
  } catch (err) {
    if (err instanceof UnreadablePageError) throw err;
    throw new UnreadablePageError(`cannot read the file's pages: ${(err as Error).message.slice(0, 200)}`);
  }
}
