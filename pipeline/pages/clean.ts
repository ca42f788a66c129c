import sharp from 'sharp';

/**
 * Prepares a page for OCR: greyscale, stretch contrast, remove speckle, binarise.
 * Returns a PNG at the same size, so word positions still match the stored page image.
 */
export async function cleanForOcr(png: Buffer): Promise<Buffer> {
  return sharp(png).grayscale().normalise().median(3).threshold(160).png().toBuffer();
}
