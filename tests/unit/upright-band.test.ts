import { describe, expect, it } from 'vitest';
import { densestBand, printBand } from '../../pipeline/ocr/upright.ts';

/**
 * A copy of a tinted form (issue 9, halftone family): the tint is a dot screen, which has more
 * ink-to-paper changes per row than any text. The orientation probe must read a band of print,
 * not of tint.
 */
describe('the band an orientation probe reads', () => {
  // A4 at 200 dpi, black-and-white as a bilevel scanner gives it.
  const w = 1654;
  const h = 2339;
  const data = new Uint8Array(w * h).fill(255);
  const fill = (x0: number, y0: number, x1: number, y1: number) => {
    for (let y = y0; y < y1; y++) data.fill(0, y * w + x0, y * w + x1);
  };
  // Print: ten lines of words at the top, each letter a stem or a bowl 16-22 px tall.
  const textFrom = 250;
  const textTo = 650;
  for (let line = 0; line < 10; line++) {
    const base = textFrom + 20 + line * 38;
    for (let x = 160; x < 1400; x += 11) {
      if (x % 88 > 70) continue; // spaces between words
      const tall = x % 33 === 0 ? 22 : 16;
      fill(x, base - tall, x + 3, base);
      if (x % 3 === 0) fill(x, base - 3, x + 8, base); // a foot or a bowl's bottom
    }
  }
  // A tint over the lower page: 2x2 dots every 4 px, a screen of 50 lines per inch.
  const tintFrom = 1000;
  const tintTo = 2100;
  for (let y = tintFrom; y < tintTo; y += 4) for (let x = 100; x < w - 100; x += 4) fill(x, y, x + 2, y + 2);

  it('by ink-to-paper changes alone is the tint (the problem)', () => {
    const [from, to] = densestBand({ data, width: w, height: h }, 0.16, 200);
    expect(from).toBeGreaterThanOrEqual(tintFrom - 10);
    expect(to).toBeLessThanOrEqual(tintTo + 10);
  });
  it('on the page as cleaned for OCR holds the print', async () => {
    const [from, to] = await printBand({ data, width: w, height: h }, 200);
    // The band overlaps most of the print's lines.
    const overlap = Math.min(to, textTo) - Math.max(from, textFrom);
    expect(overlap).toBeGreaterThan((textTo - textFrom) * 0.6);
  });
});
