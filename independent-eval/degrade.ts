/**
 * Paper, printer and scanner models of the independent set, one family of real degradation per
 * document, after the families of the document-degradation literature (Augraphy: Groleau et al.,
 * "Augraphy: A Data Augmentation Library for Document Images", 2023; its ink, paper and post
 * phases). Every function works on float grey pixels (0 black .. 255 white) or ink coverage
 * (0 .. 1) and is our own code; nothing here is shared with fixtures/.
 */
import type { InkLayer } from './render.ts';
import type { Rng } from './rng.ts';

export const FAMILIES = [
  'clean', 'faded-toner', 'ink-bleed', 'dirty-drum', 'bad-photocopy', 'textured-paper', 'halftone', 'low-contrast',
  'creases-folds', 'edge-shadow', 'bleed-through', 'stamps-handwriting', 'punch-holes', 'jpeg-artefacts', 'fax',
  'skew', 'rotated-noisy',
] as const;
export type Family = (typeof FAMILIES)[number];

export interface Grey {
  px: Float32Array;
  width: number;
  height: number;
}

const clamp = (v: number, lo = 0, hi = 255) => (v < lo ? lo : v > hi ? hi : v);

/** Box blur of radius `rad` (separable, running sums); three passes approach a Gaussian. */
export function boxBlur(src: Float32Array, w: number, h: number, rad: number, passes = 1): Float32Array {
  if (rad < 1) return src;
  let a = src;
  const tmp = new Float32Array(w * h);
  for (let p = 0; p < passes; p++) {
    const out = new Float32Array(w * h);
    const n = 2 * rad + 1;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      let s = 0;
      for (let x = -rad; x <= rad; x++) s += a[row + Math.min(w - 1, Math.max(0, x))]!;
      for (let x = 0; x < w; x++) {
        tmp[row + x] = s / n;
        s += a[row + Math.min(w - 1, x + rad + 1)]! - a[row + Math.max(0, x - rad)]!;
      }
    }
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let y = -rad; y <= rad; y++) s += tmp[Math.min(h - 1, Math.max(0, y)) * w + x]!;
      for (let y = 0; y < h; y++) {
        out[y * w + x] = s / n;
        s += tmp[Math.min(h - 1, y + rad + 1) * w + x]! - tmp[Math.max(0, y - rad) * w + x]!;
      }
    }
    a = out;
  }
  return a;
}

/** Smooth random field in [-1, 1] with features about `cell` pixels across (bilinear value noise). */
export function valueNoise(w: number, h: number, cell: number, r: Rng): Float32Array {
  const gw = Math.ceil(w / cell) + 2;
  const gh = Math.ceil(h / cell) + 2;
  const g = new Float32Array(gw * gh);
  for (let i = 0; i < g.length; i++) g[i] = r.float(-1, 1);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = y / cell;
    const y0 = Math.floor(fy);
    const ty = fy - y0;
    const sy = ty * ty * (3 - 2 * ty);
    for (let x = 0; x < w; x++) {
      const fx = x / cell;
      const x0 = Math.floor(fx);
      const tx = fx - x0;
      const sx = tx * tx * (3 - 2 * tx);
      const a = g[y0 * gw + x0]!, b = g[y0 * gw + x0 + 1]!, c = g[(y0 + 1) * gw + x0]!, d = g[(y0 + 1) * gw + x0 + 1]!;
      out[y * w + x] = a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
    }
  }
  return out;
}

// ---- ink phase ----

/** Faded and uneven toner: large pale regions, a weak band, and toner dropping out in specks. */
export function fadeToner(L: InkLayer, r: Rng): void {
  const { ink, width: w, height: h } = L;
  const big = valueNoise(w, h, Math.round(L.dpi * 1.2), r);
  const small = valueNoise(w, h, Math.max(2, Math.round(L.dpi / 100)), r);
  const level = r.float(0.45, 0.7);
  const bandX = r.int(0, w - 1);
  const bandW = Math.round(L.dpi * r.float(0.4, 1.2));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (ink[i] === 0) continue;
      let k = level * (0.8 + 0.35 * big[i]!);
      if (Math.abs(x - bandX) < bandW) k *= 0.75;
      if (small[i]! > 0.55) k *= 0.4;
      ink[i] = ink[i]! * Math.min(1, k);
    }
  }
}

/** Ink spreading into the paper fibres: strokes swell and blur. */
export function bleedInk(L: InkLayer, r: Rng): void {
  const rad = Math.max(1, Math.round((L.dpi / 300) * r.float(1, 2.2)));
  const b = boxBlur(L.ink, L.width, L.height, rad, 2);
  const gain = r.float(1.6, 2.4);
  const wobble = valueNoise(L.width, L.height, Math.max(2, Math.round(L.dpi / 60)), r);
  for (let i = 0; i < L.ink.length; i++) L.ink[i] = Math.min(1, Math.max(L.ink[i]!, b[i]! * gain * (0.85 + 0.2 * wobble[i]!)));
}

/** Printed halftone: grey ink becomes a dot screen at 45°. Applied to coverage below 1 and to tinted backgrounds. */
function screen(x: number, y: number, period: number): number {
  const c = Math.SQRT1_2;
  const u = (x * c + y * c) / period;
  const v = (-x * c + y * c) / period;
  return (Math.cos(2 * Math.PI * u) * Math.cos(2 * Math.PI * v) + 1) / 2; // 0..1
}

// ---- paper phase (returns the page, paper and ink composed) ----

export interface PaperModel {
  base: number;
  inkDark: number;
  mottle: number;
  fibres: number;
  halftoneTint: number;
}

export function composePaper(L: InkLayer, r: Rng, m: PaperModel): Grey {
  const { width: w, height: h, ink } = L;
  const px = new Float32Array(w * h);
  const mott = m.mottle > 0 ? valueNoise(w, h, Math.max(4, Math.round(L.dpi / 12)), r) : null;
  const mott2 = m.mottle > 0 ? valueNoise(w, h, Math.max(2, Math.round(L.dpi / 60)), r) : null;
  const period = L.dpi / r.float(65, 110) * 2; // screen of 65-110 lines per inch, as copied
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let paper = m.base;
      if (mott) paper += m.mottle * (0.6 * mott[i]! + 0.4 * mott2![i]!);
      if (m.halftoneTint > 0) paper -= screen(x, y, period) > 1 - m.halftoneTint ? 90 : 0;
      px[i] = paper * (1 - m.inkDark * ink[i]!);
    }
  }
  if (m.fibres > 0) {
    const n = Math.round((m.fibres * w * h) / 4000);
    for (let k = 0; k < n; k++) {
      let x = r.float(0, w);
      let y = r.float(0, h);
      let a = r.float(0, Math.PI);
      const len = r.int(4, Math.round(L.dpi / 10));
      const dark = r.float(15, 45);
      for (let s = 0; s < len; s++) {
        a += r.float(-0.25, 0.25);
        x += Math.cos(a);
        y += Math.sin(a);
        const xi = x | 0;
        const yi = y | 0;
        if (xi >= 0 && yi >= 0 && xi < w && yi < h) px[yi * w + xi] = px[yi * w + xi]! - dark;
      }
    }
  }
  return { px, width: w, height: h };
}

/** Text of the other side showing through: mirrored, blurred, faint. */
export function bleedThrough(g: Grey, back: InkLayer, r: Rng): void {
  const b = boxBlur(back.ink, back.width, back.height, Math.max(1, Math.round(back.dpi / 120)), 2);
  const k = r.float(0.12, 0.28) * 255;
  const dx = r.int(-20, 20);
  const dy = r.int(-20, 20);
  for (let y = 0; y < g.height; y++) {
    const sy = y + dy;
    if (sy < 0 || sy >= back.height) continue;
    for (let x = 0; x < g.width; x++) {
      const sx = back.width - 1 - x + dx;
      if (sx < 0 || sx >= back.width) continue;
      g.px[y * g.width + x] = g.px[y * g.width + x]! - k * b[sy * back.width + sx]!;
    }
  }
}

/** Dirty drum or rollers: thin vertical streaks along the paper path and a spot pattern repeating with the drum. */
export function dirtyDrum(g: Grey, dpi: number, r: Rng): void {
  const { width: w, height: h, px } = g;
  for (let s = r.int(1, 4); s > 0; s--) {
    const x0 = r.int(0, w - 3);
    const sw = r.int(1, Math.max(1, Math.round(dpi / 150)));
    const dark = r.float(40, 140);
    for (let y = 0; y < h; y++) for (let x = x0; x < x0 + sw; x++) px[y * w + x] = px[y * w + x]! - dark * (0.7 + 0.3 * Math.sin(y / 37));
  }
  const circumference = Math.round((r.float(75, 95) / 25.4) * dpi);
  const spots = Array.from({ length: r.int(4, 12) }, () => [r.int(0, w - 1), r.int(0, circumference - 1), r.float(1, dpi / 80), r.float(80, 180)] as const);
  for (let off = 0; off < h; off += circumference) {
    for (const [sx, sy, rad, dark] of spots) {
      const cy = sy + off;
      for (let y = Math.floor(cy - rad); y <= cy + rad; y++) {
        for (let x = Math.floor(sx - rad); x <= sx + rad; x++) {
          if (x >= 0 && y >= 0 && x < w && y < h && (x - sx) ** 2 + (y - cy) ** 2 <= rad * rad) px[y * w + x] = px[y * w + x]! - dark;
        }
      }
    }
  }
  // Light horizontal banding from an uneven roller.
  const period = r.float(20, 60);
  for (let y = 0; y < h; y++) {
    const d = 6 * Math.sin(y / period);
    for (let x = 0; x < w; x++) px[y * w + x] = px[y * w + x]! - d;
  }
}

/** A bad photocopy: contrast pushed up, grey background, dark copier margins and toner dust. */
export function badPhotocopy(g: Grey, dpi: number, r: Rng): void {
  const { width: w, height: h } = g;
  const blurred = boxBlur(g.px, w, h, Math.max(1, Math.round(dpi / 200)), 1);
  const mid = r.float(150, 190);
  const steep = r.float(2.2, 3.5);
  const grad = r.float(-30, 30);
  const bg = r.float(10, 45);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = (blurred[i]! - mid) * steep + 128 + 110;
      g.px[i] = clamp(v) - bg - (grad * x) / w;
    }
  }
  const margin = Math.round((r.float(2, 8) / 25.4) * dpi);
  const side = r.int(0, 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = side === 0 ? x : side === 1 ? w - 1 - x : side === 2 ? y : h - 1 - y;
      if (d < margin) g.px[y * w + x] = r.float(10, 60);
    }
  }
  const dust = Math.round((w * h) / r.float(600, 2000));
  for (let k = 0; k < dust; k++) {
    const i = r.int(0, w * h - 1);
    g.px[i] = r.float(0, 80);
  }
}

/** Low contrast: grey ink on grey paper (pencil-light print, a faint carbon copy). */
export function lowContrast(g: Grey, r: Rng): void {
  const paper = r.float(165, 205);
  const ink = paper - r.float(45, 75);
  for (let i = 0; i < g.px.length; i++) {
    const t = g.px[i]! / 255;
    g.px[i] = ink + (paper - ink) * t;
  }
}

/** Creases and folds: a letter folded in three (or once), each fold a shaded ridge with a bright edge. */
export function creases(g: Grey, dpi: number, r: Rng): void {
  const { width: w, height: h, px } = g;
  const folds: Array<{ horizontal: boolean; at: number }> = r.chance(0.6)
    ? [{ horizontal: true, at: h / 3 }, { horizontal: true, at: (2 * h) / 3 }]
    : [{ horizontal: r.chance(0.5), at: r.float(0.3, 0.7) }].map((f) => ({ horizontal: f.horizontal, at: f.at * (f.horizontal ? h : w) }));
  for (const f of folds) {
    const width = (r.float(3, 10) / 25.4) * dpi;
    const depth = r.float(25, 60);
    const wiggle = valueNoise(f.horizontal ? w : h, 1, Math.round(dpi / 2), r);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const along = f.horizontal ? x : y;
        const d = (f.horizontal ? y : x) - (f.at + wiggle[along]! * dpi * 0.03);
        if (d > -width && d < width) {
          const s = d < 0 ? -depth * (1 + d / width) : depth * 0.5 * (1 - d / width);
          px[y * w + x] = px[y * w + x]! + s;
        }
        if (Math.abs(d) < Math.max(1, dpi / 250)) px[y * w + x] = px[y * w + x]! - depth * 1.4;
      }
    }
  }
  // Crumpling: a soft shading field over the whole sheet.
  const crumple = valueNoise(w, h, Math.round(dpi / 1.5), r);
  const amp = r.float(8, 22);
  for (let i = 0; i < px.length; i++) px[i] = px[i]! + amp * crumple[i]!;
}

/** A stamp (received date, case office) and handwriting over the print. */
export function stampAndHand(g: Grey, dpi: number, r: Rng, drawOverlay: (dpi: number, w: number, h: number) => Float32Array): void {
  const over = drawOverlay(dpi, g.width, g.height);
  for (let i = 0; i < g.px.length; i++) if (over[i]! > 0) g.px[i] = g.px[i]! * (1 - over[i]!);
}

/** Punch holes at the left (or top) margin: dark where the scanner lid shows through, or a grey shadowed rim. */
export function punchHoles(g: Grey, dpi: number, r: Rng): void {
  const { width: w, height: h, px } = g;
  const rad = (r.float(2.6, 3.2) / 25.4) * dpi;
  const inset = (r.float(9, 13) / 25.4) * dpi;
  const fill = r.chance(0.7) ? r.float(5, 50) : r.float(150, 200);
  const gap = (80 / 25.4) * dpi;
  const top = r.chance(0.2);
  const n = r.chance(0.5) ? 2 : 4;
  const centres: Array<[number, number]> = [];
  for (let k = 0; k < n; k++) {
    const along = (top ? w : h) / 2 + (k - (n - 1) / 2) * (n === 4 ? gap / 1.5 : gap);
    centres.push(top ? [along, inset] : [inset, along]);
  }
  for (const [cx, cy] of centres) {
    for (let y = Math.floor(cy - rad - 2); y <= cy + rad + 2; y++) {
      for (let x = Math.floor(cx - rad - 2); x <= cx + rad + 2; x++) {
        if (x < 0 || y < 0 || x >= w || y >= h) continue;
        const d = Math.hypot(x - cx, y - cy);
        if (d <= rad) px[y * w + x] = fill;
        else if (d <= rad + 2) px[y * w + x] = px[y * w + x]! - 60;
      }
    }
  }
}

// ---- scanner phase (after the paper is placed on the glass) ----

/** A dark shadow along one or two edges: a book spine, a lifted lid, a curled sheet. */
export function edgeShadow(g: Grey, dpi: number, r: Rng): void {
  const { width: w, height: h, px } = g;
  const sides = r.shuffle([0, 1, 2, 3]).slice(0, r.int(1, 2));
  for (const side of sides) {
    const width = (r.float(6, 22) / 25.4) * dpi;
    const strength = r.float(0.55, 0.9);
    const wav = valueNoise(side < 2 ? h : w, 1, Math.round(dpi), r);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const d = side === 0 ? x : side === 1 ? w - 1 - x : side === 2 ? y : h - 1 - y;
        const wd = width * (1 + 0.3 * wav[side < 2 ? y : x]!);
        if (d < wd) {
          const t = 1 - d / wd;
          px[y * w + x] = px[y * w + x]! * (1 - strength * t * t);
        }
      }
    }
  }
}

export interface SensorModel {
  grain: number;
  speckle: number;
  blurPx: number;
}

/** Sensor grain, dust specks and optics blur; then 8-bit pixels. */
export function scan(g: Grey, r: Rng, s: SensorModel): Uint8Array {
  const { width: w, height: h } = g;
  let px = g.px;
  if (s.blurPx >= 1) px = boxBlur(px, w, h, Math.round(s.blurPx), 2);
  const table = new Float32Array(1 << 16);
  for (let i = 0; i < table.length; i++) table[i] = r.gauss() * s.grain;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const off = r.int(0, 65535);
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      out[i] = clamp(Math.round(px[i]! + table[(off + x * 7) & 0xffff]!));
    }
  }
  const n = Math.round(w * h * s.speckle);
  for (let k = 0; k < n; k++) {
    const i = r.int(0, w * h - 1);
    const size = r.chance(0.8) ? 1 : 2;
    const v = r.chance(0.6) ? r.int(0, 70) : 255;
    for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) if (i + dy * w + dx < out.length) out[i + dy * w + dx] = v;
  }
  return out;
}

/** Fax: 204 dpi across, 98 dpi down, one bit, streaks of dropped lines. Returns the bilevel rows (0 or 255). */
export function faxDown(g8: Uint8Array, w: number, h: number, dpi: number, r: Rng): { data: Uint8Array; width: number; height: number } {
  const fw = Math.round((w * 204) / dpi);
  const fh = Math.round((h * 98) / dpi);
  const out = new Uint8Array(fw * fh);
  const thr = r.float(140, 175);
  for (let y = 0; y < fh; y++) {
    const sy0 = Math.floor((y * h) / fh);
    const sy1 = Math.max(sy0 + 1, Math.floor(((y + 1) * h) / fh));
    const dropped = r.chance(0.004);
    for (let x = 0; x < fw; x++) {
      const sx0 = Math.floor((x * w) / fw);
      const sx1 = Math.max(sx0 + 1, Math.floor(((x + 1) * w) / fw));
      let s = 0;
      let c = 0;
      for (let yy = sy0; yy < sy1; yy++) for (let xx = sx0; xx < sx1; xx++) {
        s += g8[yy * w + xx]!;
        c++;
      }
      out[y * fw + x] = dropped ? 255 : s / c < thr ? 0 : 255;
    }
  }
  // A few flipped bits from line noise.
  for (let k = Math.round(fw * fh * 0.0015); k > 0; k--) {
    const i = r.int(0, out.length - 1);
    out[i] = 255 - out[i]!;
  }
  return { data: out, width: fw, height: fh };
}

/** Bilevel as a scanner in black-and-white mode makes it: threshold against the local mean. */
export function scannerBilevel(g8: Uint8Array, w: number, h: number, dpi: number): Uint8Array {
  const f = new Float32Array(g8.length);
  for (let i = 0; i < f.length; i++) f[i] = g8[i]!;
  const mean = boxBlur(f, w, h, Math.round(dpi / 6), 1);
  const out = new Uint8Array(g8.length);
  for (let i = 0; i < out.length; i++) out[i] = g8[i]! < Math.min(mean[i]! * 0.82, 200) ? 0 : 255;
  return out;
}

/** Grey print reproduced as a dot screen (a copy of a coloured form): strokes become dots. */
export function halftoneInk(L: InkLayer, r: Rng): void {
  const period = (L.dpi / r.float(85, 120)) * 1.4;
  const tone = r.float(0.55, 0.8);
  for (let y = 0; y < L.height; y++) {
    for (let x = 0; x < L.width; x++) {
      const i = y * L.width + x;
      if (L.ink[i]! > 0 && screen(x, y, period) > tone) L.ink[i] = L.ink[i]! * 0.15;
    }
  }
}
