import type { FormRow } from '../../schemas/reference.ts';

export interface FormNumberHit {
  formNumber: string; // canonical "NAV 04-01.03"
  followUp: boolean; // "NAVe": ettersendelse to an earlier claim
  raw: string;
  index: number;
}

// Tolerates OCR slips: O/o for 0, l/I/| for 1, missing or extra spaces, "-" or "." confused.
const DIGIT = '[0-9OoIl|]';
const FORM_RE = new RegExp(
  `\\b(NAV|NAVe|NAV\\s?e)\\s*(${DIGIT}{2})\\s*[-–—.,]\\s*(${DIGIT}{2})\\s*[-–—.,]\\s*(${DIGIT}{2})([A-Z]?)\\b`,
  'g',
);

const fixDigits = (s: string) => s.replace(/[Oo]/g, '0').replace(/[Il|]/g, '1');

/** Every form-number-like string in the text, canonicalised, in reading order. */
export function findFormNumbers(text: string): FormNumberHit[] {
  const hits: FormNumberHit[] = [];
  for (const m of text.matchAll(FORM_RE)) {
    const prefix = m[1]!.replace(/\s/g, '');
    hits.push({
      formNumber: `NAV ${fixDigits(m[2]!)}-${fixDigits(m[3]!)}.${fixDigits(m[4]!)}${m[5] ?? ''}`,
      followUp: prefix === 'NAVe',
      raw: m[0],
      index: m.index ?? 0,
    });
  }
  return hits;
}

/** The first form number in the text that the catalogue knows. */
export function lookupFormNumber(text: string, catalogue: Map<string, FormRow>): (FormNumberHit & { form: FormRow }) | null {
  for (const hit of findFormNumbers(text)) {
    const form = catalogue.get(hit.formNumber);
    if (form) return { ...hit, form };
  }
  return null;
}
