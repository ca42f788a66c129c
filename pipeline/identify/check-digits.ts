/** Check digits used on NAV paper: Luhn (mod 10) on the cover sheet's løpenummer, mod 11 on national ids. */

/** The Luhn check digit for a string of digits (the digit to append). */
export function luhnCheckDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) throw new Error('luhnCheckDigit: digits only');
  let sum = 0;
  // From the right, every second digit of the payload (starting with the last) is doubled.
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit is the Luhn check digit of the rest. */
export function isValidLuhn(s: string): boolean {
  return /^\d{2,}$/.test(s) && luhnCheckDigit(s.slice(0, -1)) === Number(s[s.length - 1]);
}

const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

function mod11(digits: readonly number[], weights: readonly number[]): number | null {
  const sum = weights.reduce((acc, w, i) => acc + w * digits[i]!, 0);
  const r = 11 - (sum % 11);
  if (r === 11) return 0;
  return r === 10 ? null : r;
}

/** The two mod-11 check digits (k1, k2) of a fødselsnummer's first nine digits; null when none exist. */
export function fnrCheckDigits(base9: string): string | null {
  if (!/^\d{9}$/.test(base9)) return null;
  const d = [...base9].map(Number);
  const k1 = mod11(d, W1);
  if (k1 === null) return null;
  const k2 = mod11([...d, k1], W2);
  return k2 === null ? null : `${k1}${k2}`;
}

/** Only the mod-11 arithmetic (no date rules): used to try OCR corrections cheaply before full validation. */
export function hasValidFnrCheckDigits(id: string): boolean {
  return /^\d{11}$/.test(id) && fnrCheckDigits(id.slice(0, 9)) === id.slice(9);
}
