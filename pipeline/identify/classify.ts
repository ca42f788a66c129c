import type { DocumentKind, FormRow } from '../../schemas/reference.ts';
import { lookupFormNumber } from './form-number.ts';
import { findPersonIds, isValidPersonId } from './person-id.ts';

/** Fields the scanning vendor put in skanningmetadata (from a cover sheet, when there was one). */
export interface VendorHints {
  brukerId?: string;
  tema?: string;
  brevKode?: string;
}

export interface ClassifyInput {
  pageTexts: string[];
  vendor: VendorHints | null;
  forms: Map<string, FormRow>;
  temaCodes: Set<string>;
}

export interface Classification {
  formNumber: string | null;
  title: string | null;
  tema: string; // UKJ when not found
  kind: DocumentKind;
  personId: string | null;
  personIdCandidates: number;
  confidence: number; // 0..1
  reasons: string[];
}

// Keyword signals for letters without a form number; the fuller classifier comes later.
const TEMA_WORDS: Array<[string, RegExp]> = [
  ['DAG', /dagpenger|arbeidsledig|permitter/i],
  ['SYK', /sykepenger|sykmeld/i],
  ['AAP', /arbeidsavklaringspenger|\bAAP\b/i],
  ['UFO', /uføre/i],
  ['ENF', /enslig (mor|far|forsørger)|overgangsstønad/i],
  ['BID', /barnebidrag|\bbidrag\b/i],
  ['BAR', /barnetrygd/i],
  ['KON', /kontantstøtte/i],
  ['FOR', /foreldrepenger|svangerskapspenger|engangsstønad/i],
  ['PEN', /alderspensjon|pensjon/i],
  ['HJE', /hjelpemidl|rullestol|høreapparat/i],
  ['GRU', /grunnstønad|hjelpestønad/i],
  ['MED', /medlemskap/i],
  ['KOM', /sosialhjelp|økonomisk stønad|kvalifiseringsprogram/i],
];

export function kindFromTitle(title: string, followUp: boolean): DocumentKind {
  if (followUp) return 'attachment'; // NAVe: ettersendelse to a claim
  if (/klage|anke/i.test(title)) return 'complaint';
  if (/meldekort/i.test(title)) return 'report-card';
  if (/oppfølging|aktivitetsplan|endring/i.test(title)) return 'follow-up';
  if (/søknad|krav/i.test(title)) return 'claim';
  if (/erklæring|bekreftelse|dokumentasjon|vedlegg|attest|uttalelse/i.test(title)) return 'attachment';
  return 'other';
}

function kindFromLetter(text: string): DocumentKind {
  if (/\bklage\b|klager på|påklage/i.test(text)) return 'complaint';
  if (/meldekort/i.test(text)) return 'report-card';
  if (/legeerklæring|bekreftelse|attest|dokumentasjon|vedlegg/i.test(text)) return 'attachment';
  if (/oppfølging|aktivitetsplan|møte med veileder/i.test(text)) return 'follow-up';
  if (/søker om|søknad/i.test(text)) return 'claim';
  return 'other';
}

/** Form number, tema, kind and person from OCR text and vendor hints. Pure. */
export function classify(input: ClassifyInput): Classification {
  const reasons: string[] = [];
  // The header of page one decides form and person; later pages may be attachments.
  const first = input.pageTexts[0] ?? '';
  const all = input.pageTexts.join('\n');

  let formNumber: string | null = null;
  let title: string | null = null;
  let tema = 'UKJ';
  let kind: DocumentKind = 'other';
  let confidence = 0;

  const hit = lookupFormNumber(first, input.forms) ?? lookupFormNumber(all, input.forms);
  const vendorForm = input.vendor?.brevKode ? input.forms.get(input.vendor.brevKode) : undefined;
  if (hit) {
    formNumber = hit.formNumber;
    title = hit.form.tittel;
    tema = hit.form.tema;
    kind = kindFromTitle(hit.form.tittel, hit.followUp);
    confidence = 0.95;
    reasons.push(`form number ${hit.followUp ? 'NAVe ' : ''}${formNumber} found in the text`);
    if (vendorForm && vendorForm.skjemanummer !== formNumber) reasons.push('vendor brevKode disagrees with the text');
  } else if (vendorForm) {
    formNumber = vendorForm.skjemanummer;
    title = vendorForm.tittel;
    tema = vendorForm.tema;
    kind = kindFromTitle(vendorForm.tittel, false);
    confidence = 0.9;
    reasons.push('form number from vendor metadata');
  } else {
    const scores = TEMA_WORDS.map(([code, re]) => [code, (all.match(new RegExp(re.source, 'gi')) ?? []).length] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    const total = scores.reduce((s, [, n]) => s + n, 0);
    if (scores.length > 0) {
      tema = scores[0]![0];
      confidence = Math.min(0.85, 0.5 + 0.35 * (scores[0]![1] / total));
      reasons.push(`no form number; tema ${tema} from the wording`);
    } else {
      reasons.push('no form number and no known wording');
    }
    if (input.vendor?.tema && input.temaCodes.has(input.vendor.tema)) {
      if (tema === 'UKJ') confidence = 0.8;
      tema = input.vendor.tema;
      reasons.push('tema from vendor metadata');
    }
    kind = kindFromLetter(all);
  }

  const ids = findPersonIds(first).concat(findPersonIds(all));
  const vendorId = input.vendor?.brukerId && isValidPersonId(input.vendor.brukerId) ? input.vendor.brukerId : null;
  const personId = ids[0]?.id ?? vendorId;
  if (ids[0]) reasons.push(Number.isFinite(ids[0].labelDistance) ? 'person id next to its label' : 'person id found without label');
  else if (vendorId) reasons.push('person id from vendor metadata');
  else reasons.push('no valid person id');
  if (vendorId && ids[0] && ids[0].id !== vendorId) reasons.push('vendor brukerId disagrees with the text');

  return {
    formNumber,
    title,
    tema,
    kind,
    personId,
    personIdCandidates: new Set(ids.map((i) => i.id)).size,
    confidence: personId ? confidence : confidence * 0.5,
    reasons,
  };
}
