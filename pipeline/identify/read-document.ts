import { detectMediaType, DOCUMENT_TYPES, type MediaType } from '../ingest/detect.ts';
import { readZip } from '../ingest/unzip.ts';
import { decryptBatch, isPgpMessage, type PgpKey } from '../ingest/pgp.ts';
import { isVendorBatch, pairVendorEntries } from '../ingest/vendor-batch.ts';
import { vendorHints } from '../ingest/vendor-ocr.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { extractPages } from '../pages/extract-pages.ts';
import { toGrey } from '../pages/normalise.ts';
import { readHeader } from '../ocr/read-page.ts';
import { readUprightPage, uprightPage } from '../ocr/upright.ts';
import type { PageImage } from '../pages/page-image.ts';
import type { Reference } from '../reference.ts';
import { route, type RoutingPerson, type UnitDirectory } from '../route/route.ts';
import { readPageMarks, type PageMarks } from '../foersteside/barcode.ts';
import { segmentPages } from '../segment/segment.ts';
import type { DocumentKind, Policy, UnitType } from '../../schemas/reference.ts';
import type { SkanningMetadata } from '../../schemas/vendor-metadata.ts';
import { classify, type Classification, type CoverSheetHint } from './classify.ts';
import type { ContentClassifier } from './classifier/model.ts';

/** One document found in a file: the stable output of `intake classify --json` (docs/classify-format.md). */
export interface ClassifyOutput {
  file: string;
  pages: number;
  /** First and last page of this document in the file (1-based, separator sheets excluded). */
  pageRange: [number, number];
  formNumber: string | null;
  tema: string;
  documentKind: DocumentKind;
  personId: string | null;
  coverSheet: string | null;
  confidence: number;
  needsManual: boolean;
  reasons: string[];
  route: { rule: string; destinations: Array<{ unitType: UnitType; unitId: string }> };
  missingAttachments: string[];
  candidates: Classification['candidates'];
  /** With `--text`: the OCR text of every page (pages joined by a form feed). */
  text?: string;
  /** With `--text`: clockwise quarter turn (degrees) applied to each page to make it upright. */
  pageTurns?: number[];
}

/** One pair (or file) of a vendor batch that ingest would set aside, with the reason in words. */
export interface SetAsideOutput {
  file: string;
  entry: string;
  setAside: true;
  reason: string;
}

export interface ReadDeps {
  ocr: OcrEngine;
  reference: Reference;
  policy: Policy;
  directory: UnitDirectory;
  /** Person register: routing facts for a known id, null otherwise. */
  person(id: string): RoutingPerson | null;
  /** Cover sheet metadata by løpenummer; null when unknown. */
  coverSheet(loepenummer: string): Promise<CoverSheetHint['meta']> | CoverSheetHint['meta'];
  content?: ContentClassifier | null;
  /** A vendor pair the ingest would set aside (`intake classify` prints one JSON line each). */
  onSetAside?: (s: SetAsideOutput) => void;
  /** Our PGP key, for `.zip.pgp` batches. */
  pgp?: PgpKey | null;
  /** Pages read by OCR, for timing reports. */
  onOcr?: (ms: number) => void;
  /** Read every page in full and report its text and turn (`intake classify --text`). */
  withText?: boolean;
}

interface PageReading {
  text: string;
  turn: number;
  headOnly: boolean;
}

/**
 * One page read the way the pipeline reads it (pages/normalise + ocr/read-page): upright,
 * deskewed, cleaned; blank pages give no text. `headOnly` reads just the header and footer.
 */
async function ocrPage(deps: ReadDeps, page: PageImage, headOnly = false): Promise<PageReading> {
  // A born-digital page carries its text: nothing to read or turn.
  if (page.text) return { text: page.text.text, turn: 0, headOnly: false };
  const grey = await toGrey(page.png);
  if (!headOnly) {
    // One reading: the orientation check reuses the page's full reading where it can.
    const { page: n, read } = await readUprightPage(deps.ocr, grey, page.dpi);
    if (!read) return { text: '', turn: 0, headOnly: false };
    deps.onOcr?.(read.ms);
    return { text: read.text ?? '', turn: n.orientation, headOnly };
  }
  const n = await uprightPage(deps.ocr, grey, page.dpi);
  if (n.blank) return { text: '', turn: 0, headOnly: false };
  const r = await readHeader(deps.ocr, n.raster, n.dpi);
  deps.onOcr?.(r.ms);
  return { text: r.text ?? '', turn: n.orientation, headOnly };
}


/** Reads, splits, identifies and routes the documents of one page set, without any service. */
async function readPageSet(deps: ReadDeps, file: string, pages: PageImage[], vendor: SkanningMetadata | null): Promise<ClassifyOutput[]> {
  const marks: PageMarks[] = await Promise.all(pages.map((p) => readPageMarks(p.png)));
  // The vendor has split the batch already; a loose file is split on cover sheets and separator sheets.
  const segments = vendor
    ? [{ pages: pages.map((_, i) => i), coverSheet: marks.find((m) => m.coverSheet)?.coverSheet ?? null }]
    : segmentPages(marks);
  return Promise.all(
    segments.map(async (seg) => {
      const coverIdx = seg.coverSheet ? seg.pages.findIndex((i) => marks[i]!.coverSheet === seg.coverSheet) : -1;
      const meta = seg.coverSheet ? await deps.coverSheet(seg.coverSheet) : null;
      const texts: string[] = seg.pages.map(() => '');
      const readings: Array<PageReading | null> = seg.pages.map(() => null);
      const read = async (k: number, headOnly = false) => {
        const r = await ocrPage(deps, pages[seg.pages[k]!]!, headOnly);
        readings[k] = r;
        texts[k] = r.text;
      };
      const run = () =>
        classify({
          pageTexts: texts,
          vendor: vendorHints(vendor),
          forms: deps.reference.forms,
          temaCodes: new Set(deps.reference.tema.keys()),
          coverSheet: seg.coverSheet ? { loepenummer: seg.coverSheet, page: coverIdx, meta } : null,
          isKnownPerson: (id) => deps.person(id) !== null,
          content: deps.content,
        });
      // Read only what the decision needs: a known cover sheet needs its attachments' headings;
      // otherwise the first page, and the second when the first leaves doubt.
      const order = seg.pages.map((_, k) => k).filter((k) => !(meta && k === coverIdx));
      let c: Classification;
      if (meta) {
        await Promise.all(order.map((k) => read(k, meta.attachments.length > 0)));
        c = run();
        if (!c.personId && order[0] !== undefined && !meta.personId) {
          await read(order[0]);
          c = run();
        }
      } else {
        if (order[0] !== undefined) await read(order[0]);
        c = run();
        if ((c.needsManual || !c.personId || (c.personId && !deps.person(c.personId))) && order[1] !== undefined) {
          await read(order[1]);
          c = run();
        }
      }
      if (deps.withText) {
        // Every page in full, after the decision: what was read is shown, nothing decided anew.
        for (let k = 0; k < seg.pages.length; k++) if (!readings[k] || readings[k]!.headOnly) await read(k);
      }
      const person = c.personId ? deps.person(c.personId) : null;
      const decision = route({ tema: c.tema, kind: c.kind, person, needsManual: c.needsManual }, deps.policy, deps.directory);
      const reasons = [...c.reasons];
      if (decision.notes.length) reasons.push(...decision.notes);
      // What was done to a page that the operator should know (scaled down, rendered coarser).
      for (const [k, i] of seg.pages.entries()) for (const note of pages[i]!.notes ?? []) reasons.push(`side ${k + 1}: ${note}`);
      const numbers = seg.pages.map((i) => i + 1);
      return {
        file,
        pages: seg.pages.length,
        pageRange: [numbers[0]!, numbers[numbers.length - 1]!] as [number, number],
        formNumber: c.formNumber,
        tema: c.tema,
        documentKind: c.kind,
        personId: person ? c.personId : null,
        coverSheet: c.coverSheet,
        confidence: c.confidence,
        needsManual: c.needsManual || decision.destinations.some((d) => d.unitType === 'manual'),
        reasons,
        route: { rule: decision.ruleId, destinations: decision.destinations },
        missingAttachments: c.missingAttachments,
        candidates: c.candidates,
        ...(deps.withText ? { text: texts.join('\f'), pageTurns: readings.map((r) => r?.turn ?? 0) } : {}),
      };
    }),
  );
}

/** Every document in a file (PDF, TIFF, PNG, JPEG, or a zip of them / a vendor batch zip). */
export async function readDocumentFile(deps: ReadDeps, name: string, data: Buffer): Promise<ClassifyOutput[]> {
  if (isPgpMessage(data, name)) {
    if (!deps.pgp) throw new Error(`${name}: PGP-encrypted; set PGP_PRIVATE_KEY_FILE and PGP_PASSPHRASE to read it`);
    return readDocumentFile(deps, name.replace(/\.(pgp|gpg)$/i, ''), await decryptBatch(data, deps.pgp));
  }
  const type = detectMediaType(data);
  if (type === 'application/zip') {
    const entries = await readZip(data);
    if (isVendorBatch(entries)) {
      const batch = await pairVendorEntries(entries, { batchName: name });
      for (const s of batch.setAside) deps.onSetAside?.({ file: name, entry: s.name, setAside: true, reason: s.reason });
      const out: ClassifyOutput[] = [];
      for (const d of batch.documents) {
        const m = d.metadata;
        if (m.kind === 'referansenummer' && m.journalpost.referansenummer) {
          const sheet = await deps.coverSheet(m.journalpost.referansenummer);
          m.resolved = sheet ? { tema: sheet.tema, brevKode: sheet.formNumber ?? undefined, brukerId: sheet.personId ?? undefined, foerstesideFound: true } : { tema: 'UKJ', foerstesideFound: false };
        }
        out.push(...(await readPageSet(deps, `${name}:${d.pdfName}`, await extractPages(d.pdf, 'application/pdf'), m)));
      }
      return out;
    }
    const out: ClassifyOutput[] = [];
    for (const e of entries) out.push(...(await readDocumentFile(deps, `${name}:${e.name}`, e.data)));
    return out;
  }
  if (!type || !DOCUMENT_TYPES.has(type)) throw new Error(`${name}: not a PDF, TIFF, PNG, JPEG or zip`);
  return readPageSet(deps, name, await extractPages(data, type as MediaType), null);
}
