/**
 * Page layout analysis on a small binarised copy of the page (about 150 dpi): is it blank,
 * how far is it skewed, and which way up is it. Pure functions on raw 8-bit grey pixels.
 */

/** A greyscale raster, one byte per pixel, row-major. */
export interface GreyRaster {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Clockwise turn (degrees) that makes the page upright. */
export type Orientation = 0 | 90 | 180 | 270;

export interface PageAnalysis {
  blank: boolean;
  /** Components the size of printed characters (after noise and border are ignored). */
  glyphs: number;
  /** Clockwise turn that makes the text upright. */
  orientation: Orientation;
  /** How sure the up/down decision is: |ln(ascender ink / descender ink)|; 0 when undecided. */
  orientationConfidence: number;
  /** Degrees to rotate clockwise (after `orientation`) so text lines are horizontal. */
  skew: number;
}

/** Otsu's threshold of a 256-bin histogram. */
export function otsu(hist: ArrayLike<number>): number {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    total += hist[i]!;
    sum += i * hist[i]!;
  }
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let at = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      at = t;
    }
  }
  return at;
}

export function histogram(data: Uint8Array): Uint32Array {
  const h = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) h[data[i]!]!++;
  return h;
}

/**
 * Ink threshold that survives pages with almost no ink: Otsu splits paper from ink, but on a
 * blank sheet it splits paper tone from grain, so the level is capped well below the paper.
 */
export function inkThreshold(hist: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < 256; i++) total += hist[i]!;
  // Paper level: the 60th percentile (most of a page is paper).
  let acc = 0;
  let paper = 255;
  for (let i = 0; i < 256; i++) {
    acc += hist[i]!;
    if (acc >= total * 0.6) {
      paper = i;
      break;
    }
  }
  return Math.min(otsu(hist), Math.round(paper * 0.72));
}

/** Horizontal runs of ink, row by row, grouped into 8-connected components. */
interface Components {
  /** Per run: row, first and last column, component (0..count-1). */
  runY: Int32Array;
  runX0: Int32Array;
  runX1: Int32Array;
  runComp: Int32Array;
  runs: number;
  count: number;
  minX: Int32Array;
  maxX: Int32Array;
  minY: Int32Array;
  maxY: Int32Array;
  area: Int32Array;
}

/**
 * 8-connected components of the pixels darker than `thr` inside `border`, by runs: a run joins
 * every run of the row above that touches it, diagonals included. Works on runs rather than
 * pixels, so a page costs one pass over its pixels and the rest scales with the ink.
 */
function components(data: Uint8Array, w: number, h: number, thr: number, border: number): Components {
  let cap = 1 << 16;
  let runY = new Int32Array(cap);
  let runX0 = new Int32Array(cap);
  let runX1 = new Int32Array(cap);
  let runs = 0;
  let parent = new Int32Array(cap);
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  let prevStart = 0;
  let prevEnd = 0;
  for (let y = border; y < h - border; y++) {
    const row = y * w;
    const rowStart = runs;
    let p = prevStart;
    for (let x = border; x < w - border; x++) {
      if (data[row + x]! >= thr) continue;
      const x0 = x;
      while (x + 1 < w - border && data[row + x + 1]! < thr) x++;
      if (runs === cap) {
        cap *= 2;
        const grow = (a: Int32Array) => {
          const b = new Int32Array(cap);
          b.set(a);
          return b;
        };
        runY = grow(runY);
        runX0 = grow(runX0);
        runX1 = grow(runX1);
        parent = grow(parent);
      }
      const r = runs++;
      runY[r] = y;
      runX0[r] = x0;
      runX1[r] = x;
      parent[r] = r;
      // Runs of the row above that end left of this one can touch no later run either.
      while (p < prevEnd && runX1[p]! < x0 - 1) p++;
      for (let q = p; q < prevEnd && runX0[q]! <= x + 1; q++) {
        const a = find(q);
        const b = find(r);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
    prevStart = rowStart;
    prevEnd = runs;
  }
  const id = new Int32Array(runs).fill(-1);
  const runComp = new Int32Array(runs);
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const root = find(i);
    if (id[root]! < 0) id[root] = count++;
    runComp[i] = id[root]!;
  }
  const minX = new Int32Array(count).fill(w);
  const maxX = new Int32Array(count).fill(-1);
  const minY = new Int32Array(count).fill(h);
  const maxY = new Int32Array(count).fill(-1);
  const area = new Int32Array(count);
  for (let i = 0; i < runs; i++) {
    const c = runComp[i]!;
    if (runX0[i]! < minX[c]!) minX[c] = runX0[i]!;
    if (runX1[i]! > maxX[c]!) maxX[c] = runX1[i]!;
    if (runY[i]! < minY[c]!) minY[c] = runY[i]!;
    if (runY[i]! > maxY[c]!) maxY[c] = runY[i]!;
    area[c]! += runX1[i]! - runX0[i]! + 1;
  }
  return { runY, runX0, runX1, runComp, runs, count, minX, maxX, minY, maxY, area };
}

/** Components the size of printed characters (0.8-15 mm high, at most 40 mm wide, not hairlines). */
function countGlyphs(cc: Components, dpi: number): { keep: Uint8Array; glyphs: number } {
  const mm = dpi / 25.4;
  const minDim = 0.8 * mm;
  const keep = new Uint8Array(cc.count);
  let glyphs = 0;
  for (let c = 0; c < cc.count; c++) {
    const bw = cc.maxX[c]! - cc.minX[c]! + 1;
    const bh = cc.maxY[c]! - cc.minY[c]! + 1;
    const big = Math.max(bw, bh);
    if (big < minDim || bh > 15 * mm || bw > 40 * mm) continue;
    if (Math.min(bw, bh) <= 1 && big > 3 * mm) continue; // streak or rule
    if (cc.area[c]! < minDim * minDim * 0.5) continue;
    keep[c] = 1;
    glyphs++;
  }
  return { keep, glyphs };
}

/** A level just below the paper tone: paper minus five times the grain's spread (at least 20). */
function faintThreshold(hist: ArrayLike<number>): number | null {
  let total = 0;
  for (let i = 0; i < 256; i++) total += hist[i]!;
  const at = (p: number) => {
    let acc = 0;
    for (let i = 0; i < 256; i++) {
      acc += hist[i]!;
      if (acc >= total * p) return i;
    }
    return 255;
  };
  const paper = at(0.6);
  const spread = Math.max(1, at(0.9) - at(0.6));
  // Only on grey paper: on white paper print this faint is dust and grain.
  if (paper >= 220) return null;
  const thr = paper - Math.max(20, 5 * spread);
  return thr > 30 ? thr : null;
}

/** Points (ink pixels of character-sized components) used for the skew and orientation votes. */
interface Points {
  xs: Float32Array;
  ys: Float32Array;
  n: number;
}

function projectionScore(p: Points, angleRad: number, size: number): number {
  const t = Math.tan(angleRad);
  const off = Math.ceil(Math.abs(t) * size) + 2;
  const bins = new Float64Array(size + 2 * off + 2);
  for (let i = 0; i < p.n; i++) {
    const y = p.ys[i]! - p.xs[i]! * t + off;
    bins[y | 0]! += 1;
  }
  let s = 0;
  for (let i = 0; i < bins.length; i++) s += bins[i]! * bins[i]!;
  return s;
}

/** Every k-th point, at most `max`: the angle search needs a sample, not every pixel. */
function sample(p: Points, max: number): Points {
  if (p.n <= max) return p;
  const k = Math.ceil(p.n / max);
  const n = Math.floor(p.n / k);
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = p.xs[i * k]!;
    ys[i] = p.ys[i * k]!;
  }
  return { xs, ys, n };
}

/** Best shear angle (radians) within ±maxDeg, coarse then fine. */
function bestAngle(all: Points, size: number, maxDeg: number): { angle: number; score: number } {
  const p = sample(all, 40_000);
  let best = { angle: 0, score: -1 };
  const rad = Math.PI / 180;
  for (let d = -maxDeg; d <= maxDeg + 1e-9; d += 0.4) {
    const s = projectionScore(p, d * rad, size);
    if (s > best.score) best = { angle: d * rad, score: s };
  }
  const centre = best.angle / rad;
  for (let d = centre - 0.4; d <= centre + 0.4 + 1e-9; d += 0.04) {
    const s = projectionScore(p, d * rad, size);
    if (s > best.score) best = { angle: d * rad, score: s };
  }
  return best;
}

/**
 * Ascender vs descender ink over the text lines of points already turned so lines are
 * horizontal: Latin print has far more ink above the x-height band (capitals, digits, b d f h k
 * l t) than below the baseline (g j p q y), so the ratio says which way is up.
 */
function ascenderVote(p: Points, angle: number, height: number): { asc: number; desc: number; lines: number } {
  const t = Math.tan(angle);
  const off = Math.ceil(Math.abs(t) * height * 2) + 2;
  const rows = new Float64Array(height + 2 * off + 2);
  for (let i = 0; i < p.n; i++) rows[(p.ys[i]! - p.xs[i]! * t + off) | 0]! += 1;
  let max = 0;
  for (const v of rows) if (v > max) max = v;
  const floor = Math.max(1, max * 0.02);
  let asc = 0;
  let desc = 0;
  let lines = 0;
  for (let y = 0; y < rows.length; ) {
    if (rows[y]! <= floor) {
      y++;
      continue;
    }
    const start = y;
    while (y < rows.length && rows[y]! > floor) y++;
    const end = y; // exclusive
    if (end - start < 4) continue;
    let lineMax = 0;
    for (let r = start; r < end; r++) lineMax = Math.max(lineMax, rows[r]!);
    let c0 = -1;
    let c1 = -1;
    for (let r = start; r < end; r++) {
      if (rows[r]! >= lineMax * 0.5) {
        if (c0 < 0) c0 = r;
        c1 = r;
      }
    }
    // A line needs room above and below its core to vote.
    if (c1 - c0 < 2) continue;
    let a = 0;
    let d = 0;
    for (let r = start; r < c0; r++) a += rows[r]!;
    for (let r = c1 + 1; r < end; r++) d += rows[r]!;
    asc += a;
    desc += d;
    lines++;
  }
  return { asc, desc, lines };
}

function rotatePoints(p: Points, w: number, h: number, turn: Orientation): Points {
  if (turn === 0) return p;
  const xs = new Float32Array(p.n);
  const ys = new Float32Array(p.n);
  for (let i = 0; i < p.n; i++) {
    const x = p.xs[i]!;
    const y = p.ys[i]!;
    // Clockwise turn of the page by `turn` degrees.
    if (turn === 90) {
      xs[i] = h - 1 - y;
      ys[i] = x;
    } else if (turn === 180) {
      xs[i] = w - 1 - x;
      ys[i] = h - 1 - y;
    } else {
      xs[i] = y;
      ys[i] = w - 1 - x;
    }
  }
  return { xs, ys, n: p.n };
}

export interface AnalyseOptions {
  /** Resolution of the raster. */
  dpi: number;
  /** Largest skew looked for, degrees. @defaultValue 6 */
  maxSkewDeg?: number;
  /** Fewer character-sized components than this: blank. @defaultValue 6 */
  minGlyphs?: number;
}

/**
 * Blank, skew and orientation of a page from a small greyscale copy (100-200 dpi works).
 * Noise specks, scanner shadows at the edges and long streaks are not characters, so they
 * neither make a page non-blank nor vote on its angle.
 */
export function analysePage(img: GreyRaster, opts: AnalyseOptions): PageAnalysis {
  const { width: w, height: h, data } = img;
  const dpi = opts.dpi;
  const hist = histogram(data);
  // Scanner edges (lid shadow, paper border) are never text: ignore 4 mm around the page.
  const border = Math.round((4 / 25.4) * dpi);
  // Otsu's level is the lightest grey of the dark class: on a pure black-and-white page (a G4
  // scan) it is 0 itself, so ink is "at most thr", never "below thr".
  let cc = components(data, w, h, inkThreshold(hist) + 1, border);
  let found = countGlyphs(cc, dpi);
  const minGlyphs = opts.minGlyphs ?? 6;
  if (found.glyphs < minGlyphs) {
    // Faint print on grey paper (a carbon copy, pale toner) lies above the level that keeps paper
    // grain out: look again just below the paper, by the grain's own spread, and believe it only
    // when it finds a fair number of letters.
    const faint = faintThreshold(hist);
    if (faint !== null) {
      const again = components(data, w, h, faint, border);
      const more = countGlyphs(again, dpi);
      if (more.glyphs >= Math.max(minGlyphs, 30)) {
        cc = again;
        found = more;
      }
    }
  }
  const { keep, glyphs } = found;
  if (glyphs < minGlyphs) return { blank: true, glyphs, orientation: 0, orientationConfidence: 0, skew: 0 };

  // Points in row order, as a pixel scan would give them: the sampling below depends on it.
  let n = 0;
  for (let i = 0; i < cc.runs; i++) if (keep[cc.runComp[i]!]) n += cc.runX1[i]! - cc.runX0[i]! + 1;
  const pts: Points = { xs: new Float32Array(n), ys: new Float32Array(n), n };
  let k = 0;
  for (let i = 0; i < cc.runs; i++) {
    if (!keep[cc.runComp[i]!]) continue;
    const y = cc.runY[i]!;
    for (let x = cc.runX0[i]!; x <= cc.runX1[i]!; x++) {
      pts.xs[k] = x;
      pts.ys[k] = y;
      k++;
    }
  }
  const maxSkew = opts.maxSkewDeg ?? 6;
  // Lines run across (0/180) or down (90/270) the page: the sharper projection tells.
  const across = bestAngle(pts, h + w, maxSkew);
  const turned = rotatePoints(pts, w, h, 90);
  const down = bestAngle(turned, h + w, maxSkew);
  const sideways = down.score > across.score * 1.15;
  const base: Points = sideways ? turned : pts;
  const angle = sideways ? down.angle : across.angle;
  const [bw, bh] = sideways ? [h, w] : [w, h];
  const vote = ascenderVote(base, angle, bh + bw);
  const ratio = (vote.asc + 1) / (vote.desc + 1);
  const upsideDown = ratio < 1;
  const orientation = ((sideways ? 90 : 0) + (upsideDown ? 180 : 0)) as Orientation;
  // Shear angle a (y' = y - x tan a) levels lines falling to the right, i.e. a page turned
  // clockwise by a: turn it back. A half turn keeps slopes, so this holds for every orientation.
  const skew = -(angle * 180) / Math.PI;
  return {
    blank: false,
    glyphs,
    orientation,
    orientationConfidence: vote.lines >= 2 ? Math.abs(Math.log(ratio)) : 0,
    skew: Math.round(skew * 100) / 100,
  };
}

/**
 * Median height, in pixels of `img`, of the components that look like characters (judged by
 * shape alone, whatever the file says its resolution is), or null when there are too few. It
 * tells the true scale of the print when a file's resolution is wrong (a "2400 dpi" page of
 * typewriter text, a poster page with /UserUnit) or missing.
 */
export function glyphHeight(img: GreyRaster): number | null {
  const { width: w, height: h, data } = img;
  const cc = components(data, w, h, inkThreshold(histogram(data)) + 1, Math.round(Math.min(w, h) * 0.02));
  const heights: number[] = [];
  for (let c = 0; c < cc.count; c++) {
    const bw = cc.maxX[c]! - cc.minX[c]! + 1;
    const bh = cc.maxY[c]! - cc.minY[c]! + 1;
    if (bh < 4 || bh > h / 6 || bw > bh * 3 || bw * 8 < bh) continue;
    // Filled blocks and hairlines are not letters.
    const fill = cc.area[c]! / (bw * bh);
    if (fill < 0.1 || fill > 0.9) continue;
    heights.push(bh);
  }
  if (heights.length < 12) return null;
  heights.sort((a, b) => a - b);
  return heights[heights.length >> 1]!;
}
