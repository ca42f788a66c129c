/** Small text tools for OCR output: normalised words and a bounded edit distance. */

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9æøåäöüé]+/g, ' ')
    .split(' ')
    .filter((w) => w.length > 0);
}

// Two rows reused by every call (no arrays made per row: the title match calls this some
// hundred thousand times a page).
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Levenshtein distance, giving up (returning max + 1) once it exceeds `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length + 1);
    rowB = new Int32Array(b.length + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length]!;
}

/** Edits a word of this length may have and still count as the same word after OCR. */
export const tolerance = (len: number) => (len >= 9 ? 2 : len >= 5 ? 1 : 0);

const byLength = new WeakMap<ReadonlySet<string>, Map<number, string[]>>();

/** The words of a vocabulary by their length, made once per vocabulary. */
function lengthIndex(vocab: ReadonlySet<string>): Map<number, string[]> {
  let index = byLength.get(vocab);
  if (!index) {
    index = new Map();
    for (const v of vocab) {
      const list = index.get(v.length);
      if (list) list.push(v);
      else index.set(v.length, [v]);
    }
    byLength.set(vocab, index);
  }
  return index;
}

/** True when `word` occurs in `vocab` allowing OCR slips. */
export function fuzzyHas(vocab: ReadonlySet<string>, word: string): boolean {
  if (vocab.has(word)) return true;
  const t = tolerance(word.length);
  if (t === 0) return false;
  // Only words whose length is within the tolerance can be that close (a vocabulary is not changed after it is made).
  const index = lengthIndex(vocab);
  for (let len = word.length - t; len <= word.length + t; len++) {
    for (const v of index.get(len) ?? []) if (editDistance(v, word, t) <= t) return true;
  }
  return false;
}
