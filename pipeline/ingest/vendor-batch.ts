import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SkanningMetadata } from '../../schemas/vendor-metadata.ts';
import { detectMediaType } from './detect.ts';
import type { ZipEntry } from './unzip.ts';

export interface VendorDocument {
  baseName: string;
  pdfName: string;
  pdf: Buffer;
  xml: Buffer;
  metadata: SkanningMetadata;
}

export interface SetAside {
  name: string;
  reason: string;
  data?: Buffer;
}

export interface VendorBatch {
  documents: VendorDocument[];
  setAside: SetAside[];
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** Parses one skanningmetadata XML; throws an Error whose message is fit for the mail room. */
export function parseSkanningMetadata(xml: Buffer): SkanningMetadata {
  const text = xml.toString('utf8').replace(/^\uFEFF/, '');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`XML is not well-formed (line ${valid.err.line}): ${valid.err.msg}`);
  const parsed = SkanningMetadata.safeParse(parser.parse(text));
  if (!parsed.success) {
    throw new Error(`XML is not valid skanningmetadata: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data.skanningmetadata;
}

/**
 * Pairs a vendor zip's entries into documents: one PDF and one XML with the same base name.
 * Anything that does not pair up is set aside with a reason; the rest of the batch goes on.
 */
export function pairVendorEntries(entries: ZipEntry[]): VendorBatch {
  const groups = new Map<string, { pdf?: ZipEntry; xml?: ZipEntry; extra: ZipEntry[] }>();
  const setAside: SetAside[] = [];
  for (const entry of entries) {
    const base = path.posix.basename(entry.name);
    if (base.startsWith('.') || entry.name.startsWith('__MACOSX/')) continue;
    if (entry.name.includes('..') || path.posix.isAbsolute(entry.name)) {
      setAside.push({ name: entry.name, reason: 'unsafe path in zip' });
      continue;
    }
    const ext = path.posix.extname(base).toLowerCase();
    const key = entry.name.slice(0, entry.name.length - ext.length);
    const g = groups.get(key) ?? { extra: [] };
    if (ext === '.pdf' && !g.pdf) g.pdf = entry;
    else if (ext === '.xml' && !g.xml) g.xml = entry;
    else g.extra.push(entry);
    groups.set(key, g);
  }

  const documents: VendorDocument[] = [];
  for (const [key, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    for (const e of g.extra) setAside.push({ name: e.name, reason: 'not part of a PDF + XML pair', data: e.data });
    if (!g.pdf || !g.xml) {
      const have = g.pdf ?? g.xml;
      if (have) setAside.push({ name: have.name, reason: g.pdf ? 'PDF without its XML (skanningmetadata)' : 'XML without its PDF', data: have.data });
      continue;
    }
    if (detectMediaType(g.pdf.data) !== 'application/pdf') {
      setAside.push({ name: g.pdf.name, reason: 'file named .pdf is not a PDF', data: g.pdf.data });
      continue;
    }
    try {
      const metadata = parseSkanningMetadata(g.xml.data);
      documents.push({ baseName: key, pdfName: g.pdf.name, pdf: g.pdf.data, xml: g.xml.data, metadata });
    } catch (err) {
      setAside.push({ name: g.xml.name, reason: (err as Error).message, data: g.pdf.data });
    }
  }
  return { documents, setAside };
}
