import { createInflate, inflateSync } from 'node:zlib';
import { UnreadablePageError } from './page-image.ts';

/**
 * Limits that keep one hostile or absurd file from taking a worker's memory: a 1.5 MB PDF whose
 * compressed streams expand to gigabytes, a zip that expands a thousandfold, a file of ten
 * thousand pages. Everything is measured before it is decoded, without keeping the output.
 */
export interface DecodeLimits {
  /** Largest decoded size of any one compressed stream (PDF stream, zip entry, TIFF page). */
  maxStreamBytes: number;
  /** Most pages one file may have. */
  maxPages: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxStreamBytes: 256 * 1024 ** 2, maxPages: 3000 };

/** The file is refused by a limit; the message is for the mail room (Norwegian, with the numbers). */
export class LimitExceededError extends UnreadablePageError {
  constructor(message: string, readonly limit: 'stream' | 'pages') {
    super(message);
    this.name = 'LimitExceededError';
  }
}

export const mib = (n: number) => Math.round(n / 1024 ** 2).toLocaleString('nb-NO');

export function tooLargeStreamMessage(limitBytes: number): string {
  return `Filen inneholder en komprimert del som pakkes ut til mer enn ${mib(limitBytes)} MB (grensen er ${mib(limitBytes)} MB per del). ` +
    'Slike filer leses ikke maskinelt fordi de kan stanse skanningen for alle. Be om filen på nytt, eller skann papiret igjen.';
}

export function tooLargeInlineImageMessage(width: number, height: number, limitBytes: number): string {
  return `Filen inneholder et innebygd bilde på ${width.toLocaleString('nb-NO')} × ${height.toLocaleString('nb-NO')} punkter, som pakkes ut til mer enn ${mib(limitBytes)} MB ` +
    `(grensen er ${mib(limitBytes)} MB per del). Slike filer leses ikke maskinelt fordi de kan stanse skanningen for alle. Be om filen på nytt, eller skann papiret igjen.`;
}

export function tooManyPagesMessage(pages: number, maxPages: number): string {
  return `Filen har ${pages.toLocaleString('nb-NO')} sider, og grensen er ${maxPages.toLocaleString('nb-NO')} sider per fil. ` +
    'Del filen i flere og send dem inn på nytt.';
}

export function checkPageCount(pages: number, limits: DecodeLimits): void {
  if (pages > limits.maxPages) throw new LimitExceededError(tooManyPagesMessage(pages, limits.maxPages), 'pages');
}

// Deflate expands at most about 1032:1, LZW (12-bit codes, strings up to 4096 bytes) at most
// about 2731:1, run-length 64:1: a stream shorter than limit/ratio cannot exceed the limit.
const MAX_RATIO: Record<string, number> = { FlateDecode: 1100, LZWDecode: 2800, RunLengthDecode: 65 };
const EXPANDING = new Set(Object.keys(MAX_RATIO));

/** Decoded size of a zlib stream, counted without keeping the output; stops once over `limit`. */
export function inflatedSize(data: Uint8Array, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const z = createInflate({ chunkSize: 64 * 1024 });
    let n = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      z.removeAllListeners('data');
      resolve(n);
    };
    z.on('data', (c: Buffer) => {
      n += c.length;
      if (n > limit) {
        finish();
        z.destroy();
      }
    });
    // A damaged stream counts as what it gave before the damage (pdf.js reads that far too).
    z.on('error', finish);
    z.on('end', finish);
    z.on('close', finish);
    z.end(data);
  });
}

/** Decoded size of an LZW stream (PDF's variant, EarlyChange 1 by default), counted without output. */
export function lzwSize(data: Uint8Array, limit: number, earlyChange = 1): number {
  let lens = new Uint16Array(4096);
  let next = 258;
  let codeLen = 9;
  let prevLen = -1;
  let n = 0;
  let bitBuf = 0;
  let bits = 0;
  for (let i = 0; i < data.length; i++) {
    bitBuf = ((bitBuf << 8) | data[i]!) >>> 0;
    bits += 8;
    while (bits >= codeLen) {
      const code = (bitBuf >>> (bits - codeLen)) & ((1 << codeLen) - 1);
      bits -= codeLen;
      if (code === 256) {
        lens = new Uint16Array(4096);
        next = 258;
        codeLen = 9;
        prevLen = -1;
        continue;
      }
      if (code === 257) return n;
      let len: number;
      if (code < 256) len = 1;
      else if (code < next) len = lens[code]!;
      else if (code === next && prevLen > 0) len = prevLen + 1;
      else return n; // broken stream
      n += len;
      if (n > limit) return n;
      if (prevLen > 0 && next < 4096) lens[next++] = prevLen + 1;
      prevLen = len;
      if (next + earlyChange >= 1 << codeLen && codeLen < 12) codeLen++;
    }
  }
  return n;
}

/** Decoded size of a run-length stream. */
export function runLengthSize(data: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < data.length;) {
    const len = data[i]!;
    if (len === 128) break;
    if (len < 128) {
      n += len + 1;
      i += len + 2;
    } else {
      n += 257 - len;
      i += 2;
    }
  }
  return n;
}

function asciiHex(data: Uint8Array): Buffer {
  const s = Buffer.from(data).toString('latin1').replace(/>.*$/s, '').replace(/[^0-9a-fA-F]/g, '');
  return Buffer.from(s.length % 2 ? `${s}0` : s, 'hex');
}

function ascii85(data: Uint8Array): Buffer {
  const s = Buffer.from(data).toString('latin1').replace(/~>.*$/s, '').replace(/\s/g, '').replace(/^<~/, '');
  const out: number[] = [];
  let group: number[] = [];
  const flush = (g: number[], keep: number) => {
    let v = 0;
    for (const c of g) v = v * 85 + c;
    for (let k = 3; k >= 4 - keep; k--) out.push((v >>> (8 * k)) & 0xff);
  };
  for (const ch of s) {
    if (ch === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    const c = ch.charCodeAt(0) - 33;
    if (c < 0 || c > 84) continue;
    group.push(c);
    if (group.length === 5) {
      flush(group, 4);
      group = [];
    }
  }
  if (group.length > 1) {
    const keep = group.length - 1;
    while (group.length < 5) group.push(84);
    flush(group, keep);
  }
  return Buffer.from(out);
}

/**
 * Decoded size of a stream through its filter chain, or more than `limit` once it is clear the
 * limit is exceeded. ASCII filters (which only shrink) are applied; an expanding filter that is
 * not last is decoded with the limit as its ceiling; the last one is only counted.
 */
export async function decodedSize(data: Uint8Array, filters: string[], limit: number): Promise<number> {
  let bytes: Uint8Array = data;
  for (const [i, f] of filters.entries()) {
    const last = i === filters.length - 1;
    if (f === 'ASCIIHexDecode' || f === 'AHx') bytes = asciiHex(bytes);
    else if (f === 'ASCII85Decode' || f === 'A85') bytes = ascii85(bytes);
    else if (f === 'FlateDecode' || f === 'Fl' || f === 'LZWDecode' || f === 'LZW' || f === 'RunLengthDecode' || f === 'RL') {
      const kind = f.startsWith('F') ? 'FlateDecode' : f.startsWith('L') ? 'LZWDecode' : 'RunLengthDecode';
      if (last && bytes.length * MAX_RATIO[kind]! <= limit) return bytes.length * MAX_RATIO[kind]!;
      const size = kind === 'FlateDecode' ? await inflatedSize(bytes, limit) : kind === 'LZWDecode' ? lzwSize(bytes, limit) : runLengthSize(bytes);
      if (size > limit || last) return size;
      // Not last (a chain such as Flate then Flate): decode for real, now known to fit the limit.
      bytes = kind === 'FlateDecode' ? inflateSync(bytes, { maxOutputLength: limit + 1 }) : bytes;
      if (kind !== 'FlateDecode') return size; // LZW or run-length before another filter: only its size is known
    } else {
      // Image codecs (DCT, CCITT, JBIG2, JPX) are bounded by the image's declared size, which
      // the page code checks before decoding.
      return bytes.length;
    }
  }
  return bytes.length;
}

export interface PdfStreamSurvey {
  streams: number;
  /** Streams that had to be inflated to be measured (the others are too short to exceed the limit). */
  inflated: number;
  /** Inline images (BI … ID … EI in content streams) whose declared size was checked. */
  inlineImages: number;
}

/** Content streams up to this decoded size are searched for inline images (larger ones are no page a scanner writes). */
const INLINE_SCAN_BYTES = 32 * 1024 ** 2;
const COMPONENTS: Record<string, number> = { G: 1, DeviceGray: 1, I: 1, Indexed: 1, RGB: 3, DeviceRGB: 3, CMYK: 4, DeviceCMYK: 4 };
// Streams that are no content: images, fonts, metadata, cross-reference and object streams.
const NOT_CONTENT = /\/Subtype\s*\/(Image|Type1C|CIDFontType0C|OpenType|XML)|\/Type\s*\/(XRef|ObjStm|Metadata|EmbeddedFile)|\/Length[123]\s/;

/**
 * Inline images of a content stream (`BI <dict> ID <data> EI`): pdf.js allocates what the
 * dictionary declares (width × height, and 4 bytes a pixel to paint it) however small the data,
 * so the declared size is held to the stream limit. Returns how many were checked.
 */
export function checkInlineImages(content: Uint8Array, limits: DecodeLimits): number {
  const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1');
  const re = /(?:^|[\s\]>)}])BI\s([\s\S]*?)\sID[\s]/g;
  let n = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    n++;
    const dict = m[1]!;
    const num = (...keys: string[]) => {
      for (const k of keys) {
        const v = new RegExp(`/${k}\\s+(\\d+)`).exec(dict);
        if (v) return Number(v[1]);
      }
      return undefined;
    };
    const w = num('W', 'Width') ?? 0;
    const h = num('H', 'Height') ?? 0;
    const mask = /\/(IM|ImageMask)\s+true/.test(dict);
    const bpc = mask ? 1 : num('BPC', 'BitsPerComponent') ?? 8;
    const cs = /\/(CS|ColorSpace)\s*(?:\[\s*)?\/(\w+)/.exec(dict)?.[2];
    const comps = mask ? 1 : COMPONENTS[cs ?? 'G'] ?? 4;
    const decoded = Math.ceil((w * comps * bpc) / 8) * h;
    if (Math.max(decoded, w * h * 4) > limits.maxStreamBytes) throw new LimitExceededError(tooLargeInlineImageMessage(w, h, limits.maxStreamBytes), 'stream');
    re.lastIndex = m.index + m[0].length;
  }
  return n;
}

/** A stream's decoded bytes for the inline-image search (Flate and ASCII filters; others are not searched). */
function decodedForSearch(body: Uint8Array, filters: string[], limit: number): Uint8Array | null {
  let bytes: Uint8Array = body;
  for (const f of filters) {
    if (f === 'FlateDecode' || f === 'Fl') {
      try {
        bytes = inflateSync(bytes, { maxOutputLength: limit });
      } catch {
        return null; // damaged or over the bound: measured above, not searched
      }
    } else if (f === 'ASCIIHexDecode' || f === 'AHx') bytes = asciiHex(bytes);
    else if (f === 'ASCII85Decode' || f === 'A85') bytes = ascii85(bytes);
    else return null;
  }
  return bytes;
}

const FILTER_RE = /\/Filter\s*(\[[^\]]*\]|\/[^\s/<>[\]()]+)/;
const LENGTH_RE = /\/Length\s+(\d+)(?!\s+\d+\s+R)/;

/**
 * Every stream of a PDF, measured on the raw file before pdf-lib or pdf.js decode anything
 * (pdf-lib inflates object streams while loading; pdf.js inflates content, fonts and images
 * while rendering). Throws LimitExceededError when one stream decodes to more than the limit.
 * Encrypted streams cannot be measured before decryption: they count as their stored size.
 */
export async function checkPdfStreams(data: Buffer, limits: DecodeLimits): Promise<PdfStreamSurvey> {
  const survey: PdfStreamSurvey = { streams: 0, inflated: 0, inlineImages: 0 };
  let pos = 0;
  for (;;) {
    const at = data.indexOf('stream', pos, 'latin1');
    if (at < 0) break;
    pos = at + 6;
    if (at >= 3 && data.toString('latin1', at - 3, at) === 'end') continue;
    let start = at + 6;
    if (data[start] === 13) start++;
    if (data[start] === 10) start++;
    else if (data[start - 1] !== 13) continue; // the word inside something else
    const head = data.toString('latin1', Math.max(0, at - 4096), at);
    const dictAt = head.lastIndexOf(' obj');
    const dict = dictAt >= 0 ? head.slice(dictAt) : head.slice(-1024);
    if (!dict.includes('>>')) continue;
    survey.streams++;
    const declared = Number(LENGTH_RE.exec(dict)?.[1] ?? NaN);
    let end = Number.isFinite(declared) && start + declared <= data.length && data.indexOf('endstream', start + declared, 'latin1') - (start + declared) < 16
      ? start + declared
      : data.indexOf('endstream', start, 'latin1');
    if (end < 0) end = data.length;
    pos = Math.max(pos, end);
    const filterMatch = FILTER_RE.exec(dict);
    const filters = filterMatch ? [...filterMatch[1]!.matchAll(/\/([^\s/<>[\]()]+)/g)].map((m) => m[1]!) : [];
    const body = data.subarray(start, end);
    const content = !NOT_CONTENT.test(dict);
    if (filters.some((f) => EXPANDING.has(f) || ['Fl', 'LZW', 'RL'].includes(f))) {
      if (body.length * 1100 > limits.maxStreamBytes || filters.length > 1) survey.inflated++;
      const size = await decodedSize(body, filters, limits.maxStreamBytes);
      if (size > limits.maxStreamBytes) throw new LimitExceededError(tooLargeStreamMessage(limits.maxStreamBytes), 'stream');
    }
    if (content) {
      const decoded = filters.length ? decodedForSearch(body, filters, Math.min(limits.maxStreamBytes, INLINE_SCAN_BYTES)) : body;
      if (decoded && Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength).includes('BI', 0, 'latin1')) survey.inlineImages += checkInlineImages(decoded, limits);
    }
  }
  return survey;
}
