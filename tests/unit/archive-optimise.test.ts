import { deflateSync, inflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { recompressStreams, reduceImages } from '../../pipeline/archive/optimise.ts';

/** A grey page-like image: paper with dark text-like stripes and grain (not all black and white). */
function greyImage(w: number, h: number): Buffer {
  const px = Buffer.alloc(w * h, 235);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((y % 12 < 3 && x % 9 < 6) || (x * 7 + y * 13) % 29 === 0) px[y * w + x] = 40 + ((x + y) % 50);
  return px;
}

async function imageDoc(): Promise<{ doc: PDFDocument; reducible: PDFRawStream; asIs: PDFRawStream }> {
  const doc = await PDFDocument.create();
  const [w, h] = [240, 160];
  const grey = greyImage(w, h);
  // Grey stored as RGB (reduced to DeviceGray), and grey deflated at a poor level (no smaller at depth 8).
  const rgb = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = grey[i]!;
  const reducible = doc.context.stream(new Uint8Array(deflateSync(rgb, { level: 1 })), { Type: 'XObject', Subtype: 'Image', Width: w, Height: h, ColorSpace: 'DeviceRGB', BitsPerComponent: 8, Filter: 'FlateDecode' });
  const asIs = doc.context.stream(new Uint8Array(deflateSync(grey, { level: 9 })), { Type: 'XObject', Subtype: 'Image', Width: w, Height: h, ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'FlateDecode' });
  const page = doc.addPage([w, h]);
  page.node.setXObject(PDFName.of('Im1'), doc.context.register(reducible));
  page.node.setXObject(PDFName.of('Im2'), doc.context.register(asIs));
  return { doc, reducible, asIs };
}

const streams = (doc: PDFDocument) => doc.context.enumerateIndirectObjects().filter(([, o]) => o instanceof PDFRawStream).map(([r, o]) => [r.objectNumber, Buffer.from((o as PDFRawStream).contents).toString('base64')]);

describe('archive optimiser: each image deflated once (issue 14)', () => {
  it('tells which streams reduceImages already deflated at level 9, and recompressStreams leaves exactly those alone', async () => {
    const { doc, asIs } = await imageDoc();
    const settled = await reduceImages(doc.context);
    const objs = doc.context.enumerateIndirectObjects().map(([, o]) => o);
    // The RGB image now DeviceGray, the grey one unchanged: both are settled.
    const reduced = objs.find((o) => o instanceof PDFRawStream && o.dict.get(PDFName.of('ColorSpace'))?.toString() === '/DeviceGray' && o !== asIs)!;
    expect(settled.has(reduced)).toBe(true);
    expect(settled.has(asIs)).toBe(true);
    expect(settled.size).toBe(2);
    expect(inflateSync((reduced as PDFRawStream).contents).length).toBe(240 * 160);
  });

  it('gives the same bytes as recompressing every stream again', async () => {
    const a = await imageDoc();
    const b = await imageDoc();
    await recompressStreams(a.doc.context, await reduceImages(a.doc.context));
    await reduceImages(b.doc.context);
    await recompressStreams(b.doc.context);
    expect(streams(a.doc)).toEqual(streams(b.doc));
  });
});
