import { classify, type CoverSheetHint } from '../../pipeline/identify/classify.ts';
import { possibleIds } from '../../pipeline/identify/person-id.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { SkanningMetadata } from '../../schemas/vendor-metadata.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { getCoverSheet } from '../../storage/repositories/foersteside.repository.ts';
import { listPages } from '../../storage/repositories/pages.repository.ts';
import { getSegmentInfo } from '../../storage/repositories/segments.repository.ts';
import { vendorHints, vendorOcrDisagrees, vendorPageTexts } from '../../pipeline/ingest/vendor-ocr.ts';
import type { Context } from '../../app/context.ts';
import { activeModel } from '../../services/learning.service.ts';

/** Form, tema, kind and person, from the text (header or full), the vendor's metadata and a cover sheet. */
export async function identifyJob(ctx: Context, { documentId }: DocumentJob): Promise<Outcome> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new FunctionalError(`dokumentet ${documentId} finnes ikke`);
  if (doc.identifiedAt) return { kind: 'done' };
  if (doc.status === 'manual') return { kind: 'wait', for: 'a person' };
  const pages = await listPages(ctx.db, documentId);
  const meanConfidence = pages.reduce((s, p) => s + (p.confidence ?? p.headerConfidence ?? 0), 0) / Math.max(1, pages.length);
  // Routing fast path: pages not read in full yet count with their header (pipeline/stages.ts).
  const vendorMeta = doc.vendorMetadata as SkanningMetadata | null;
  // The vendor's own OCR (.ocr, sick-leave post) stands in where we read nothing.
  const { texts: text, usedVendorOcr } = vendorPageTexts(pages.map((p) => p.text ?? p.headerText ?? ''), vendorMeta);
  const seg = await getSegmentInfo(ctx.db, documentId);
  let coverSheet: CoverSheetHint | null = null;
  if (seg?.coverSheet) {
    const sheet = await getCoverSheet(ctx.db, seg.coverSheet);
    coverSheet = {
      loepenummer: seg.coverSheet,
      page: (seg.coverSheetPage ?? 1) - 1,
      meta: sheet ? { tema: sheet.tema, formNumber: sheet.formNumber, followUp: sheet.followUp, personId: sheet.personId, attachments: sheet.attachments, title: sheet.title } : null,
    };
  }
  // The cover sheet's attachments are checked against every page's full text (a missing one means a
  // letter to the person): with pages still unread on the header fast path, wait; the last page read starts identify again (NEXT: ocr → identify).
  if (coverSheet?.meta?.attachments.length && pages.some((p) => !p.ocrAt)) return { kind: 'wait', for: 'ocr' };
  // One register query for every id the text could hold; the identification itself stays pure.
  const known = await ctx.persons.lookup(possibleIds(text.join('\n')));
  // The content classifier in force (issue 13: retrained from the corrections, or the shipped one).
  const model = await activeModel(ctx);
  const c = classify({
    content: model.classifier,
    pageTexts: text,
    vendor: vendorHints(vendorMeta),
    forms: ctx.reference.forms,
    temaCodes: new Set(ctx.reference.tema.keys()),
    coverSheet,
    isKnownPerson: (id) => known.has(id),
  });
  if (!coverSheet?.meta && !c.formNumber && !c.personId && !usedVendorOcr && meanConfidence < ctx.config.OCR_MIN_CONFIDENCE) {
    return { kind: 'manual', reason: `unreadable: mean OCR confidence ${Math.round(meanConfidence)}` };
  }
  // An id that passes the checksum but is not in the register is not a known person.
  const person = c.personId ? (await ctx.persons.lookup([c.personId])).get(c.personId) ?? null : null;
  const reasons = person || !c.personId || c.reasons.includes('person id not in the person register') ? [...c.reasons] : [...c.reasons, 'person id not in the person register'];
  if (usedVendorOcr) reasons.push("text from the vendor's OCR (.ocr): our OCR read nothing");
  else if (vendorOcrDisagrees(text.join('\n'), vendorMeta, c.personId)) reasons.push("the vendor's OCR (.ocr) names another person id");
  return {
    kind: 'done',
    fields: {
      formNumber: c.formNumber,
      title: c.title,
      tema: c.tema,
      documentKind: c.kind,
      personId: person?.ident ?? null,
      confidence: c.confidence,
      classification: {
        reasons,
        personIdCandidates: c.personIdCandidates,
        meanOcrConfidence: Math.round(meanConfidence),
        needsManual: c.needsManual,
        candidates: c.candidates,
        coverSheet: c.coverSheet,
        missingAttachments: c.missingAttachments,
        fields: c.fields,
        modelVersion: model.version,
      },
    },
    events: [{
      type: 'classified',
      detail: {
        formNumber: c.formNumber,
        tema: c.tema,
        kind: c.kind,
        confidence: Math.round(c.confidence * 100) / 100,
        needsManual: c.needsManual,
        coverSheet: c.coverSheet,
        missingAttachments: c.missingAttachments.length,
        personIdentified: Boolean(person),
        reasons,
      },
    }],
  };
}
