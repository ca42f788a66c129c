import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { deflate as deflateCb, inflateSync } from 'node:zlib';
import { PDFArray, PDFBool, PDFDict, PDFName, PDFNull, PDFNumber, PDFObject, PDFRawStream, PDFRef, PDFStream, type PDFContext } from 'pdf-lib';
import { unpredict } from '../pages/pdf-images.ts';

/**
 * Lossless clean-up of a finished PDF before it is written, as qpdf and OCRmyPDF's optimiser do:
 * objects nothing refers to are dropped, identical objects are kept once (tesseract's
 * GlyphLessFont and its maps come with every page's text layer), Flate images are stored in the
 * colour depth their pixels have (grey in RGB as grey, black-and-white in grey as 1 bit), Flate
 * streams are compressed at zlib's highest level, unfiltered ones compressed, and a JPEG or fax
 * image gets a Flate layer on top where that saves (the image bytes inside are untouched).
 * Every pixel, the text and the structure stay as they were; the XMP metadata stays
 * uncompressed (PDF/A).
 */
export async function optimisePdf(context: PDFContext): Promise<void> {
  // Stream lengths are written at save; a length kept as an object of its own is dead weight.
  for (const [, obj] of context.enumerateIndirectObjects()) {
    if (obj instanceof PDFStream && obj.dict.get(PDFName.of('Length')) instanceof PDFRef) obj.dict.delete(PDFName.of('Length'));
  }
  collectGarbage(context);
  const settled = await reduceImages(context);
  await recompressStreams(context, settled);
  deduplicate(context);
}

function* childRefs(obj: PDFObject | undefined): Generator<PDFRef> {
  if (obj instanceof PDFRef) yield obj;
  else if (obj instanceof PDFDict) for (const v of obj.values()) yield* childRefs(v);
  else if (obj instanceof PDFArray) for (const v of obj.asArray()) yield* childRefs(v);
  else if (obj instanceof PDFStream) yield* childRefs(obj.dict);
}

/** Drops every indirect object not reachable from the trailer (catalog, document info). */
export function collectGarbage(context: PDFContext): number {
  const seen = new Set<PDFRef>();
  const todo: PDFRef[] = [context.trailerInfo.Root, context.trailerInfo.Info].filter((r): r is PDFRef => r instanceof PDFRef);
  while (todo.length) {
    const ref = todo.pop()!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    for (const child of childRefs(context.lookup(ref))) if (!seen.has(child)) todo.push(child);
  }
  let dropped = 0;
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (!seen.has(ref)) {
      context.delete(ref);
      dropped++;
    }
  }
  return dropped;
}

const name = (dict: PDFDict, key: string) => {
  const v = dict.get(PDFName.of(key));
  return v instanceof PDFName ? v.decodeText() : undefined;
};

const deflateAsync = promisify(deflateCb);
/**
 * zlib level 9 in libuv's thread pool: the same bytes as deflateSync, but a scanned page's image
 * (300-400 ms at level 9) no longer holds the worker's one JavaScript thread, which meanwhile
 * prepares other pages for OCR.
 */
const deflate = async (data: Uint8Array) => new Uint8Array(await deflateAsync(data, { level: 9 }));

/** Largest decoded image (bytes) looked at for a smaller colour depth: bigger ones stay as they are. */
const MAX_DECODED_IMAGE = 300 * 1024 * 1024;

/**
 * Flate images (8 bits, DeviceGray or DeviceRGB, with or without a PNG predictor) decoded and
 * stored again at the depth their pixels need: RGB whose pixels are all grey as DeviceGray, grey
 * whose pixels are all black or white as 1 bit; then deflated at level 9 without a predictor,
 * kept only when smaller. Exact: the same pixels come back. Returns the streams whose level-9
 * deflate is done (the new ones, and old ones whose pixels deflated as they are came out no
 * smaller): recompressStreams would deflate exactly the same bytes again for nothing.
 */
export async function reduceImages(context: PDFContext): Promise<Set<PDFObject>> {
  const settled = new Set<PDFObject>();
  for (const [ref, obj] of context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream)) continue;
    const d = obj.dict;
    if (name(d, 'Subtype') !== 'Image') continue;
    const filter = d.lookup(PDFName.of('Filter'));
    const only = filter instanceof PDFArray && filter.size() === 1 ? filter.lookup(0) : filter;
    if (!(only instanceof PDFName) || only.decodeText() !== 'FlateDecode') continue;
    if (d.has(PDFName.of('Decode')) || d.has(PDFName.of('Mask')) || d.lookup(PDFName.of('ImageMask')) instanceof PDFBool) continue;
    const cs = name(d, 'ColorSpace');
    const channels = cs === 'DeviceGray' ? 1 : cs === 'DeviceRGB' ? 3 : 0;
    const width = d.lookup(PDFName.of('Width'));
    const height = d.lookup(PDFName.of('Height'));
    const bpc = d.lookup(PDFName.of('BitsPerComponent'));
    if (!channels || !(width instanceof PDFNumber) || !(height instanceof PDFNumber) || !(bpc instanceof PDFNumber) || bpc.asNumber() !== 8) continue;
    const [w, h] = [width.asNumber(), height.asNumber()];
    if (w * h * channels > MAX_DECODED_IMAGE) continue;
    const p = d.lookup(PDFName.of('DecodeParms'));
    const parms = p instanceof PDFArray ? p.lookup(0) : p;
    const num = (k: string, dflt: number) => {
      const v = parms instanceof PDFDict ? parms.lookup(PDFName.of(k)) : undefined;
      return v instanceof PDFNumber ? v.asNumber() : dflt;
    };
    const predictor = num('Predictor', 1);
    if (parms && !(parms instanceof PDFDict) && parms !== PDFNull) continue;
    if (predictor !== 1 && (predictor < 10 || num('Colors', 1) !== channels || num('BitsPerComponent', 8) !== 8 || num('Columns', 1) !== w)) continue;
    let raw: Buffer;
    try {
      raw = inflateSync(obj.contents);
    } catch {
      continue;
    }
    if (predictor >= 10) raw = unpredict(raw, w * channels, channels);
    if (raw.length < w * h * channels) continue;
    let pixels = raw.subarray(0, w * h * channels);
    let grey = channels === 1;
    if (!grey) {
      grey = true;
      for (let i = 0; i < pixels.length; i += 3) if (pixels[i] !== pixels[i + 1] || pixels[i] !== pixels[i + 2]) { grey = false; break; }
      if (grey) {
        const g = Buffer.alloc(w * h);
        for (let i = 0; i < g.length; i++) g[i] = pixels[i * 3]!;
        pixels = g;
      }
    }
    let bits = 8;
    if (grey && pixels.every((v) => v === 0 || v === 255)) {
      const rowBytes = Math.ceil(w / 8);
      const packed = Buffer.alloc(rowBytes * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (pixels[y * w + x]) packed[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
      pixels = packed;
      bits = 1;
    }
    const data = await deflate(pixels);
    if (data.length >= obj.contents.length) {
      // The same bytes recompressStreams would make (inflated as they are, at level 9): not smaller there either.
      if (predictor === 1 && bits === 8 && grey === (channels === 1) && pixels.length === raw.length) settled.add(obj);
      continue;
    }
    const out = d.clone(context);
    out.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
    out.delete(PDFName.of('DecodeParms'));
    out.set(PDFName.of('ColorSpace'), PDFName.of(grey ? 'DeviceGray' : 'DeviceRGB'));
    out.set(PDFName.of('BitsPerComponent'), PDFNumber.of(bits));
    out.set(PDFName.of('Length'), PDFNumber.of(data.length));
    const reduced = PDFRawStream.of(out, data);
    context.assign(ref, reduced);
    settled.add(reduced);
  }
  return settled;
}

/**
 * Flate streams (without predictors) re-compressed at level 9; the outer Flate layer of a
 * [Flate, DCT] image dropped when the JPEG alone is smaller; unfiltered streams (fonts, CMaps,
 * content) compressed. Only where the result is smaller; never the XMP metadata. `settled`:
 * streams already deflated at level 9 from the same bytes (reduceImages).
 */
export async function recompressStreams(context: PDFContext, settled: ReadonlySet<PDFObject> = new Set()): Promise<void> {
  for (const [ref, obj] of context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream) || settled.has(obj)) continue;
    const dict = obj.dict;
    if (name(dict, 'Type') === 'Metadata') continue;
    const filter = dict.get(PDFName.of('Filter'));
    const filters = filter instanceof PDFArray ? filter.asArray() : filter ? [filter] : [];
    const names = filters.map((f) => (f instanceof PDFName ? f.decodeText() : '?'));
    // A JPEG, fax or JBIG2 image: a Flate layer in front where it saves (as OCRmyPDF does), the image bytes untouched.
    if (names.length === 1 && ['DCTDecode', 'CCITTFaxDecode', 'JBIG2Decode'].includes(names[0]!)) {
      const data = await deflate(obj.contents);
      if (data.length > obj.contents.length * 0.97 || obj.contents.length - data.length < 64) continue;
      const d = dict.clone(context);
      d.set(PDFName.of('Filter'), context.obj([PDFName.of('FlateDecode'), PDFName.of(names[0]!)]));
      const parms = dict.get(PDFName.of('DecodeParms'));
      if (parms) d.set(PDFName.of('DecodeParms'), context.obj([PDFNull, parms]));
      d.set(PDFName.of('Length'), PDFNumber.of(data.length));
      context.assign(ref, PDFRawStream.of(d, data));
      continue;
    }
    // Other streams with decode parameters (predictors, ...) are left as they are.
    if (dict.has(PDFName.of('DecodeParms'))) continue;
    let replacement: { data: Uint8Array; filters: string[] } | null = null;
    if (names.length === 0) {
      replacement = { data: await deflate(obj.contents), filters: ['FlateDecode'] };
    } else if (names[0] === 'FlateDecode') {
      let inner: Buffer;
      try {
        inner = inflateSync(obj.contents);
      } catch {
        continue; // damaged or truncated: leave it exactly as it came
      }
      const rest = names.slice(1);
      replacement = { data: await deflate(inner), filters: ['FlateDecode', ...rest] };
      // [Flate, DCT]: the JPEG alone may be smaller than the JPEG deflated.
      if (rest.length === 1 && rest[0] === 'DCTDecode' && inner.length <= replacement.data.length) replacement = { data: new Uint8Array(inner), filters: rest };
    }
    if (!replacement || replacement.data.length >= obj.contents.length) continue;
    const d = dict.clone(context);
    d.delete(PDFName.of('Filter'));
    if (replacement.filters.length === 1) d.set(PDFName.of('Filter'), PDFName.of(replacement.filters[0]!));
    else if (replacement.filters.length > 1) d.set(PDFName.of('Filter'), context.obj(replacement.filters.map((f) => PDFName.of(f))));
    d.set(PDFName.of('Length'), PDFNumber.of(replacement.data.length));
    context.assign(ref, PDFRawStream.of(d, replacement.data));
  }
}

// Never merged: each page, the page tree and the catalog are one of a kind by their place.
const UNIQUE_TYPES = new Set(['Page', 'Pages', 'Catalog', 'Metadata']);

/**
 * Keeps one copy of objects that are the same (same dictionary, same stream bytes, refer to the
 * same objects), repeated until nothing more merges, so whole chains (font → descendant font →
 * descriptor → font file) collapse into one. References are rewritten to the copy kept.
 */
export function deduplicate(context: PDFContext): number {
  const rep = new Map<PDFRef, PDFRef>();
  const resolve = (r: PDFRef): PDFRef => {
    let x = r;
    while (rep.has(x)) x = rep.get(x)!;
    return x;
  };
  const hashes = new Map<PDFRawStream, string>();
  const key = (obj: PDFObject): string => {
    if (obj instanceof PDFRef) return `@${resolve(obj).objectNumber}`;
    if (obj instanceof PDFDict) {
      return `<<${obj.entries().filter(([k]) => k.decodeText() !== 'Length').map(([k, v]) => `${k.toString()} ${key(v)}`).sort().join(' ')}>>`;
    }
    if (obj instanceof PDFArray) return `[${obj.asArray().map(key).join(' ')}]`;
    if (obj instanceof PDFRawStream) {
      let h = hashes.get(obj);
      if (!h) hashes.set(obj, (h = createHash('sha256').update(obj.contents).digest('hex')));
      return `${key(obj.dict)}stream${h}`;
    }
    return obj.toString();
  };
  let merged = 0;
  for (let round = 0; round < 10; round++) {
    const seen = new Map<string, PDFRef>();
    let changed = false;
    for (const [ref, obj] of context.enumerateIndirectObjects()) {
      if (rep.has(ref)) continue;
      if (obj instanceof PDFStream && !(obj instanceof PDFRawStream)) continue;
      const dict = obj instanceof PDFDict ? obj : obj instanceof PDFRawStream ? obj.dict : null;
      const type = dict ? name(dict, 'Type') : undefined;
      if (type && UNIQUE_TYPES.has(type)) continue;
      const k = key(obj);
      const first = seen.get(k);
      if (first) {
        rep.set(ref, first);
        changed = true;
        merged++;
      } else seen.set(k, ref);
    }
    if (!changed) break;
  }
  if (merged === 0) return 0;
  const rewrite = (obj: PDFObject | undefined): void => {
    if (obj instanceof PDFDict) {
      for (const [k, v] of obj.entries()) {
        if (v instanceof PDFRef && rep.has(v)) obj.set(k, resolve(v));
        else rewrite(v);
      }
    } else if (obj instanceof PDFArray) {
      for (let i = 0; i < obj.size(); i++) {
        const v = obj.get(i);
        if (v instanceof PDFRef && rep.has(v)) obj.set(i, resolve(v));
        else rewrite(v);
      }
    } else if (obj instanceof PDFStream) rewrite(obj.dict);
  };
  for (const [ref, obj] of context.enumerateIndirectObjects()) {
    if (rep.has(ref)) context.delete(ref);
    else rewrite(obj);
  }
  return merged;
}
