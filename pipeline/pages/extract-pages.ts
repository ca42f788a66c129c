import sharp, { type Metadata } from 'sharp';
import type { MediaType } from '../ingest/detect.ts';
import { UnreadablePageError, type PageImage } from './page-image.ts';
import { checkPageCount, DEFAULT_DECODE_LIMITS, LimitExceededError, tooLargeStreamMessage, type DecodeLimits } from './limits.ts';
import { bytesOf, greyAndPng, MAX_PAGE_PIXELS, MAX_SOURCE_PIXELS, pdfPageCount, pdfPages, type FileBytes, type PageRange } from './pdf-images.ts';
import { readTiffPages, type TiffPageInfo } from './tiff.ts';

const A4_WIDTH_IN = 8.27;

/** DPI from the file, or from the width of an A4 page when the file says nothing useful. */
function dpiOf(density: number | undefined, width: number): number {
  if (density && density >= 100 && density <= 1200) return Math.round(density);
  return Math.max(70, Math.round(width / A4_WIDTH_IN));
}

async function rasterPage(data: Buffer, page: number, limits: DecodeLimits, tiff?: TiffPageInfo): Promise<PageImage> {
  const img = sharp(data, { page, failOn: 'error', limitInputPixels: MAX_SOURCE_PIXELS });
  const meta: Metadata = await img.metadata();
  // PNG and TIFF strips are compressed: what the decoded page costs (8 bits per sample) is the limit.
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels <= MAX_SOURCE_PIXELS && pixels * (meta.channels ?? 1) > limits.maxStreamBytes) {
    throw new LimitExceededError(tooLargeStreamMessage(limits.maxStreamBytes), 'stream');
  }
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
  const { png, grey } = await greyAndPng(pipeline);
  return { png, grey, width: grey.width, height: grey.height, dpi, source: 'image', ...(notes.length ? { notes } : {}) };
}

/** Every page of a file at once, for tools and tests (the split stage takes pageImages one by one). */
export async function extractPages(data: Buffer, mediaType: MediaType, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<PageImage[]> {
  const pages: PageImage[] = [];
  for await (const { grey: _, ...p } of pageImages(data, mediaType, limits)) pages.push(p);
  return pages;
}

/** What the mail room is told instead of a library's error (a JavaScript or libvips message means nothing to it). */
function unreadable(err: unknown): UnreadablePageError {
  if (err instanceof UnreadablePageError) return err;
  const message = (err as Error).message ?? '';
  if (/pixel limit/i.test(message)) {
    return new UnreadablePageError(`Bildet er for stort til å leses maskinelt (over ${MAX_SOURCE_PIXELS / 1e6} megapiksler). Skann siden på nytt med lavere oppløsning.`);
  }
  return new UnreadablePageError('Sidene i filen kunne ikke leses: filen er skadet eller ufullstendig. Be om filen på nytt, eller skann papiret igjen.');
}

/** TIFF pages, refused over the page cap or when a page's decoded raster is over the stream limit. */
function tiffPages(data: Buffer, limits: DecodeLimits): TiffPageInfo[] {
  const info = readTiffPages(data);
  if (info.length === 0) throw new UnreadablePageError('TIFF-filen har ingen sider.');
  checkPageCount(info.length, limits);
  // A page's strips may be Deflate or LZW: its decoded raster is what it costs.
  if (info.some((p) => p.rasterBytes > limits.maxStreamBytes)) throw new LimitExceededError(tooLargeStreamMessage(limits.maxStreamBytes), 'stream');
  return info;
}

/**
 * How many pages a file has, after the checks pageImages makes before decoding (stream limit,
 * page cap): what the split stage plans its page jobs by. Decodes no page.
 */
export async function pageCount(data: Buffer, mediaType: MediaType, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, shareAs?: string): Promise<number> {
  try {
    switch (mediaType) {
      case 'application/pdf':
        return await pdfPageCount(data, limits, shareAs);
      case 'image/tiff':
        return tiffPages(data, limits).length;
      case 'image/png':
      case 'image/jpeg':
        return 1;
      default:
        throw new UnreadablePageError('Filen er ikke en PDF, TIFF, PNG eller JPEG og kan ikke leses som et dokument.');
    }
  } catch (err) {
    throw unreadable(err);
  }
}

/**
 * A document file as one greyscale image per page, made one at a time so a long file never
 * holds all its pages in memory (see pdfPages for PDFs). Files over the page cap, and
 * compressed parts that would expand past the stream limit, are refused before decoding.
 * `pages`: only these (a range of a long file, made by its own page job); `shareAs`: keep the
 * parsed PDF for the next range (see pdfPages); `data` may be a fetch, called only when needed.
 */
export async function* pageImages(data: FileBytes, mediaType: MediaType, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, pages?: PageRange, shareAs?: string): AsyncGenerator<PageImage, void, undefined> {
  try {
    switch (mediaType) {
      case 'application/pdf':
        yield* pdfPages(data, { limits, pages, shareAs });
        return;
      case 'image/tiff': {
        const bytes = await bytesOf(data);
        const info = tiffPages(bytes, limits);
        const last = Math.min(info.length, pages?.last ?? info.length);
        for (let i = Math.max(1, pages?.first ?? 1) - 1; i < last; i++) yield await rasterPage(bytes, i, limits, info[i]);
        return;
      }
      case 'image/png':
      case 'image/jpeg':
        yield await rasterPage(await bytesOf(data), 0, limits);
        return;
      default:
        throw new UnreadablePageError('Filen er ikke en PDF, TIFF, PNG eller JPEG og kan ikke leses som et dokument.');
    }
  } catch (err) {
    throw unreadable(err);
  }
}
