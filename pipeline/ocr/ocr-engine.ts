import { existsSync, mkdirSync, symlinkSync, unlinkSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createWorker } from 'tesseract.js';
import type { Word } from '../pages/page-image.ts';

export interface OcrResult {
  text: string;
  /** Tesseract's mean word confidence, 0-100. */
  confidence: number;
  ms: number;
  /** Words with pixel boxes in the image given, for highlighting. */
  words: Word[];
  /** Tesseract's text-only PDF page (invisible text over nothing), when asked for. */
  textPdf?: Buffer;
}

export interface RecognizeOptions {
  dpi: number;
  /** 'high' jumps the queue: header reads for routing go before full-text pages. */
  priority?: 'high' | 'normal';
  /** Also return the invisible text layer as a one-page PDF (for the archive variant). */
  textPdf?: boolean;
  /** Page segmentation mode. @defaultValue '3' (automatic) */
  psm?: string;
  /** Override the engine's per-page limit. */
  timeoutMs?: number;
  /** Only these characters may be read (e.g. the digits of a fødselsnummer field). @defaultValue any */
  whitelist?: string;
}

/** A page took longer than the limit: the worker was killed and replaced. */
export class OcrTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`OCR took longer than ${limitMs} ms`);
    this.name = 'OcrTimeoutError';
  }
}

/** What the pool needs from a recogniser: tesseract.js in production, a stub in tests. */
export interface OcrBackend {
  recognize(image: Buffer, opts: RecognizeOptions): Promise<Omit<OcrResult, 'ms'>>;
  /** Must stop the recogniser even while it is busy. */
  terminate(): Promise<void>;
}
export type BackendFactory = () => Promise<OcrBackend>;

const require = createRequire(import.meta.url);

/** Which npm language data: the LSTM-only "best_int" models (what oem 1 uses) or the full 4.0.0 set. */
export type NpmModel = '4.0.0_best_int' | '4.0.0';

export interface LangData {
  dir: string;
  gzip: boolean;
}

/** Where Debian's tesseract-ocr-<lang> packages put their (tessdata_fast) models. */
export const DEBIAN_TESSDATA = '/usr/share/tesseract-ocr/5/tessdata';

export interface LangSource {
  /** Folder with <lang>.traineddata, or null for the npm packages. */
  dir: string | null;
  /** For logs and benchmark tables. */
  label: string;
}

/**
 * Which language data to read with. An explicit OCR_LANG_PATH wins ('npm' forces the npm
 * packages). Otherwise Debian's models when every language is installed there: they are the
 * "fast" LSTM networks, 1.6 times the pages per minute of npm's best_int at the same accuracy on
 * our pages (benchmarks/RESULTS-ocr.md), and the same data the native CLI reads. Else npm's.
 */
export function chooseLangSource(langs: string[], configured: string | undefined, exists: (file: string) => boolean = existsSync): LangSource {
  if (configured === 'npm') return { dir: null, label: 'npm best_int' };
  if (configured) return { dir: configured, label: configured };
  if (langs.every((l) => exists(path.join(DEBIAN_TESSDATA, `${l}.traineddata`)))) return { dir: DEBIAN_TESSDATA, label: 'Debian fast' };
  return { dir: null, label: 'npm best_int' };
}

/**
 * A folder holding the requested languages' traineddata, so tesseract.js never fetches them:
 * from `sourceDir` (e.g. Debian's /usr/share/tesseract-ocr/5/tessdata) when given, else from
 * the npm packages (@tesseract.js-data/<lang>).
 */
export function localLangPath(langs: string[], opts: { sourceDir?: string; model?: NpmModel } = {}): LangData {
  const model = opts.model ?? '4.0.0_best_int';
  const tag = opts.sourceDir ? `dir-${opts.sourceDir.replace(/[^a-zA-Z0-9]+/g, '_')}` : model;
  const dir = path.join(os.tmpdir(), `intake-tessdata-${tag}-${langs.join('+')}`);
  mkdirSync(dir, { recursive: true });
  let gzip = !opts.sourceDir;
  for (const lang of langs) {
    let source: string;
    if (opts.sourceDir) {
      const plain = path.join(opts.sourceDir, `${lang}.traineddata`);
      const gz = `${plain}.gz`;
      if (existsSync(plain)) source = plain;
      else if (existsSync(gz)) {
        source = gz;
        gzip = true;
      } else throw new Error(`language data for "${lang}" not found in ${opts.sourceDir}`);
    } else {
      let pkgDir: string;
      try {
        pkgDir = path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
      } catch {
        throw new Error(`language data for "${lang}" is not installed: npm install @tesseract.js-data/${lang}`);
      }
      source = path.join(pkgDir, model, `${lang}.traineddata.gz`);
    }
    // tesseract.js reads <lang>.traineddata[.gz] by the gzip flag and checks the magic itself.
    for (const name of [`${lang}.traineddata.gz`, `${lang}.traineddata`]) {
      const target = path.join(dir, name);
      try {
        if (readlinkSync(target) === source) continue;
        unlinkSync(target);
      } catch {
        /* not there yet */
      }
      try {
        symlinkSync(source, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }
  return { dir, gzip };
}

/**
 * Words with boxes and confidences from tesseract's TSV (level 5 rows: level, page, block, par,
 * line, word, left, top, width, height, conf, text). The TSV costs about a tenth of a page's
 * recognition less than the JSON block tree tesseract.js builds otherwise (symbols, choices,
 * baselines), and words are all the pipeline keeps.
 */
export function wordsFromTsv(tsv: string): Word[] {
  const out: Word[] = [];
  for (const line of tsv.split('\n')) {
    if (!line.startsWith('5\t')) continue;
    const f = line.split('\t');
    if (f.length < 12) continue;
    const text = f.slice(11).join('\t');
    if (!text.trim()) continue;
    const [x, y, w, h] = [Number(f[6]), Number(f[7]), Number(f[8]), Number(f[9])];
    out.push({ text, conf: Math.round(Number(f[10])), x0: x, y0: y, x1: x + w, y1: y + h });
  }
  return out;
}

/** The production backend: one tesseract.js worker thread, LSTM engine, local data only. */
export function tesseractBackend(langs: string[], data: LangData, cachePath: string): BackendFactory {
  return async () => {
    let failure: string | null = null;
    const worker = await createWorker(langs, 1, {
      langPath: data.dir,
      gzip: data.gzip,
      cachePath,
      cacheMethod: 'none', // the data is local already; a cache could go stale between data sets
      // Without a handler tesseract.js throws from its message listener and takes the process down.
      errorHandler: (e: unknown) => {
        failure = String(e).slice(0, 200);
      },
    });
    // Tesseract writes debug lines ("Detected 55 diacritics") to stderr; keep the logs ours.
    await worker.setParameters({ debug_file: '/dev/null' } as never);
    let lastDpi = '';
    let lastPsm = '';
    let lastWhitelist = '';
    return {
      async recognize(image, opts) {
        const dpi = String(Math.round(opts.dpi));
        const psm = opts.psm ?? '3';
        const whitelist = opts.whitelist ?? '';
        if (dpi !== lastDpi || psm !== lastPsm || whitelist !== lastWhitelist) {
          await worker.setParameters({ user_defined_dpi: dpi, tessedit_pageseg_mode: psm as never, tessedit_char_whitelist: whitelist });
          lastDpi = dpi;
          lastPsm = psm;
          lastWhitelist = whitelist;
        }
        failure = null;
        const { data: page } = await worker.recognize(image, opts.textPdf ? { pdfTextOnly: true, pdfTitle: 'ocr' } : {}, {
          text: true,
          blocks: false,
          tsv: true,
          pdf: Boolean(opts.textPdf),
        });
        if (failure) throw new Error(`tesseract failed: ${failure}`);
        return {
          text: page.text,
          confidence: page.confidence,
          words: wordsFromTsv(page.tsv ?? ''),
          ...(opts.textPdf && page.pdf ? { textPdf: Buffer.from(page.pdf) } : {}),
        };
      },
      async terminate() {
        await worker.terminate();
      },
    };
  };
}

interface Slot {
  backend: OcrBackend;
  pages: number;
}

export interface OcrEngineOptions {
  langs: string;
  /** Worker threads. @defaultValue one per core */
  size?: number;
  /** Folder with <lang>.traineddata, or 'npm'; unset: chooseLangSource decides. */
  langPath?: string;
  model?: NpmModel;
  /** A page taking longer is abandoned and its worker killed. @defaultValue 30000 */
  timeoutMs?: number;
  /** Replace a worker after this many pages: WASM memory only grows. @defaultValue 200 */
  recycleAfter?: number;
  cacheDir?: string;
  /**
   * Replace a worker once the process's resident memory (MB) is above this, so the process is
   * recycled before it grows further rather than after (tesseract's WASM heap never shrinks).
   */
  maxRssMb?: number;
  /** Resident memory of the process in bytes (tests give their own). @defaultValue process.memoryUsage.rss */
  rss?: () => number;
  /** Told of every recognised page (for metrics) and every worker replaced. */
  onPage?: (ms: number, priority: 'high' | 'normal') => void;
  onRecycle?: (reason: 'pages' | 'memory' | 'failure') => void;
  /** For tests: a stand-in recogniser. */
  factory?: BackendFactory;
}

export interface OcrEngineStats {
  pages: number;
  timeouts: number;
  recycled: number;
  /** Of `recycled`: replaced because the process was over its memory bound. */
  recycledForMemory: number;
  workers: number;
}

/** A worker is not replaced for memory before it has read this many pages (no thrashing when memory stays high). */
const MIN_PAGES_BEFORE_MEMORY_RECYCLE = 5;

/**
 * A worker that has read an image larger than this (an A3 page at 200 dpi is 7.8 megapixels; an
 * A4 page 3.7) is replaced at once: its WASM heap grew to hold the image and would keep that size.
 */
export const LARGE_IMAGE_PIXELS = 8_000_000;

/** Pixels of a PBM or PGM image (what clean-up gives tesseract) from its header; 0 for other formats. */
export function netpbmPixels(image: Buffer): number {
  if (image[0] !== 0x50 || (image[1] !== 0x34 && image[1] !== 0x35)) return 0;
  const m = /^P[45]\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)/.exec(image.subarray(0, 80).toString('latin1'));
  return m ? Number(m[1]) * Number(m[2]) : 0;
}

/**
 * A pool of OCR workers created once per process and reused: one per core by default, a hard
 * time limit per page (the worker is killed and replaced, the caller decides what next), and
 * workers recycled after a number of pages so memory stays bounded.
 */
export class OcrEngine {
  private readonly idle: Slot[] = [];
  private readonly waitingHigh: Array<(s: Slot) => void> = [];
  private readonly waiting: Array<(s: Slot) => void> = [];
  private readonly live = new Set<Slot>();
  private closed = false;
  private readonly counters = { pages: 0, timeouts: 0, recycled: 0, recycledForMemory: 0 };
  private hooks: Pick<OcrEngineOptions, 'maxRssMb' | 'rss' | 'onPage' | 'onRecycle'> = {};

  private constructor(
    private readonly factory: BackendFactory,
    readonly timeoutMs: number,
    readonly recycleAfter: number,
    /** Which language data the workers read (for logs). */
    readonly dataLabel: string,
  ) {}

  static async create(opts: OcrEngineOptions): Promise<OcrEngine> {
    const langs = opts.langs.split('+');
    let factory = opts.factory;
    let dataLabel = 'test stand-in';
    if (!factory) {
      const source = chooseLangSource(langs, opts.langPath || undefined);
      dataLabel = source.label;
      const data = localLangPath(langs, { sourceDir: source.dir ?? undefined, model: opts.model });
      const cachePath = opts.cacheDir ?? path.join(os.tmpdir(), 'intake-tess-cache');
      mkdirSync(cachePath, { recursive: true });
      factory = tesseractBackend(langs, data, cachePath);
    }
    const engine = new OcrEngine(factory, opts.timeoutMs ?? 30_000, opts.recycleAfter ?? 200, dataLabel);
    engine.hooks = { maxRssMb: opts.maxRssMb, rss: opts.rss, onPage: opts.onPage, onRecycle: opts.onRecycle };
    const size = Math.max(1, opts.size ?? os.availableParallelism());
    const slots = await Promise.all(Array.from({ length: size }, async () => ({ backend: await factory(), pages: 0 })));
    for (const s of slots) {
      engine.live.add(s);
      engine.idle.push(s);
    }
    return engine;
  }

  get size(): number {
    return this.live.size;
  }

  stats(): OcrEngineStats {
    return { ...this.counters, workers: this.live.size };
  }

  private acquire(high: boolean): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('OCR engine is closed'));
    const s = this.idle.pop();
    if (s) return Promise.resolve(s);
    return new Promise((resolve) => (high ? this.waitingHigh : this.waiting).push(resolve));
  }

  private release(s: Slot): void {
    if (this.closed) return;
    const next = this.waitingHigh.shift() ?? this.waiting.shift();
    if (next) next(s);
    else this.idle.push(s);
  }

  /** Kills a slot's worker and starts a fresh one in its place. */
  private async replace(s: Slot): Promise<void> {
    const old = s.backend;
    await old.terminate().catch(() => {});
    s.backend = await this.factory();
    s.pages = 0;
  }

  /**
   * Reads one page image (PBM/PGM/PNG/JPEG bytes). `dpi` is passed to tesseract, which
   * otherwise assumes 70. Throws OcrTimeoutError when the page hits the time limit.
   */
  async recognize(image: Buffer, dpiOrOpts: number | RecognizeOptions): Promise<OcrResult> {
    const opts: RecognizeOptions = typeof dpiOrOpts === 'number' ? { dpi: dpiOrOpts } : dpiOrOpts;
    const limit = opts.timeoutMs ?? this.timeoutMs;
    const slot = await this.acquire(opts.priority === 'high');
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    try {
      const result = await Promise.race([
        slot.backend.recognize(image, opts),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            reject(new OcrTimeoutError(limit));
          }, limit);
        }),
      ]);
      this.counters.pages++;
      slot.pages++;
      const ms = Math.round(performance.now() - started);
      this.hooks.onPage?.(ms, opts.priority ?? 'normal');
      return { ...result, ms };
    } catch (err) {
      if (timedOut) this.counters.timeouts++;
      // A timed-out or crashed worker may be wedged: never hand it out again.
      await this.replace(slot).catch(() => {
        this.live.delete(slot);
      });
      if (!this.live.has(slot)) throw err;
      slot.pages = 0;
      this.hooks.onRecycle?.('failure');
      throw err;
    } finally {
      clearTimeout(timer);
      if (this.live.has(slot)) {
        const reason = slot.pages >= this.recycleAfter ? 'pages' : netpbmPixels(image) > LARGE_IMAGE_PIXELS || this.overMemory(slot) ? 'memory' : null;
        if (reason) {
          this.counters.recycled++;
          if (reason === 'memory') this.counters.recycledForMemory++;
          this.hooks.onRecycle?.(reason);
          await this.replace(slot).catch(() => this.live.delete(slot));
        }
        if (this.live.has(slot)) this.release(slot);
      }
    }
  }

  private overMemory(slot: Slot): boolean {
    const { maxRssMb } = this.hooks;
    if (!maxRssMb || slot.pages < MIN_PAGES_BEFORE_MEMORY_RECYCLE) return false;
    return (this.hooks.rss ?? (() => process.memoryUsage.rss()))() > maxRssMb * 1024 * 1024;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.live];
    this.live.clear();
    this.idle.length = 0;
    await Promise.all(all.map((s) => s.backend.terminate().catch(() => {})));
  }
}
