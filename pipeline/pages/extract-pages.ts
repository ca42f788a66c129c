import sharp, { type Metadata, type Sharp } from 'sharp';
import type { MediaType } from '../ingest/detect.ts';
import { UnreadablePageError, type PageImage } from './page-image.ts';
import { pdfPageImages } from './pdf-images.ts';

const A4_WIDTH_IN = 8.27;

/** DPI from the file, or from the width of an A4 page when the file says nothing useful. */
function dpiOf(meta: Metadata, width: number): number {
  if (meta.density && meta.density >= 100 && meta.density <= 1200) return Math.round(meta.density);
  return Math.max(70, Math.round(width / A4_WIDTH_IN));
}

async function rasterPage(data: Buffer, page: number): Promise<PageImage> {
  const img = sharp(data, { page, failOn: 'error' });
  const meta = await img.metadata();
  const { data: png, info } = await img.rotate().grayscale().png().toBuffer({ resolveWithObject: true });
  return { png, width: info.width, height: info.height, dpi: dpiOf(meta, info.width) };
}

/** Splits a document file into one greyscale image per page. */
export async function extractPages(data: Buffer, mediaType: MediaType): Promise<PageImage[]> {
  try {
    switch (mediaType) {
      case 'application/pdf':
        return await pdfPageImages(data);
      case 'image/tiff': {
        const count = (await sharp(data).metadata()).pages ?? 1;
        const pages: PageImage[] = [];
        for (let i = 0; i < count; i++) pages.push(await rasterPage(data, i));
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
