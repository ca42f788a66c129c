import { describe, expect, it } from 'vitest';
import { editDistance, fuzzyHas, tolerance } from '../../pipeline/identify/text-match.ts';
import { rng } from '../../fixtures/random.ts';

/** Plain Levenshtein distance, the textbook way: what the bounded, allocation-free one must agree with. */
function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

const r = rng(1414);
const word = (min: number, max: number) => Array.from({ length: r.int(min, max) }, () => r.pick([...'aeiouæøåbdgklmnrst'])).join('');

describe('text matching for OCR slips (issue 14: the same answers, faster)', () => {
  it('bounded edit distance agrees with plain Levenshtein up to max, and says more than max when farther, long words too', () => {
    for (let k = 0; k < 3000; k++) {
      const a = word(0, k % 50 === 0 ? 90 : 12);
      const b = r.float(0, 1) < 0.5 ? a.slice(0, r.int(0, a.length)) + word(0, 3) + a.slice(r.int(0, a.length)) : word(0, 12);
      const max = r.int(0, 3);
      const full = levenshtein(a, b);
      const d = editDistance(a, b, max);
      if (full <= max) expect(d, `${a} ${b} ${max}`).toBe(full);
      else expect(d, `${a} ${b} ${max}`).toBeGreaterThan(max);
    }
  });

  it('finds a word in a vocabulary exactly when some word of it is within the tolerance', () => {
    for (let k = 0; k < 300; k++) {
      const vocab = new Set(Array.from({ length: r.int(0, 60) }, () => word(1, 13)));
      for (let q = 0; q < 10; q++) {
        const w = word(1, 13);
        const t = tolerance(w.length);
        const expected = vocab.has(w) || (t > 0 && [...vocab].some((v) => levenshtein(v, w) <= t));
        expect(fuzzyHas(vocab, w), w).toBe(expected);
      }
    }
  });
});
