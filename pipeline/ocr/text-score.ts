/**
 * Score of a reading: letters in words tesseract is sure of. Garbage from an upside-down or
 * sideways page has few long words, and low confidence on those it has.
 */
export function textScore(words: Array<{ text: string; conf: number }>): number {
  let s = 0;
  for (const w of words) {
    const letters = w.text.replace(/[^\p{L}\p{N}]/gu, '');
    if (letters.length < 2 || w.conf < 50) continue;
    // Words of letters only (or a number) are what real text is made of; mixtures are noise.
    const clean = /^[\p{L}]+$/u.test(letters) || /^\d+$/.test(letters);
    s += letters.length * (w.conf / 100) ** 2 * (clean ? 1 : 0.3);
  }
  return s;
}

