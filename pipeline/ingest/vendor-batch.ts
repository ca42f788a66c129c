import path from 'node:path';
import type { PostKind, SkanningMetadata } from '../../schemas/vendor-metadata.ts';
import { detectMediaType } from './detect.ts';
import {
  MAX_XML_BYTES, postKindFromBatchName, postKindFromXml, readValidMetadata, validateAgainstXsd, vendorOcrText, XSD_FILE,
} from './skanningmetadata.ts';
import type { ZipEntry } from './unzip.ts';

/** One filed pair: the PDF, its skanningmetadata XML and, for sick-leave post, the vendor's OCR text. */
export interface VendorDocument {
  baseName: string;
  /** NAV's eksternReferanseId: the pair's file name with `.pdf` (no folder), unique per delivery. */
  reference: string;
  pdfName: string;
  pdf: Buffer;
  xmlName: string;
  xml: Buffer;
  ocr?: { name: string; data: Buffer };
  metadata: SkanningMetadata;
}

/** A file the mail room must look at, with the reason in words; every file of a refused pair is kept. */
export interface SetAside {
  name: string;
  reason: string;
  data?: Buffer;
  /** The pair's eksternReferanseId, when the entry belongs to a pair (for reconciliation). */
  reference?: string;
}

export interface VendorBatch {
  kind: PostKind | null;
  documents: VendorDocument[];
  setAside: SetAside[];
}

const MAX_ENTRY_NAME = 255;
const shortName = (n: string) => (n.length > 120 ? `${n.slice(0, 100)}…(${n.length} tegn)` : n);

/** True when a zip looks like a vendor batch: it carries skanningmetadata XML. */
export function isVendorBatch(entries: ZipEntry[]): boolean {
  return entries.some((e) => e.name.toLowerCase().endsWith('.xml'));
}

interface Group {
  key: string;
  pdf?: ZipEntry;
  xml?: ZipEntry;
  ocr?: ZipEntry;
  extra: ZipEntry[];
}

/**
 * Pairs a vendor zip's entries (PDF + XML with the same name, and `.ocr` for sick-leave post),
 * validates each XML exactly as NAV's XSD for the kind of post says, and sets aside what does
 * not pair up or validate, with the reason; the rest of the batch goes on. The kind of post comes
 * from the batch name (`batchName`, the zip's name) or else from each XML's content.
 */
export async function pairVendorEntries(entries: ZipEntry[], opts: { batchName?: string } = {}): Promise<VendorBatch> {
  const batchKind = opts.batchName ? postKindFromBatchName(opts.batchName) : null;
  const groups = new Map<string, Group>();
  const setAside: SetAside[] = [];
  for (const entry of entries) {
    const base = path.posix.basename(entry.name);
    if (base.startsWith('.') || entry.name.startsWith('__MACOSX/')) continue;
    if (entry.name.split(/[\\/]/).includes('..') || path.posix.isAbsolute(entry.name) || /^[a-zA-Z]:/.test(entry.name)) {
      setAside.push({ name: shortName(entry.name), reason: 'usikker filsti i zip-filen (peker ut av mappen)', data: entry.data });
      continue;
    }
    if (base.length > MAX_ENTRY_NAME) {
      setAside.push({ name: shortName(entry.name), reason: `filnavnet er ${base.length} tegn langt, høyst ${MAX_ENTRY_NAME} er tillatt`, data: entry.data });
      continue;
    }
    const ext = path.posix.extname(base).toLowerCase();
    const key = entry.name.slice(0, entry.name.length - ext.length);
    const g = groups.get(key) ?? { key, extra: [] };
    if (ext === '.pdf' && !g.pdf) g.pdf = entry;
    else if (ext === '.xml' && !g.xml) g.xml = entry;
    else if (ext === '.ocr' && !g.ocr) g.ocr = entry;
    else g.extra.push(entry);
    groups.set(key, g);
  }

  const complete: Array<Group & { pdf: ZipEntry; xml: ZipEntry; reference: string; kind: PostKind }> = [];
  for (const g of [...groups.values()].sort((a, b) => a.key.localeCompare(b.key))) {
    const reference = `${path.posix.basename(g.key)}.pdf`;
    const refuse = (reason: string) => {
      for (const e of [g.pdf, g.xml, g.ocr]) if (e) setAside.push({ name: e.name, reason, data: e.data, reference });
    };
    for (const e of g.extra) setAside.push({ name: e.name, reason: 'hører ikke til et par av PDF og XML', data: e.data });
    if (!g.pdf && !g.xml) {
      if (g.ocr) refuse('OCR-fil uten PDF og XML');
      continue;
    }
    if (!g.pdf) {
      refuse('XML uten tilhørende PDF');
      continue;
    }
    if (!g.xml) {
      refuse('PDF uten tilhørende XML (skanningmetadata)');
      continue;
    }
    if (detectMediaType(g.pdf.data) !== 'application/pdf') {
      refuse('filen heter .pdf, men er ikke en PDF');
      continue;
    }
    if (g.xml.data.length > MAX_XML_BYTES) {
      refuse(`XML-en er ${g.xml.data.length} byte, høyst ${MAX_XML_BYTES} er tillatt`);
      continue;
    }
    const kind = batchKind ?? postKindFromXml(g.xml.data);
    complete.push({ ...g, pdf: g.pdf, xml: g.xml, reference, kind });
  }

  // One validator run per kind of post for the whole batch.
  const documents: VendorDocument[] = [];
  for (const kind of ['ovrig', 'helse', 'referansenummer'] as const) {
    const pairs = complete.filter((p) => p.kind === kind);
    const results = await validateAgainstXsd(kind, pairs.map((p) => p.xml.data));
    for (const [i, p] of pairs.entries()) {
      const refuse = (reason: string) => {
        for (const e of [p.xml, p.pdf, p.ocr]) if (e) setAside.push({ name: e.name, reason, data: e.data, reference: p.reference });
      };
      const errors = results[i];
      if (errors) {
        refuse(`skanningmetadata følger ikke NAVs skjema ${XSD_FILE[kind]}: ${errors.slice(0, 5).join('; ')}`);
        continue;
      }
      const read = readValidMetadata(kind, p.xml.data);
      if ('problems' in read) {
        refuse(`skanningmetadata avvist: ${read.problems.join('; ')}`);
        continue;
      }
      const metadata = read.metadata;
      if (p.ocr) metadata.vendorOcrText = vendorOcrText(p.ocr.data);
      documents.push({
        baseName: p.key, reference: p.reference, pdfName: p.pdf.name, pdf: p.pdf.data, xmlName: p.xml.name, xml: p.xml.data,
        ...(p.ocr ? { ocr: { name: p.ocr.name, data: p.ocr.data } } : {}), metadata,
      });
    }
  }
  documents.sort((a, b) => a.baseName.localeCompare(b.baseName));
  return { kind: batchKind, documents, setAside };
}
