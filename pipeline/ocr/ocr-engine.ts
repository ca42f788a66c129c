import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createWorker, type Worker } from 'tesseract.js';

export interface OcrResult {
  text: string;
  /** Tesseract's mean word confidence, 0-100. */
  confidence: number;
  ms: number;
}

const require = createRequire(import.meta.url);

/**
 * A folder holding the requested languages' traineddata from the npm packages
 * (@tesseract.js-data/<lang>), so tesseract.js never fetches them from the network.
 */
export function localLangPath(langs: string[]): string {
  const dir = path.join(os.tmpdir(), `intake-tessdata-${langs.join('+')}`);
  mkdirSync(dir, { recursive: true });
  for (const lang of langs) {
    const target = path.join(dir, `${lang}.traineddata.gz`);
    if (existsSync(target)) continue;
    let pkgDir: string;
    try {
      pkgDir = path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
    } catch {
      throw new Error(`language data for "${lang}" is not installed: npm install @tesseract.js-data/${lang}`);
    }
    try {
      symlinkSync(path.join(pkgDir, '4.0.0', `${lang}.traineddata.gz`), target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return dir;
}

/** A fixed pool of tesseract.js workers, created once per process and reused. */
export class OcrEngine {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(w: Worker) => void> = [];
  private all: Worker[] = [];

  private constructor() {}

  static async create(opts: { langs: string; size: number; cacheDir?: string }): Promise<OcrEngine> {
    const engine = new OcrEngine();
    const langs = opts.langs.split('+');
    const langPath = localLangPath(langs);
    const cachePath = opts.cacheDir ?? path.join(os.tmpdir(), 'intake-tess-cache');
    mkdirSync(cachePath, { recursive: true });
    engine.all = await Promise.all(
      Array.from({ length: opts.size }, () =>
        createWorker(langs, 1, { langPath, cachePath, gzip: true, cacheMethod: 'write' }),
      ),
    );
    engine.idle.push(...engine.all);
    return engine;
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  /** Reads one page image; `dpi` is passed on because tesseract.js otherwise assumes 70. */
  async recognize(image: Buffer, dpi: number): Promise<OcrResult> {
    const worker = await this.acquire();
    const started = performance.now();
    try {
      await worker.setParameters({ user_defined_dpi: String(dpi) });
      const { data } = await worker.recognize(image);
      return { text: data.text, confidence: data.confidence, ms: Math.round(performance.now() - started) };
    } finally {
      this.release(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
    this.all = [];
  }
}
