/**
 * Synthetic national ids for seeding and fixtures. They use Skatteetaten's "Test Norge"
 * convention (month + 80), so they pass the checksum rules but can never be a real person.
 */
const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

function mod11(digits: number[], weights: number[]): number | null {
  const sum = weights.reduce((acc, w, i) => acc + w * digits[i]!, 0);
  const r = 11 - (sum % 11);
  if (r === 11) return 0;
  if (r === 10) return null;
  return r;
}

/** Appends the two mod-11 check digits; null when the 9-digit base has no valid id. */
export function withCheckDigits(base9: string): string | null {
  const d = [...base9].map(Number);
  const k1 = mod11(d, W1);
  if (k1 === null) return null;
  const k2 = mod11([...d, k1], W2);
  if (k2 === null) return null;
  return base9 + String(k1) + String(k2);
}

/** A synthetic (Test Norge, month + 80) fødselsnummer for a birth date, or D-number when dnr. */
export function syntheticId(birth: Date, individual: number, opts: { dnr?: boolean } = {}): string {
  const day = birth.getUTCDate() + (opts.dnr ? 40 : 0);
  const month = birth.getUTCMonth() + 1 + 80;
  const yy = birth.getUTCFullYear() % 100;
  // Individual numbers 000-499 mean born 1900-1999; 500-999 with yy < 40 mean 2000-2039.
  for (let i = 0; i < 500; i++) {
    const ind = (individual + i) % 500 + (birth.getUTCFullYear() >= 2000 ? 500 : 0);
    const base = `${pad2(day)}${pad2(month)}${pad2(yy)}${String(ind).padStart(3, '0')}`;
    const id = withCheckDigits(base);
    if (id) return id;
  }
  throw new Error('no valid synthetic id for this birth date');
}

const pad2 = (n: number) => String(n).padStart(2, '0');
