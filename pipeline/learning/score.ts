/**
 * Scoring a classifier on labelled documents, and the promotion rule (issue 13). Pure: the
 * documents come with their text and the truth a person (or the independent set's generator) gave.
 */
import type { DocumentKind, FormRow } from '../../schemas/reference.ts';
import { classify, type CoverSheetHint, type FieldConfidence, type VendorHints } from '../identify/classify.ts';
import type { ContentClassifier } from '../identify/classifier/model.ts';
import { decideAutomatic, FIELDS, type Observation, type ThresholdTable } from './thresholds.ts';

export interface Truth {
  tema: string;
  kind: DocumentKind;
  personId: string | null;
  formNumber: string | null;
}

export interface LabelledDoc {
  id: string;
  pageTexts: string[];
  vendor?: VendorHints | null;
  coverSheet?: CoverSheetHint | null;
  knownPersons?: ReadonlySet<string>;
  truth: Truth;
  /** Names and address words of the document's person, masked before training. */
  names?: string[];
}

export interface ClassifyDeps {
  forms: Map<string, FormRow>;
  temaCodes: Set<string>;
}

export interface Replayed {
  doc: LabelledDoc;
  tema: string;
  kind: DocumentKind;
  personId: string | null;
  formNumber: string | null;
  needsManual: boolean;
  /** The document's confidence as classify gives it (halved without a person id). */
  confidence: number;
  fields: FieldConfidence;
  /** The content classifier decided (else the result does not depend on the model). */
  usedModel: boolean;
}

/**
 * Reads each document's text again with `model`, exactly as the identify stage does. `cache` keeps
 * the readings that did not depend on the model (form number, cover sheet) across models and rounds.
 */
export function replay(docs: readonly LabelledDoc[], model: ContentClassifier | null, deps: ClassifyDeps, cache?: Map<string, Replayed>): Replayed[] {
  return docs.map((doc) => {
    const hit = cache?.get(doc.id);
    if (hit && hit.doc === doc) return hit;
    const c = classify({
      pageTexts: doc.pageTexts, vendor: doc.vendor ?? null, forms: deps.forms, temaCodes: deps.temaCodes, coverSheet: doc.coverSheet ?? null,
      isKnownPerson: doc.knownPersons ? (id) => doc.knownPersons!.has(id) : undefined, content: model,
    });
    const r = { doc, tema: c.tema, kind: c.kind, personId: c.personId, formNumber: c.formNumber, needsManual: c.needsManual, confidence: c.confidence, fields: c.fields, usedModel: c.candidates.length > 0 };
    // Only what no model decides: a form number or a cover sheet. A letter the model found nothing to say about (no
    // word it knows) depends on the model all the same, and a cached reading by one model was given for another's.
    const modelFree = c.formNumber !== null || Boolean(doc.coverSheet?.meta && deps.temaCodes.has(doc.coverSheet.meta.tema));
    if (cache && modelFree) cache.set(doc.id, r);
    return r;
  });
}

/** Per field: how sure, and whether right. A person field is only judged where the truth names a person. */
export function observations(rs: readonly Replayed[]): Observation[] {
  const out: Observation[] = [];
  for (const r of rs) {
    const t = r.doc.truth;
    out.push({ field: 'tema', tema: r.tema, confidence: r.fields.tema, correct: r.tema === t.tema, ...(r.fields.temaByContent ? { byContent: true } : {}) });
    if (r.personId) out.push({ field: 'person', tema: r.tema, confidence: r.fields.person, correct: r.personId === t.personId });
    if (r.fields.form !== null) out.push({ field: 'form', tema: r.tema, confidence: r.fields.form, correct: r.formNumber === t.formNumber });
  }
  return out;
}

export interface Score {
  docs: number;
  /** Documents whose tema the machine got right (every path: form number, cover sheet, content). */
  temaRight: number;
  /** Of them, documents the content classifier decided, and how many it got right. */
  content: number;
  contentRight: number;
  /** Under the given thresholds: routed without a person, and of those, any field wrong. */
  automatic: number;
  automaticWrong: number;
}

export function score(rs: readonly Replayed[], thresholds: ThresholdTable | null): Score {
  const s: Score = { docs: rs.length, temaRight: 0, content: 0, contentRight: 0, automatic: 0, automaticWrong: 0 };
  for (const r of rs) {
    const t = r.doc.truth;
    const ok = r.tema === t.tema;
    if (ok) s.temaRight++;
    if (r.formNumber === null && r.fields.tema > 0 && !r.doc.coverSheet?.meta) {
      s.content++;
      if (ok) s.contentRight++;
    }
    // The person is never routed on when the truth has none known; a missing person goes to a person by rule.
    if (!r.personId) continue;
    if (decideAutomatic({ tema: r.tema, needsManual: r.needsManual, fields: r.fields }, thresholds).automatic) {
      s.automatic++;
      const wrong = !ok || (t.personId !== null && r.personId !== t.personId) || (r.fields.form !== null && r.formNumber !== t.formNumber);
      if (wrong) s.automaticWrong++;
    }
  }
  return s;
}

/** Held-out slice: every fifth document by a stable hash of its id, so a document stays on its side across runs. */
export const HELD_OUT_EVERY = 5;
/** The fold of a document (0 .. every-1) by a stable hash of its id; fold 0 is the held-out slice. */
export function foldOf(id: string, every = HELD_OUT_EVERY): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % every;
}
export function isHeldOut(id: string, every = HELD_OUT_EVERY): boolean {
  return foldOf(id, every) === 0;
}

export interface Verdict {
  promote: boolean;
  reason: string;
}

/**
 * The candidate replaces the active model only if it is not worse on either set: as many tema right on the held-out
 * corrections and on the independent set, and at least as many documents routed straight through as the model in
 * force, with not more wrong among them at a higher rate. Straight through is compared on `unseen` when given: every
 * labelled document the model in force never learnt from, each model reading it out of its training (the candidate
 * by cross-fitting), several times the held-out slice (whose ~70 letters in a third round let through a model that
 * routed 8 of 196 letters fewer on new documents). Each model with thresholds that did not learn from the held-out slice.
 */
export function verdict(c: { heldOut: Score; independent: Score; unseen?: Score }, a: { heldOut: Score; independent: Score; unseen?: Score }): Verdict {
  const worse: string[] = [];
  if (c.heldOut.temaRight < a.heldOut.temaRight) worse.push(`tema på holdt-ut rettelser ${c.heldOut.temaRight} mot ${a.heldOut.temaRight}`);
  if (c.independent.temaRight < a.independent.temaRight) worse.push(`tema på det uavhengige settet ${c.independent.temaRight} mot ${a.independent.temaRight}`);
  const rate = (s: Score) => (s.automatic ? s.automaticWrong / s.automatic : 0);
  const sameDocs = c.unseen && a.unseen ? { c: c.unseen, a: a.unseen, what: 'rettelser modellen i bruk ikke er trent på' } : { c: c.heldOut, a: a.heldOut, what: 'holdt-ut rettelser' };
  for (const [cs, as] of [[c.heldOut, a.heldOut], ...(c.unseen && a.unseen ? [[c.unseen, a.unseen]] : [])] as Array<[Score, Score]>) {
    if (rate(cs) > rate(as) && cs.automaticWrong > as.automaticWrong) worse.push(`feil blant automatisk rutede ${cs.automaticWrong} mot ${as.automaticWrong}`);
  }
  if (sameDocs.c.automatic < sameDocs.a.automatic) worse.push(`automatisk rutet av ${sameDocs.what} ${sameDocs.c.automatic} mot ${sameDocs.a.automatic}`);
  return worse.length
    ? { promote: false, reason: `Avvist: dårligere enn modellen i bruk (${worse.join('; ')})` }
    : { promote: true, reason: `Tatt i bruk: ikke dårligere på holdt-ut rettelser (tema ${c.heldOut.temaRight}/${c.heldOut.docs} mot ${a.heldOut.temaRight}), automatisk rutet av ${sameDocs.what} (${sameDocs.c.automatic} mot ${sameDocs.a.automatic}) eller det uavhengige settet (${c.independent.temaRight}/${c.independent.docs} mot ${a.independent.temaRight})` };
}

export { FIELDS };
