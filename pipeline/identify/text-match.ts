/** Small text tools for OCR output: normalised words and a bounded edit distance. */

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9æøåäöüé]+/g, ' ')
    .split(' ')
    .filter((w) => w.length > 0);
}

/** Levenshtein distance, giving up (returning max + 1) once it exceeds `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Edits a word of this length may have and still count as the same word after OCR. */
export const tolerance = (len: number) => (len >= 9 ? 2 : len >= 5 ? 1 : 0);

/** True when `word` occurs in `vocab` allowing OCR slips. */
export function fuzzyHas(vocab: ReadonlySet<string>, word: string): boolean {
  if (vocab.has(word)) return true;
  const t = tolerance(word.length);
  if (t === 0) return false;
  for (const v of vocab) if (Math.abs(v.length - word.length) <= t && editDistance(v, word, t) <= t) return true;
  return false;
}
