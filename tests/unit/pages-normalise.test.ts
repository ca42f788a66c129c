import { describe, expect, it } from 'vitest';
import { renderPage, type PageContent } from '../../fixtures/render-page.ts';
import { normalisePage, toGrey } from '../../pipeline/pages/normalise.ts';

const letter: PageContent = {
  lines: [
    { text: 'Kari Nordmann', font: 'serif' },
    { text: 'Bygdøy allé 1, 0257 Oslo', font: 'serif' },
    { text: 'Fødselsnummer: 01815010260', gapBefore: 2 },
    { text: 'Klage på vedtak om dagpenger', size: 12, bold: true, gapBefore: 8 },
    { text: 'Jeg viser til vedtaket dere sendte meg, og ønsker å klage på dette.', gapBefore: 3 },
    { text: 'Jeg mener at dere ikke har tatt hensyn til alle opplysningene i saken min.' },
    { text: 'Legen min har bekreftet at jeg ikke kan arbeide fullt, og dette står i legeerklæringen.' },
    { text: 'Med vennlig hilsen', gapBefore: 6 },
  ],
};

async function normalised(opts: Parameters<typeof renderPage>[1], content = letter) {
  const page = await renderPage(content, { dpi: 150, ...opts });
  return normalisePage(await toGrey(page.data), page.dpi);
}

describe('page normalisation: orientation, skew, blank pages', () => {
  it.each([90, 180, 270] as const)('turns a page scanned %i degrees round the right way up', async (rotate) => {
    const n = await normalised({ rotate, noise: 0.01, seed: rotate });
    expect(n.blank).toBe(false);
    expect(n.orientation).toBe((360 - rotate) % 360);
    expect(n.orientationConfidence).toBeGreaterThan(0.3);
    // A4 upright again after the turn.
    expect(n.raster.height).toBeGreaterThan(n.raster.width);
  });

  it('leaves an upright page as it is', async () => {
    const n = await normalised({ seed: 1 });
    expect([n.orientation, n.skew, n.blank]).toEqual([0, 0, false]);
  });

  it.each([-4.5, -2, 1.5, 4])('measures and undoes a skew of %f degrees', async (skewDeg) => {
    const n = await normalised({ skewDeg, noise: 0.02, jpegQuality: 60, seed: 7 });
    expect(n.orientation).toBe(0);
    expect(n.skew).toBeCloseTo(-skewDeg, 0);
    expect(Math.abs(n.skew + skewDeg)).toBeLessThan(0.3);
  });

  it('finds skew and orientation together on a dirty upside-down scan', async () => {
    const n = await normalised({ rotate: 180, skewDeg: 3, noise: 0.05, blur: 1, jpegQuality: 40, seed: 3 });
    expect(n.orientation).toBe(180);
    expect(Math.abs(n.skew + 3)).toBeLessThan(0.3);
  });

  it.each([0, 0.02, 0.06])('marks an empty sheet with scanner noise %f as blank', async (noise) => {
    const n = await normalised({ blank: true, noise, jpegQuality: noise ? 45 : undefined, seed: 11 });
    expect(n.blank).toBe(true);
  });

  it('does not take a page with a single short line for blank', async () => {
    const n = await normalised({ noise: 0.03, seed: 5 }, { lines: [{ text: 'Side 2 av 2', size: 9, gapBefore: 120 }] });
    expect(n.blank).toBe(false);
  });

  it('reads a pure black-and-white page (a G4 scan) as ink, not as a blank sheet', async () => {
    // Regression: with only 0 and 255 in the page, Otsu's level is 0 and "darker than 0" found no ink.
    const page = await renderPage(letter, { dpi: 150, rotate: 180, seed: 2 });
    const grey = await toGrey(page.data);
    const bw = { ...grey, data: grey.data.map((v) => (v < 128 ? 0 : 255)) };
    const n = await normalisePage(bw, page.dpi);
    expect(n.blank).toBe(false);
    expect(n.orientation).toBe(180);
  });
});
