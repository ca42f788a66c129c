/**
 * Just enough TIFF to count pages, read each page's resolution (fax pages have different
 * horizontal and vertical resolution, which sharp does not report) and to wrap a bare CCITT
 * stream from a PDF in a TIFF so libtiff (through sharp) can decode it.
 */

export interface TiffPageInfo {
  width: number;
  height: number;
  /** Pixels per inch, horizontally and vertically; undefined when the file does not say. */
  xDpi?: number;
  yDpi?: number;
  compression: number;
  /** Bytes of the decoded raster (width × height × samples × bits / 8): what decoding the page costs. */
  rasterBytes: number;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

/** Page descriptions from a TIFF's IFD chain; throws on a malformed file. */
export function readTiffPages(data: Buffer): TiffPageInfo[] {
  const order = data.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new Error('not a TIFF');
  const le = order === 'II';
  const u16 = (o: number) => (le ? data.readUInt16LE(o) : data.readUInt16BE(o));
  const u32 = (o: number) => (le ? data.readUInt32LE(o) : data.readUInt32BE(o));
  if (u16(2) !== 42) throw new Error('not a classic TIFF');
  const pages: TiffPageInfo[] = [];
  const seen = new Set<number>();
  let ifd = u32(4);
  while (ifd !== 0) {
    if (seen.has(ifd) || ifd + 2 > data.length) throw new Error('broken IFD chain');
    seen.add(ifd);
    const n = u16(ifd);
    const tags = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + i * 12;
      const tag = u16(e);
      const type = u16(e + 2);
      const count = u32(e + 4);
      const size = (TYPE_SIZE[type] ?? 1) * count;
      const at = size <= 4 ? e + 8 : u32(e + 8);
      if (at + Math.min(size, 8) > data.length) continue;
      let v: number;
      if (type === 3) v = u16(at);
      else if (type === 4) v = u32(at);
      else if (type === 5) v = u32(at) / Math.max(1, u32(at + 4));
      else continue;
      tags.set(tag, v);
    }
    const unit = tags.get(296) ?? 2; // 2 inch, 3 centimetre
    const toDpi = (v: number | undefined) => (v === undefined || v <= 0 ? undefined : unit === 3 ? v * 2.54 : unit === 2 ? v : undefined);
    pages.push({
      width: tags.get(256) ?? 0,
      height: tags.get(257) ?? 0,
      xDpi: toDpi(tags.get(282)),
      yDpi: toDpi(tags.get(283)),
      compression: tags.get(259) ?? 1,
      rasterBytes: Math.ceil(((tags.get(256) ?? 0) * (tags.get(277) ?? 1) * (tags.get(258) ?? 1)) / 8) * (tags.get(257) ?? 0),
    });
    ifd = u32(ifd + 2 + n * 12);
  }
  return pages;
}

export interface CcittParams {
  width: number;
  height: number;
  /** PDF /K: < 0 pure 2D (Group 4), 0 1D (Group 3), > 0 mixed. */
  k: number;
  /** PDF /BlackIs1: 1 bits are black. */
  blackIs1: boolean;
  /** PDF /EncodedByteAlign. */
  byteAlign?: boolean;
}

/**
 * A one-strip TIFF around CCITT Group 4 data taken from a PDF stream (/K < 0). In PDF, 0 bits
 * are black unless /BlackIs1; in TIFF that is PhotometricInterpretation 1 (BlackIsZero).
 */
export function wrapCcittG4(data: Uint8Array, p: CcittParams): Buffer {
  if (p.k >= 0) throw new Error('only Group 4 (K < 0) is wrapped');
  const entries: Array<[tag: number, type: number, value: number]> = [
    [256, 4, p.width],
    [257, 4, p.height],
    [258, 3, 1],
    [259, 3, 4],
    [262, 3, p.blackIs1 ? 0 : 1],
    [273, 4, 0], // strip offset, patched below
    [277, 3, 1],
    [278, 4, p.height],
    [279, 4, data.length],
    [293, 4, 0], // T6Options
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const header = Buffer.alloc(8 + ifdSize);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(42, 2);
  header.writeUInt32LE(8, 4);
  header.writeUInt16LE(entries.length, 8);
  const dataOffset = 8 + ifdSize;
  entries.forEach(([tag, type, value], i) => {
    const e = 10 + i * 12;
    header.writeUInt16LE(tag, e);
    header.writeUInt16LE(type, e + 2);
    header.writeUInt32LE(1, e + 4);
    const v = tag === 273 ? dataOffset : value;
    if (type === 3) header.writeUInt16LE(v, e + 8);
    else header.writeUInt32LE(v, e + 8);
  });
  header.writeUInt32LE(0, 10 + entries.length * 12);
  return Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
