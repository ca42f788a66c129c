import { isValidLuhn, luhnCheckDigit } from '../identify/check-digits.ts';

/**
 * The cover sheet's løpenummer: yyyyMMdd + a 5-digit daily counter + a Luhn check digit (14 digits).
 * The check digit lets a misread barcode or a typed number be rejected before any look-up.
 */
export const LOEPENUMMER_RE = /^\d{14}$/;

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function makeLoepenummer(day: Date, counter: number): string {
  if (!Number.isInteger(counter) || counter < 1 || counter > 99_999) throw new Error('daily counter must be 1..99999');
  const body = `${day.getUTCFullYear()}${pad(day.getUTCMonth() + 1, 2)}${pad(day.getUTCDate(), 2)}${pad(counter, 5)}`;
  return body + String(luhnCheckDigit(body));
}

export interface ParsedLoepenummer {
  loepenummer: string;
  day: string; // YYYY-MM-DD
  counter: number;
}

/** Null unless the string is 14 digits with a real date and a correct Luhn digit. */
export function parseLoepenummer(s: string): ParsedLoepenummer | null {
  const v = s.trim();
  if (!LOEPENUMMER_RE.test(v) || !isValidLuhn(v)) return null;
  const y = Number(v.slice(0, 4));
  const m = Number(v.slice(4, 6));
  const d = Number(v.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 2000 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  const counter = Number(v.slice(8, 13));
  if (counter < 1) return null;
  return { loepenummer: v, day: `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`, counter };
}
