import type { DocumentKind, FormRow } from '../../schemas/reference.ts';
import { compareAttachments } from './attachments.ts';
import { contentClassifier, namedBenefits, type ContentClassifier } from './classifier/model.ts';
import { lookupFormNumber } from './form-number.ts';
import { findPersonIds, isValidPersonId, type PersonIdHit } from './person-id.ts';
import { matchTitles } from './title-match.ts';

/** Fields the scanning vendor put in skanningmetadata (from a cover sheet, when there was one). */
export interface VendorHints {
  brukerId?: string;
  tema?: string;
  brevKode?: string;
}

/** What the stored cover sheet says; `meta` is null when the løpenummer is not known (e.g. offline). */
export interface CoverSheetHint {
  loepenummer: string;
  /** 0-based index of the cover sheet page in pageTexts. */
  page: number;
  meta: {
    tema: string;
    formNumber?: string | null;
    followUp?: boolean;
    personId?: string | null;
    attachments: string[];
    title?: string | null;
  } | null;
}

export interface ClassifyInput {
  pageTexts: string[];
  vendor: VendorHints | null;
  forms: Map<string, FormRow>;
  temaCodes: Set<string>;
  coverSheet?: CoverSheetHint | null;
  /** The person register: prefers ids it knows, and lets a misread digit be repaired. */
  isKnownPerson?: (id: string) => boolean;
  /** The content classifier for documents without a form number (default: the shipped model). */
  content?: ContentClassifier | null;
}

export interface Candidate {
  tema: string;
  kind?: DocumentKind;
  p: number;
}

export interface Classification {
  formNumber: string | null;
  title: string | null;
  tema: string; // UKJ when not found
  kind: DocumentKind;
  personId: string | null;
  personIdCandidates: number;
  /** Calibrated probability that tema (and kind, where it changes the route) are right, 0..1. */
  confidence: number;
  /** Doubt: a person has to look before the document is routed. */
  needsManual: boolean;
  /** Top alternatives when the content classifier decided. */
  candidates: Candidate[];
  coverSheet: string | null;
  /** Expected attachments (from the cover sheet) that did not arrive. */
  missingAttachments: string[];
  reasons: string[];
  /**
   * How sure each field is on its own, 0..1 (issue 13): the thresholds learnt from the mail room's
   * corrections are set per field and tema on these. `form` is null when no form number was claimed.
   */
  fields: FieldConfidence;
}

export interface FieldConfidence {
  tema: number;
  person: number;
  form: number | null;
  /** The tema came from the content classifier (its score is on another scale than a form number's). */
  temaByContent?: boolean;
}

/** How sure the person id is, by how it was found (the learnt thresholds calibrate these scores). */
function personScore(how: { cover: boolean; hit: PersonIdHit | null; vendor: boolean; disagrees: boolean; known: boolean | null }): number {
  let p = how.cover ? 0.99 : how.hit ? (how.hit.repaired ? 0.85 : how.hit.corrected ? 0.9 : how.hit.role === 'applicant' ? 0.98 : 0.8) : how.vendor ? 0.9 : 0;
  if (how.disagrees) p = Math.min(p, 0.6);
  if (how.known === false) p = Math.min(p, 0.2);
  return p;
}

/** Reason text when one misread digit of the id was repaired because exactly one registered person fits. */
export const PERSON_ID_REPAIRED = 'one misread digit repaired: exactly one person in the register fits';

/** Confidence below this sends the document to manual handling (structured signals are set above or below it). */
export const STRUCTURED_THRESHOLD = 0.8;
const CONTENT_MAX = 0.89;
/** A benefit the text names (and no other) is taken when the classifier gives it at least this. */
const NAMED_MIN_P = 0.01;
/** Confidence of a tema the text names against the classifier's first choice: enough to route. */
const NAMED_ONLY = 0.8;
const UNNAMED_MAX = 0.6;
// Tema whose route depends on the kind of document: there the kind's doubt counts too.
const KIND_MATTERS = new Set(['ENF']);

/** Kind of a catalogue form from its title; a form that is none of the others is a claim (krav). */
export function kindFromTitle(title: string, followUp: boolean, fallback: DocumentKind = 'claim'): DocumentKind {
  if (followUp) return 'attachment'; // NAVe: ettersendelse to a claim
  if (/klage|anke/i.test(title)) return 'complaint';
  if (/meldekort/i.test(title)) return 'report-card';
  if (/oppfølging|aktivitetsplan/i.test(title)) return 'follow-up';
  if (/søknad|krav|melding om|registrering|skjema/i.test(title)) return 'claim';
  if (/erklæring|bekreftelse|dokumentasjon|vedlegg|attest|uttalelse/i.test(title)) return 'attachment';
  return fallback;
}

const FORM_PAGE_RE = /arbeids-?\s*og\s*velferds/i;
const FOLLOW_UP_RE = /ettersendelse\s+til\s+søknad|ettersending/i;

function pickPerson(texts: string[], isKnown?: (id: string) => boolean): { hit: PersonIdHit | null; all: PersonIdHit[] } {
  const all: PersonIdHit[] = [];
  for (const t of texts) for (const h of findPersonIds(t, { isKnown })) if (!all.some((x) => x.id === h.id)) all.push(h);
  // Never another person's id (a child's, a partner's): better unidentified than the wrong person.
  const own = all.filter((h) => h.role !== 'other');
  const hit = (isKnown && own.find((h) => isKnown(h.id))) || own[0] || null;
  return { hit, all };
}

/** Form number, tema, kind and person from cover sheet, OCR text and vendor hints, with a confidence. Pure. */
export function classify(input: ClassifyInput): Classification {
  const reasons: string[] = [];
  const cover = input.coverSheet ?? null;
  // Text pages other than a known cover sheet: its print would look like a form. An unknown one is read like any page.
  const texts = input.pageTexts.filter((_, i) => !cover?.meta || i !== cover.page);
  const first = texts[0] ?? '';
  const firstTwo = texts.slice(0, 2);

  let formNumber: string | null = null;
  let title: string | null = null;
  let tema = 'UKJ';
  let kind: DocumentKind = 'other';
  let confidence = 0;
  let candidates: Candidate[] = [];
  let missingAttachments: string[] = [];
  // The content classifier's evidence before the hand-set caps: the learnt thresholds judge it by the corrections.
  let contentScore: number | null = null;

  const meta = cover?.meta ?? null;
  if (cover && !meta) reasons.push('cover sheet with unknown løpenummer');
  const vendorForm = input.vendor?.brevKode ? input.forms.get(input.vendor.brevKode) : undefined;

  if (meta && input.temaCodes.has(meta.tema)) {
    const form = meta.formNumber ? input.forms.get(meta.formNumber) : undefined;
    formNumber = meta.formNumber ?? null;
    title = meta.title ?? form?.tittel ?? null;
    tema = meta.tema;
    kind = kindFromTitle(title ?? '', Boolean(meta.followUp));
    confidence = 0.99;
    reasons.push(`cover sheet ${cover!.loepenummer}: metadata used`);
    if (meta.attachments.length > 0) {
      const check = compareAttachments(meta.attachments, texts);
      missingAttachments = check.missing;
      reasons.push(`${check.arrived.length} of ${meta.attachments.length} expected attachments found`);
    }
  } else {
    const hit = lookupFormNumber(first, input.forms) ?? (texts[1] ? lookupFormNumber(texts[1], input.forms) : null);
    const pageOfHit = hit && lookupFormNumber(first, input.forms) ? first : (texts[1] ?? first);
    const titles = matchTitles(pageOfHit.slice(0, 900), input.forms);
    if (hit) {
      formNumber = hit.formNumber;
      title = hit.form.tittel;
      tema = hit.form.tema;
      const followUp = hit.followUp || FOLLOW_UP_RE.test(first.slice(0, 600));
      kind = hit.attachmentTo ? 'attachment' : kindFromTitle(hit.form.tittel, followUp);
      const titleAgrees = titles.some((t) => t.form.skjemanummer === hit.formNumber && t.score >= 0.75);
      const rival = titles.find((t) => t.score === 1 && t.matched >= 3 && t.form.tema !== hit.form.tema);
      reasons.push(`form number ${hit.followUp ? formNumber.replace(/^NAV /, 'NAVe ') : formNumber}${followUp && !hit.followUp ? ' (ettersendelse)' : ''}${hit.corrected ? ' (one misread digit corrected)' : ''} found in the text`);
      if (hit.attachmentTo) reasons.push('page is an attachment to that form');
      if (titleAgrees) reasons.push('catalogue title confirms the form');
      confidence = hit.corrected ? (titleAgrees ? 0.93 : 0.6) : titleAgrees ? 0.98 : 0.95;
      if (rival && !titleAgrees) {
        confidence = 0.5;
        reasons.push(`title matches ${rival.form.skjemanummer} (${rival.form.tema}) instead`);
      }
      if (vendorForm && vendorForm.skjemanummer !== formNumber) reasons.push('vendor brevKode disagrees with the text');
    } else if (vendorForm) {
      formNumber = vendorForm.skjemanummer;
      title = vendorForm.tittel;
      tema = vendorForm.tema;
      kind = kindFromTitle(vendorForm.tittel, false);
      confidence = 0.9;
      reasons.push('form number from vendor metadata');
    } else if (titles[0] && FORM_PAGE_RE.test(first.slice(0, 400)) && titles[0].score >= 0.75) {
      // A NAV form whose number is illegible: the title identifies it if no other form's title fits as well.
      const top = titles[0];
      const tie = titles.find((t) => t !== top && t.score >= top.score && t.matched >= top.matched && t.form.tema !== top.form.tema);
      formNumber = top.form.skjemanummer;
      title = top.form.tittel;
      tema = top.form.tema;
      kind = kindFromTitle(top.form.tittel, FOLLOW_UP_RE.test(first.slice(0, 600)));
      confidence = tie ? 0.5 : top.score === 1 ? 0.9 : 0.82;
      reasons.push(`no form number; catalogue title of ${top.form.skjemanummer} found${tie ? ', but another tema fits as well' : ''}`);
    } else {
      const model = input.content === undefined ? contentClassifier() : input.content;
      const text = firstTwo.join('\n');
      const pred = model && text.trim() ? model.predict(text) : null;
      if (pred && pred.tema[0]) {
        const t = pred.tema[0];
        const k = pred.kind[0];
        tema = t.label;
        kind = k?.label ?? 'other';
        candidates = pred.tema.slice(0, 3).map((c) => ({ tema: c.label, p: round(c.p) }));
        if (k) candidates[0] = { ...candidates[0]!, kind: k.label };
        reasons.push(`no form number; content classifier: tema ${tema} (p=${round(t.p)}), kind ${kind}${k ? ` (p=${round(k.p)})` : ''}`);
        // Two signals: the benefit the text names, and the classifier. Agreement is as right as measured on held-out
        // text; a text that names no benefit, or several, is doubt whatever the classifier says.
        const named = namedBenefits(text);
        let pTema = t.p;
        let uncapped: number;
        const only = named.size === 1 ? [...named][0]! : null;
        const pOnly = only ? (pred.tema.find((c) => c.label === only)?.p ?? 0) : 0;
        if (only && only === tema) {
          pTema = Math.max(pTema, model!.model.agreement.precision);
          uncapped = pTema;
          reasons.push(`the text names the benefit (${tema})`);
        } else if (only && pOnly >= NAMED_MIN_P) {
          // The text names one benefit and only that one ("jeg mottar sykepenger"): the name
          // outweighs the classifier's wording-based guess, as long as the classifier finds it possible.
          reasons.push(`the text names only ${only} (classifier preferred ${tema}, p=${round(t.p)}; ${only} p=${round(pOnly)})`);
          tema = only;
          pTema = NAMED_ONLY;
          uncapped = pTema;
          candidates = [{ tema: only, p: round(pOnly), ...(k ? { kind: k.label } : {}) }, ...candidates.filter((c) => c.tema !== only)].slice(0, 3);
        } else {
          // Scaled rather than cut: below every named case, but still ordered by the classifier's probability.
          uncapped = UNNAMED_MAX * t.p;
          pTema = Math.min(pTema, UNNAMED_MAX);
          const learnt = named.size === 0 ? model!.learntBenefits(text) : new Set<string>();
          if (learnt.size === 1 && learnt.has(tema)) {
            // A name the corrections taught ("sykelønna") and the classifier agree: a score of its own, between the
            // unnamed and the named cases. It never lifts the classifier's own verdict: only learnt thresholds let it through.
            uncapped = UNNAMED_MAX + (NAMED_ONLY - UNNAMED_MAX) * t.p;
            reasons.push(`the text names the benefit by a name learnt from the corrections (${tema})`);
          } else reasons.push(named.has(tema) ? `the text also names ${[...named].filter((x) => x !== tema).join(', ')}` : `the text does not name the benefit (${tema})`);
        }
        contentScore = KIND_MATTERS.has(tema) && k ? uncapped * k.p : uncapped;
        // Wording is weaker evidence than a printed form number: never above CONTENT_MAX.
        confidence = Math.min(CONTENT_MAX, KIND_MATTERS.has(tema) && k ? pTema * k.p : pTema);
        const threshold = model!.threshold;
        if (confidence < threshold) reasons.push(`below the confidence threshold ${threshold}`);
      } else {
        reasons.push('no form number and no legible text to classify');
      }
      if (input.vendor?.tema && input.temaCodes.has(input.vendor.tema)) {
        if (input.vendor.tema === tema) confidence = Math.max(confidence, 0.9);
        else confidence = tema === 'UKJ' ? 0.8 : Math.min(confidence, 0.5);
        tema = input.vendor.tema;
        contentScore = null;
        reasons.push('tema from vendor metadata');
      }
    }
  }

  const formConfidence = formNumber ? confidence : null;
  // Person: the cover sheet's user, else the applicant's id in the text, else the vendor's brukerId.
  const { hit, all } = pickPerson(firstTwo.length ? [...firstTwo, ...texts.slice(2)] : [], input.isKnownPerson);
  const vendorId = input.vendor?.brukerId && isValidPersonId(input.vendor.brukerId) ? input.vendor.brukerId : null;
  const coverId = meta?.personId && isValidPersonId(meta.personId) ? meta.personId : null;
  let personId: string | null = coverId ?? hit?.id ?? vendorId;
  if (coverId) reasons.push('person from the cover sheet');
  else if (hit) {
    const how = hit.repaired ? ` (${PERSON_ID_REPAIRED})` : hit.corrected ? ' (OCR slip repaired by checksum)' : '';
    reasons.push(hit.role === 'applicant' ? `person id next to its label${how}` : `person id found without label${how}`);
  }
  else if (vendorId) reasons.push('person id from vendor metadata');
  else reasons.push(all.length ? "only other people's ids found (child, partner)" : 'no valid person id');
  if (coverId && hit && hit.id !== coverId) reasons.push('id in the text differs from the cover sheet');
  if (!coverId && vendorId && hit && hit.id !== vendorId) reasons.push('vendor brukerId disagrees with the text');
  if (personId && input.isKnownPerson && !input.isKnownPerson(personId)) reasons.push('person id not in the person register');

  const disagrees = Boolean((coverId && hit && hit.id !== coverId) || (!coverId && vendorId && hit && hit.id !== vendorId));
  const person = personScore({ cover: Boolean(coverId), hit: coverId ? null : hit, vendor: Boolean(vendorId), disagrees, known: personId && input.isKnownPerson ? input.isKnownPerson(personId) : null });
  const threshold = candidates.length ? (input.content ?? contentClassifier())?.threshold ?? STRUCTURED_THRESHOLD : STRUCTURED_THRESHOLD;
  const needsManual = tema === 'UKJ' || confidence < threshold;
  return {
    formNumber,
    title,
    tema,
    kind,
    personId,
    personIdCandidates: all.length,
    confidence: round(personId ? confidence : confidence * 0.5),
    needsManual,
    candidates,
    coverSheet: cover?.loepenummer ?? null,
    missingAttachments,
    reasons,
    fields: { tema: round(tema === 'UKJ' ? 0 : contentScore ?? confidence), person: personId ? person : 0, form: formConfidence === null ? null : round(formConfidence), temaByContent: contentScore !== null },
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
