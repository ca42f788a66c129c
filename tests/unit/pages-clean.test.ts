import { describe, expect, it } from 'vitest';
import { analysePage, type GreyRaster } from '../../pipeline/pages/analyse.ts';
import { cleanRaster, removeRules, removeSpecks } from '../../pipeline/pages/clean.ts';
import { rotateRaster } from '../../pipeline/pages/normalise.ts';
import { chooseLangSource, DEBIAN_TESSDATA } from '../../pipeline/ocr/ocr-engine.ts';

const page = (w: number, h: number, paper = 255): GreyRaster => ({ data: new Uint8Array(w * h).fill(paper), width: w, height: h });
const fill = (r: GreyRaster, x0: number, y0: number, x1: number, y1: number, v = 0) => {
  for (let y = y0; y < y1; y++) r.data.fill(v, y * r.width + x0, y * r.width + x1);
};
const darkest = (r: GreyRaster) => {
  let at = 0;
  for (let i = 1; i < r.data.length; i++) if (r.data[i]! < r.data[at]!) at = i;
  return { x: at % r.width, y: Math.floor(at / r.width) };
};
const pbmBit = (pbm: Buffer, w: number, x: number, y: number) => {
  const start = pbm.indexOf('\n', pbm.indexOf('\n') + 1) + 1;
  return (pbm[start + y * Math.ceil(w / 8) + (x >> 3)]! >> (7 - (x & 7))) & 1;
};

describe('turning a page by a small angle (deskew)', () => {
  it.each([3, -2.5])('moves a mark %f degrees clockwise about the centre and keeps the page size', async (deg) => {
    const r = page(1201, 1601);
    fill(r, 600 + 500 - 1, 800 - 1, 600 + 500 + 2, 800 + 2); // a 3x3 mark 500 px right of the centre
    const out = await rotateRaster(r, deg);
    expect([out.width, out.height]).toEqual([1201, 1601]);
    const rad = (deg * Math.PI) / 180;
    const p = darkest(out);
    // Clockwise on screen (y down): right of the centre moves down for a positive angle.
    expect(Math.abs(p.x - (600 + 500 * Math.cos(rad)))).toBeLessThanOrEqual(2);
    expect(Math.abs(p.y - (800 + 500 * Math.sin(rad)))).toBeLessThanOrEqual(2);
    // Corners that came in are white, and no ink was lost or made.
    expect(out.data[0]).toBe(255);
    expect(out.data.filter((v) => v < 128).length).toBe(9);
  });

  it('combines a quarter turn with the rest of the angle', async () => {
    const r = page(400, 600);
    fill(r, 299, 299, 302, 302); // 100 px right of the centre (199.5, 299.5)
    const out = await rotateRaster(r, 90 + 2);
    expect([out.width, out.height]).toEqual([600, 400]);
    const p = darkest(out);
    // A quarter turn clockwise takes "right of centre" to "below centre"; 2 degrees more take it left.
    expect(Math.abs(p.x - (299.5 - 100 * Math.sin((2 * Math.PI) / 180)))).toBeLessThanOrEqual(2.5);
    expect(Math.abs(p.y - (199.5 + 100 * Math.cos((2 * Math.PI) / 180)))).toBeLessThanOrEqual(2.5);
  });
});

describe('components: what counts as a printed character', () => {
  it('joins pixels that touch only at corners, and strokes that meet only further down', () => {
    const dpi = 150; // 0.8 mm = 4.7 px: smaller marks are specks
    const r = page(600, 400);
    for (let g = 0; g < 8; g++) {
      const x = 60 + g * 50;
      // A diagonal staircase: one glyph only if diagonal neighbours join.
      for (let i = 0; i < 12; i++) r.data[(100 + i) * r.width + x + i] = 0;
      // A "U": two strokes that meet only at their foot.
      fill(r, x, 200, x + 2, 215);
      fill(r, x + 10, 200, x + 12, 215);
      fill(r, x, 215, x + 12, 217);
    }
    expect(analysePage(r, { dpi }).glyphs).toBe(16);
  });
});

describe('clean-up for OCR', () => {
  it('scales to the OCR resolution, keeps ink, drops paper grain and the scanner edge', async () => {
    const w = 1240;
    const h = 1754; // A4 at 150 dpi, scaled up below
    const r = page(w * 2, h * 2, 232);
    let seed = 1;
    for (let i = 0; i < r.data.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      r.data[i] = 224 + (seed % 17); // grain around the paper tone
    }
    for (let x = 600; x < 1400; x += 40) fill(r, x, 600, x + 30, 640, 20); // a line of "letters"
    fill(r, 0, 0, 30, h * 2, 10); // a dark scanner edge down the left
    const out = await cleanRaster(r, 300, 'normal', 200);
    expect(out.dpi).toBeCloseTo(200, 0);
    expect(out.width).toBe(Math.round(w * 2 * (2 / 3)));
    expect(Math.abs(out.height - h * 2 * (2 / 3))).toBeLessThanOrEqual(1);
    const k = out.width / r.width;
    expect(pbmBit(out.pbm, out.width, Math.round(1000 * k), Math.round(620 * k))).toBe(1);
    expect(pbmBit(out.pbm, out.width, Math.round(5 * k), Math.round(800 * k))).toBe(0);
    let inked = 0;
    for (let y = 0; y < out.height; y += 7) for (let x = 0; x < out.width; x += 7) inked += pbmBit(out.pbm, out.width, x, y);
    // Only the letters: about 600 x 40 of 2480 x 3508 source pixels.
    expect(inked / ((out.width / 7) * (out.height / 7))).toBeLessThan(0.006);
  });
});

describe('clean-up of forms and poor paper', () => {
  it('removes form ruling but keeps the digits inside the cells', () => {
    const w = 200;
    const h = 60;
    const bits = new Uint8Array(w * h);
    const set = (x0: number, y0: number, x1: number, y1: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) bits[y * w + x] = 1;
    };
    set(10, 10, 190, 12); // the top of a box
    for (let x = 10; x <= 190; x += 30) set(x, 10, x + 2, 50); // cell walls, 40 px tall
    set(20, 20, 24, 40); // a digit's stroke, 20 px tall
    removeRules(bits, w, h, 60, 30);
    expect(bits[11 * w + 100]).toBe(0);
    expect(bits[30 * w + 40]).toBe(0);
    expect(bits[30 * w + 22]).toBe(1);
  });

  it('removes cell walls broken into dashes (faded toner, a dot screen) but keeps the digits (issue 9)', async () => {
    // A row of digit boxes at 200 dpi: walls 6 mm tall, faded into dashes of 1.5 mm with gaps of
    // one or two pixels; inside each cell a digit's stem 3 mm tall; light scanner grain over all.
    const r = page(800, 300, 235);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < r.data.length; i++) r.data[i] = 235 + Math.round((rand() - 0.5) * 12);
    const top = 100;
    const wallH = 47; // 6 mm
    fill(r, 100, top, 700, top + 2, 40); // the top of the field
    fill(r, 100, top + wallH, 700, top + wallH + 2, 40); // and its bottom
    const walls: number[] = [];
    for (let x = 100; x <= 700; x += 50) {
      walls.push(x);
      for (let y = top; y < top + wallH; y += 13) fill(r, x, y, x + 2, Math.min(top + wallH, y + 12 - (y % 2)), 40);
    }
    const stems: number[] = [];
    for (let x = 122; x < 700; x += 50) {
      stems.push(x);
      fill(r, x, top + 12, x + 4, top + 36, 30);
    }
    const c = await cleanRaster(r, 200);
    const inkIn = (x0: number, x1: number, y0: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) n += pbmBit(c.pbm, c.width, x, y);
      return n;
    };
    // No piece of a wall is left to be read as a one or a bar between the digits.
    for (const x of walls.slice(1, -1)) expect(inkIn(x - 1, x + 3, top + 4, top + wallH - 4)).toBe(0);
    for (const x of stems) expect(inkIn(x, x + 4, top + 14, top + 34)).toBeGreaterThan(60);
  });

  it('clears dust specks but keeps full stops and letters', () => {
    const w = 60;
    const h = 30;
    const bits = new Uint8Array(w * h);
    const set = (x0: number, y0: number, x1: number, y1: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) bits[y * w + x] = 1;
    };
    set(5, 5, 6, 6); // one pixel of dust
    set(10, 5, 12, 7); // two by two
    set(20, 5, 23, 8); // a full stop, three by three
    set(30, 5, 33, 20); // a letter's stem
    set(33, 19, 34, 20); // and a pixel touching it
    removeSpecks(bits, w, h);
    expect(bits[5 * w + 5]).toBe(0);
    expect(bits[6 * w + 11]).toBe(0);
    expect(bits[6 * w + 21]).toBe(1);
    expect(bits[10 * w + 31]).toBe(1);
    expect(bits[19 * w + 33]).toBe(1);
  });

  it('reads dark print on a page with a deep shadow and grey paper the same as on white', async () => {
    const w = 1654;
    const h = 600;
    const r = page(w, h, 170);
    for (let y = 0; y < h; y++) for (let x = 0; x < 300; x++) r.data[y * w + x] = Math.round(40 + (130 * x) / 300); // shadow at the left
    for (let x = 100; x < 1500; x += 40) fill(r, x, 300, x + 20, 330, 70); // letters, also inside the shadow
    const out = await cleanRaster(r, 200);
    expect(pbmBit(out.pbm, out.width, 710, 315)).toBe(1); // a letter on grey paper
    expect(pbmBit(out.pbm, out.width, 225, 315)).toBe(1); // a letter in the shadow
    expect(pbmBit(out.pbm, out.width, 250, 200)).toBe(0); // shadow without print is paper
    expect(pbmBit(out.pbm, out.width, 800, 200)).toBe(0);
  });
});

describe('language data', () => {
  const all = () => true;
  const none = () => false;
  it('takes what OCR_LANG_PATH names, or npm when it says so', () => {
    expect(chooseLangSource(['nor'], '/opt/tessdata', none).dir).toBe('/opt/tessdata');
    expect(chooseLangSource(['nor'], 'npm', all).dir).toBeNull();
  });
  it("prefers Debian's fast models when every language is installed, else npm's", () => {
    expect(chooseLangSource(['nor', 'eng'], undefined, all)).toEqual({ dir: DEBIAN_TESSDATA, label: 'Debian fast' });
    expect(chooseLangSource(['nor', 'eng'], undefined, (f) => f.endsWith('nor.traineddata')).dir).toBeNull();
  });
});

describe('dividing by the paper level (issue 14: one look-up a pixel)', () => {
  it('gives for every paper level and pixel what the division gave', async () => {
    const { divisionTable } = await import('../../pipeline/pages/clean.ts');
    const t = divisionTable();
    for (let b = 0; b < 256; b++) {
      for (let v = 0; v < 256; v++) expect(t[(b << 8) | v]).toBe(b < 40 ? 255 : Math.min(255, Math.round((v * 255) / b)));
    }
  });
});
