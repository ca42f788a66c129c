/**
 * Character accuracy of OCR output against the ground truth: 1 - errors / truth characters.
 *
 * Two measures, both with whitespace collapsed:
 * - `plain`: Levenshtein distance over the whole text in reading order;
 * - `matched`: each ground-truth line is aligned with the best-fitting stretch of an output line
 *   (semi-global alignment), the stretch is used up, and output text left unmatched counts as
 *   insertions. Reading order between blocks (a form number printed at the right of the header
 *   may come before or after the left column) does not count; every wrong, missing or extra
 *   character does. In the spirit of the "flexible character accuracy" measure (Clausner et al. 2020).
 */

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** Ground-truth lines as printed: signature rules ("_____") are drawings, not text. */
export function normaliseLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/_{3,}/g, ' ').replace(/\s+/g, ' ').trim())
    .filter((l) => l.length > 0);
}

/** Best alignment of all of `needle` inside `hay` (free start and end in `hay`). */
function semiGlobal(needle: string, hay: string): { cost: number; start: number; end: number } {
  const m = needle.length;
  const n = hay.length;
  let prev = new Uint32Array(n + 1);
  let prevStart = new Int32Array(n + 1);
  let cur = new Uint32Array(n + 1);
  let curStart = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) {
    prev[j] = 0;
    prevStart[j] = j;
  }
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    curStart[0] = 0;
    const c = needle.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const sub = prev[j - 1]! + (c === hay.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      if (sub <= del && sub <= ins) {
        cur[j] = sub;
        curStart[j] = prevStart[j - 1]!;
      } else if (del <= ins) {
        cur[j] = del;
        curStart[j] = prevStart[j]!;
      } else {
        cur[j] = ins;
        curStart[j] = curStart[j - 1]!;
      }
    }
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
  }
  let best = { cost: m, start: 0, end: 0 };
  for (let j = 0; j <= n; j++) if (prev[j]! < best.cost) best = { cost: prev[j]!, start: prevStart[j]!, end: j };
  return best;
}

export interface Accuracy {
  /** Characters in the ground truth (whitespace collapsed). */
  chars: number;
  matchedErrors: number;
  plainErrors: number;
  matched: number;
  plain: number;
}

export function characterAccuracy(truth: string, output: string): Accuracy {
  const gt = normaliseLines(truth);
  const chars = gt.reduce((s, l) => s + l.length, 0) + Math.max(0, gt.length - 1);
  const plainErrors = levenshtein(gt.join(' '), normaliseLines(output).join(' '));
  let segments = normaliseLines(output);
  let errors = 0;
  for (const line of [...gt].sort((a, b) => b.length - a.length)) {
    let best = { cost: line.length, seg: -1, start: 0, end: 0 };
    for (let s = 0; s < segments.length; s++) {
      const r = semiGlobal(line, segments[s]!);
      if (r.cost < best.cost) best = { seg: s, ...r };
    }
    errors += best.cost;
    if (best.seg >= 0) {
      const seg = segments[best.seg]!;
      const rest = [seg.slice(0, best.start).trim(), seg.slice(best.end).trim()].filter((x) => x.length > 0);
      segments = [...segments.slice(0, best.seg), ...rest, ...segments.slice(best.seg + 1)];
    }
  }
  // Output left over is text that is not on the page (noise read as characters).
  errors += segments.reduce((s, l) => s + l.replace(/\s/g, '').length, 0);
  return {
    chars,
    matchedErrors: errors,
    plainErrors,
    matched: chars ? Math.max(0, 1 - errors / chars) : 1,
    plain: chars ? Math.max(0, 1 - plainErrors / chars) : 1,
  };
}

const wordsOf = (s: string) => s.toLowerCase().normalize('NFC').split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2);

/** Share of the true text's words (two letters or more) found in the OCR text, each found word used once. */
export function wordRecall(truth: string, got: string): number {
  const bag = new Map<string, number>();
  for (const w of wordsOf(got)) bag.set(w, (bag.get(w) ?? 0) + 1);
  const want = wordsOf(truth);
  let hit = 0;
  for (const w of want) {
    const n = bag.get(w) ?? 0;
    if (n > 0) {
      hit++;
      bag.set(w, n - 1);
    }
  }
  return want.length ? hit / want.length : 0;
}
