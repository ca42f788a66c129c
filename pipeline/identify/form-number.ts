import type { FormRow } from '../../schemas/reference.ts';

export interface FormNumberHit {
  formNumber: string; // canonical "NAV 04-01.03"
  followUp: boolean; // "NAVe": ettersendelse to an earlier claim
  raw: string;
  index: number;
  /** Printed as "Vedlegg til NAV ..": the page is an attachment to that form, not the form. */
  attachmentTo: boolean;
}

// What OCR makes of digits on a noisy scan: O/o/D/Q for 0, l/I/|/i/!/] for 1, Z for 2, S for 5, G/b for 6, B for 8.
const DIGIT = '[0-9OoDQIl|i!\\]ZzSsGbB]';
const DIGIT2 = `${DIGIT}\\s?${DIGIT}`;
const SEP = '\\s*[-–—_~.,:;\'’]?\\s*';
// "NAV", "NAVe", "NAV e", "NAVE", and the usual misreads of the prefix (MAV, NAY, N AV).
const PREFIX = '(N\\s?A\\s?V|MAV|NAY|NIAV)(\\s?[eE€])?';
const FORM_RE = new RegExp(`(?<![A-Za-z])${PREFIX}\\s*[.:]?\\s*(${DIGIT2})${SEP}(${DIGIT2})${SEP}(${DIGIT2})([A-Z](?![a-zæøå]))?`, 'g');

const DIGIT_OF: Record<string, string> = {
  O: '0', o: '0', D: '0', Q: '0', I: '1', l: '1', '|': '1', i: '1', '!': '1', ']': '1',
  Z: '2', z: '2', S: '5', s: '5', G: '6', b: '6', B: '8',
};
const fixDigits = (s: string) => s.replace(/\s/g, '').replace(/[^0-9]/g, (c) => DIGIT_OF[c] ?? c);

/** Every form-number-like string in the text, canonicalised, in reading order. */
export function findFormNumbers(text: string): FormNumberHit[] {
  const hits: FormNumberHit[] = [];
  for (const m of text.matchAll(FORM_RE)) {
    const [a, b, c] = [fixDigits(m[3]!), fixDigits(m[4]!), fixDigits(m[5]!)];
    // Mostly letters is a word that looks like digits ("NAV i Oslo"), not a misread number.
    if ((m[3]! + m[4]! + m[5]!).replace(/[^0-9]/g, '').length < 3) continue;
    const index = m.index ?? 0;
    const before = text.slice(Math.max(0, index - 20), index);
    hits.push({
      formNumber: `NAV ${a}-${b}.${c}${m[6] ?? ''}`,
      followUp: Boolean(m[2]),
      raw: m[0],
      index,
      attachmentTo: /vedlegg\s+til\s*$/i.test(before),
    });
  }
  return hits;
}

// Digits OCR swaps for each other; used to find the catalogue form a misread number most likely is.
const SIMILAR: Record<string, string> = { '0': '689', '1': '47', '3': '89', '4': '1', '5': '6', '6': '058', '7': '1', '8': '3609', '9': '08', '2': '7' };

/** Catalogue numbers one confusable digit away from `formNumber`. */
export function nearbyFormNumbers(formNumber: string, catalogue: Map<string, FormRow>): string[] {
  const out = new Set<string>();
  for (let i = 0; i < formNumber.length; i++) {
    const alts = SIMILAR[formNumber[i]!];
    if (!alts) continue;
    for (const alt of alts) {
      const v = formNumber.slice(0, i) + alt + formNumber.slice(i + 1);
      if (catalogue.has(v)) out.add(v);
    }
  }
  return [...out];
}

export interface FormLookup extends FormNumberHit {
  form: FormRow;
  /** Read number was not in the catalogue; this is the one confusable-digit neighbour that is. */
  corrected: boolean;
}

/** The first form number in the text that the catalogue knows (exactly, else by one misread digit). */
export function lookupFormNumber(text: string, catalogue: Map<string, FormRow>): FormLookup | null {
  const hits = findFormNumbers(text);
  for (const hit of hits) {
    const form = catalogue.get(hit.formNumber);
    if (form) return { ...hit, form, corrected: false };
  }
  for (const hit of hits) {
    const near = nearbyFormNumbers(hit.formNumber, catalogue);
    if (near.length === 1) return { ...hit, formNumber: near[0]!, form: catalogue.get(near[0]!)!, corrected: true };
  }
  return null;
}
