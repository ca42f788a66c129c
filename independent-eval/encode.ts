/**
 * File formats as scanners and fax servers write them: image-only PDF (JPEG, 8-bit Flate or
 * 1-bit Flate pages), TIFF (LZW grey, CCITT G4 bilevel, fax resolution 204 x 98 dpi), PNG, JPEG.
 */
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName } from 'pdf-lib';
import sharp from 'sharp';

export type FileFormat = 'pdf-jpeg' | 'pdf-flate' | 'pdf-bilevel' | 'png' | 'jpeg' | 'tiff-lzw' | 'tiff-g4' | 'tiff-fax';

/** One scanned page: 8-bit grey pixels (bilevel pages hold only 0 and 255). */
export interface ScanPage {
  data: Uint8Array;
  width: number;
  height: number;
  xDpi: number;
  yDpi: number;
  jpegQuality?: number;
}

const raw = (p: ScanPage) => sharp(Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength), { raw: { width: p.width, height: p.height, channels: 1 } }).toColourspace('b-w');

function pack1bit(p: ScanPage): Buffer {
  const rowBytes = Math.ceil(p.width / 8);
  const out = Buffer.alloc(rowBytes * p.height, 0xff); // 1 = white with the default Decode
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) if (p.data[y * p.width + x]! < 128) out[y * rowBytes + (x >> 3)]! &= ~(0x80 >> (x & 7));
  }
  return out;
}

async function pdf(pages: ScanPage[], kind: 'jpeg' | 'flate' | 'bilevel'): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setProducer('independent-eval scanner model');
  doc.setCreationDate(new Date(Date.UTC(2026, 10, 12)));
  doc.setModificationDate(new Date(Date.UTC(2026, 10, 12)));
  for (const p of pages) {
    const w = (p.width / p.xDpi) * 72;
    const h = (p.height / p.yDpi) * 72;
    const page = doc.addPage([w, h]);
    let stream;
    if (kind === 'jpeg') {
      const jpg = await raw(p).jpeg({ quality: p.jpegQuality ?? 80 }).toBuffer();
      stream = doc.context.stream(jpg, { Type: 'XObject', Subtype: 'Image', Width: p.width, Height: p.height, ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'DCTDecode' });
    } else if (kind === 'flate') {
      stream = doc.context.stream(deflateSync(Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength), { level: 6 }), { Type: 'XObject', Subtype: 'Image', Width: p.width, Height: p.height, ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'FlateDecode' });
    } else {
      stream = doc.context.stream(deflateSync(pack1bit(p), { level: 6 }), { Type: 'XObject', Subtype: 'Image', Width: p.width, Height: p.height, ColorSpace: 'DeviceGray', BitsPerComponent: 1, Filter: 'FlateDecode' });
    }
    const ref = doc.context.register(stream);
    const name = page.node.newXObject('Scan', ref);
    const content = doc.context.stream(`q ${w.toFixed(3)} 0 0 ${h.toFixed(3)} 0 0 cm /${name.decodeText()} Do Q`);
    page.node.set(PDFName.of('Contents'), doc.context.register(content));
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

async function tiff(pages: ScanPage[], compression: 'lzw' | 'ccittfax4'): Promise<Buffer> {
  const p0 = pages[0]!;
  const bilevel = compression === 'ccittfax4';
  const opts = {
    compression,
    xres: p0.xDpi / 25.4,
    yres: p0.yDpi / 25.4,
    resolutionUnit: 'inch' as const,
    ...(bilevel ? { bitdepth: 1 as const, miniswhite: true } : { predictor: 'horizontal' as const }),
  };
  if (pages.length === 1) return raw(p0).toColourspace('b-w').tiff(opts).toBuffer();
  const pngs = await Promise.all(pages.map((p) => raw(p).png({ compressionLevel: 1 }).toBuffer()));
  return sharp(pngs, { join: { animated: true } }).removeAlpha().toColourspace('b-w').tiff(opts).toBuffer();
}

/** The file for a document's pages; pages of a TIFF must share one size and resolution. */
export async function encodeFile(pages: ScanPage[], format: FileFormat): Promise<{ data: Buffer; ext: string }> {
  switch (format) {
    case 'pdf-jpeg':
      return { data: await pdf(pages, 'jpeg'), ext: 'pdf' };
    case 'pdf-flate':
      return { data: await pdf(pages, 'flate'), ext: 'pdf' };
    case 'pdf-bilevel':
      return { data: await pdf(pages, 'bilevel'), ext: 'pdf' };
    case 'png':
      return { data: await raw(pages[0]!).withMetadata({ density: pages[0]!.xDpi }).png().toBuffer(), ext: 'png' };
    case 'jpeg':
      return { data: await raw(pages[0]!).withMetadata({ density: pages[0]!.xDpi }).jpeg({ quality: pages[0]!.jpegQuality ?? 80 }).toBuffer(), ext: 'jpg' };
    case 'tiff-lzw':
      return { data: await tiff(pages, 'lzw'), ext: 'tif' };
    case 'tiff-g4':
    case 'tiff-fax':
      return { data: await tiff(pages, 'ccittfax4'), ext: 'tif' };
  }
}
