/**
 * OCR benchmark (issue 3): our page pipeline (decode, blank/orientation/skew, clean-up,
 * tesseract.js pool) against the native tesseract CLI on the same scan-like pages, in one run.
 *
 *   npm run bench:ocr -- [--docs-per-level 5] [--dpi 300] [--cores N] [--lang-path DIR] [--soak 0] [--out benchmarks/RESULTS-ocr.md]
 *
 * Prints character accuracy per scan level, pages per minute, the ratio to the CLI, p50/p95
 * time to "routing-ready" per document (header of pages 1-2 read and classified, one core),
 * orientation hits and peak memory; writes the same table to the --out file. Page content is
 * synthetic (fixtures/claim-content.ts); the ground truth is what was printed.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { claimPages, type ClaimKind } from '../fixtures/claim-content.ts';
import { mixSeed, rng } from '../fixtures/random.ts';
import { renderPage, type PageContent, type ScanOptions } from '../fixtures/render-page.ts';
import { navForms } from '../fixtures/sample-batch.ts';
import { classify } from '../pipeline/identify/classify.ts';
import { OcrEngine } from '../pipeline/ocr/ocr-engine.ts';
import { readHeader, readPage } from '../pipeline/ocr/read-page.ts';
import { toGrey } from '../pipeline/pages/normalise.ts';
import { readUprightPage, uprightPage } from '../pipeline/ocr/upright.ts';
import { loadConfig, ROOT } from '../schemas/config.ts';
import { loadReference } from '../pipeline/reference.ts';
import { personRegister } from '../storage/seed/person-register.ts';
import { characterAccuracy, wordRecall } from './text-accuracy.ts';
import sharp from 'sharp';

const { values } = parseArgs({
  options: {
    'docs-per-level': { type: 'string', default: '5' },
    dpi: { type: 'string', default: '300' },
    cores: { type: 'string', default: String(os.availableParallelism()) },
    'lang-path': { type: 'string' },
    'debian-data': { type: 'string', default: '/usr/share/tesseract-ocr/5/tessdata' },
    soak: { type: 'string', default: '0' },
    seed: { type: 'string', default: '3' },
    out: { type: 'string', default: 'benchmarks/RESULTS-ocr.md' },
    /** Also run npm's best_int models (slower; informational). */
    npm: { type: 'boolean', default: false },
    /** Throughput runs (fresh engines each); the ratio is reported as the median with its range. */
    runs: { type: 'string', default: '3' },
    /** Skip the routing-ready and memory measurements (throughput and accuracy only). */
    quick: { type: 'boolean', default: false },
    /** Only these languages (e.g. nor+eng); default the configured OCR_LANGS and nor alone. */
    langs: { type: 'string' },
  },
});
const DOCS = Number(values['docs-per-level']);
const DPI = Number(values.dpi);
const CORES = Math.max(1, Number(values.cores));
const SEED = Number(values.seed);
const RUNS = Math.max(1, Number(values.runs));
const log = (s: string) => process.stderr.write(`${s}\n`);

type Level = 'clean' | 'moderate' | 'heavy' | 'rotated 90/270' | 'rotated 180' | 'real scan (linn.png, English)';
const GENERATED: Level[] = ['clean', 'moderate', 'heavy', 'rotated 90/270', 'rotated 180'];
/** A real 300 dpi scan with its known text (fixtures/real-scans, OCRmyPDF's linn.png and linn.txt). */
const REAL: Level = 'real scan (linn.png, English)';
const LEVELS: Level[] = [...GENERATED, REAL];
/** Turns the engines take on slices of the page set (fairness on a shared machine). */
const ROUNDS = 6;

interface BenchPage {
  level: Level;
  doc: number;
  pageNo: number;
  file: Buffer;
  ext: 'png' | 'jpg';
  truth: string;
  /** Clockwise turn that makes it upright. */
  upright: number;
}
interface BenchDoc {
  id: number;
  level: Level;
  personId: string;
  formNumber: string | null;
  pages: BenchPage[];
}

function scan(level: Level, r: ReturnType<typeof rng>, seed: number, pageIdx: number): ScanOptions {
  const base: ScanOptions = { dpi: DPI, seed };
  if (level === 'clean') return base;
  const moderate: ScanOptions = { ...base, skewDeg: r.float(-3, 3), noise: r.float(0.003, 0.02), blur: r.float(0.4, 0.8), jpegQuality: 60 };
  if (level === 'moderate') return moderate;
  if (level === 'heavy') return { ...base, skewDeg: r.float(-3, 3), noise: r.float(0.04, 0.06), blur: r.float(0.8, 1.1), jpegQuality: 40 };
  if (level === 'rotated 180') return { ...moderate, rotate: 180 };
  return { ...moderate, rotate: pageIdx % 2 === 0 ? 90 : 270 };
}

const truthOf = (c: PageContent) => c.lines.filter((l) => !l.rule).map((l) => l.text).join('\n');

async function makeSet(): Promise<BenchDoc[]> {
  const persons = personRegister();
  const forms = navForms().filter((f) => /^Søknad/.test(f.title));
  const kinds: Array<{ kind: ClaimKind; form: boolean }> = [
    { kind: 'claim', form: true }, { kind: 'complaint', form: false }, { kind: 'claim', form: true },
    { kind: 'attachment', form: true }, { kind: 'other', form: false },
  ];
  const docs: BenchDoc[] = [];
  let pageIdx = 0;
  for (const [li, level] of GENERATED.entries()) {
    for (let d = 0; d < DOCS; d++) {
      const r = rng(mixSeed(SEED, li, d));
      const person = r.pick(persons);
      const f = r.pick(forms);
      const k = kinds[(d + li) % kinds.length]!;
      const formNumber = k.form ? f.formNumber : null;
      const contents = claimPages({ formNumber, title: f.title, tema: f.tema, person, kind: k.kind, pages: r.int(1, 2), seed: mixSeed(SEED, li, d, 7) });
      const doc: BenchDoc = { id: docs.length + 1, level, personId: person.id, formNumber, pages: [] };
      for (const [p, content] of contents.entries()) {
        const o = scan(level, r, mixSeed(SEED, li, d, p), pageIdx++);
        const rendered = await renderPage(content, o);
        doc.pages.push({
          level, doc: doc.id, pageNo: p + 1, file: rendered.data, ext: rendered.format === 'jpeg' ? 'jpg' : 'png',
          truth: truthOf(content), upright: (360 - (o.rotate ?? 0)) % 360,
        });
      }
      docs.push(doc);
    }
  }
  const real = path.join(ROOT, 'fixtures', 'real-scans');
  docs.push({
    id: docs.length + 1, level: REAL, personId: '', formNumber: null,
    pages: [{ level: REAL, doc: docs.length + 1, pageNo: 1, file: readFileSync(path.join(real, 'linn.png')), ext: 'png', truth: readFileSync(path.join(real, 'linn.txt'), 'utf8'), upright: 0 }],
  });
  return docs;
}

/** Samples this process's resident memory (worker threads included). */
function memorySampler() {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  return { stop: () => (clearInterval(t), (peak = Math.max(peak, process.memoryUsage().rss)), peak) };
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

interface RunResult {
  name: string;
  texts: Map<BenchPage, string>;
  orientationOk?: Map<BenchPage, boolean>;
  wallMs: number;
  /** CPU time (user + system, every thread or process) spent reading, over the pages read. */
  cpuMs: number;
  peakMb: number;
  /** RSS of the OCR process before its engine started (node, sharp, the rendered pages). */
  baseMb?: number;
  timeouts?: number;
  manual?: number;
}

interface Runner {
  result: RunResult;
  /** Reads these pages, adding to the result and its clock. */
  round(pages: BenchPage[]): Promise<void>;
  close(): Promise<void>;
}

/** The default languages (OCR_LANGS, nor+eng) and Norwegian alone, to show what English costs. */
const LANGS = values.langs ? values.langs.split(',') : [...new Set([loadConfig().OCR_LANGS, 'nor'])];

async function ours(name: string, langPath: string | undefined, langs: string, warmPage?: BenchPage): Promise<Runner> {
  const engine = await OcrEngine.create({ langs, size: CORES, langPath });
  // Warm-up outside the clock, as a long-running worker would be: the engine, and one real page
  // through the page code (its first page otherwise costs seconds of compiling, charged to
  // whichever variant runs first).
  await engine.recognize(Buffer.from('P5\n8 8\n255\n' + '\xff'.repeat(64), 'latin1'), 300);
  if (warmPage) await readUprightPage(engine, await toGrey(warmPage.file), DPI);
  const result: RunResult = { name, texts: new Map(), orientationOk: new Map(), wallMs: 0, cpuMs: 0, peakMb: 0, timeouts: 0, manual: 0 };
  return {
    result,
    async round(pages) {
      const mem = memorySampler();
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await pool(pages, CORES, async (p) => {
        const { page: n, read: r } = await readUprightPage(engine, await toGrey(p.file), DPI);
        result.orientationOk!.set(p, n.orientation === p.upright);
        if (r?.status === 'manual') result.manual!++;
        result.texts.set(p, r?.text ?? '');
      });
      result.wallMs += performance.now() - t0;
      // This process's every thread (tesseract's workers, libvips): nothing else runs in it during a round.
      const cpu = process.cpuUsage(cpu0);
      result.cpuMs += (cpu.user + cpu.system) / 1000;
      result.peakMb = Math.max(result.peakMb, mem.stop() / 2 ** 20);
      result.timeouts = engine.stats().timeouts;
    },
    close: () => engine.close(),
  };
}

function execTesseract(file: string, langs: string): Promise<{ text: string; kb: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    // GNU time reports the tesseract process's CPU seconds (user, system) and peak resident size.
    execFile('/usr/bin/time', ['-f', '%U %S %M', 'tesseract', file, '-', '-l', langs, '--dpi', String(DPI)], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' }, maxBuffer: 16 * 2 ** 20,
    }, (err, stdout, stderr) => {
      if (err) return reject(err);
      const m = /([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr.trim());
      resolve({ text: stdout, kb: Number(m?.[3] ?? 0), cpuMs: (Number(m?.[1] ?? 0) + Number(m?.[2] ?? 0)) * 1000 });
    });
  });
}

async function native(pages: BenchPage[], dir: string, langs: string): Promise<Runner> {
  const files = new Map<BenchPage, string>();
  for (const [i, p] of pages.entries()) {
    const f = path.join(dir, `page-${i}.${p.ext}`);
    await writeFile(f, p.file);
    files.set(p, f);
  }
  const result: RunResult = { name: `native tesseract CLI, ${langs}`, texts: new Map(), wallMs: 0, cpuMs: 0, peakMb: 0 };
  return {
    result,
    async round(chunk) {
      let peakKb = 0;
      const t0 = performance.now();
      await pool(chunk, CORES, async (p) => {
        const r = await execTesseract(files.get(p)!, langs);
        peakKb = Math.max(peakKb, r.kb);
        result.cpuMs += r.cpuMs;
        result.texts.set(p, r.text);
      });
      result.wallMs += performance.now() - t0;
      // CORES processes side by side, each at most peakKb.
      result.peakMb = Math.max(result.peakMb, (peakKb * CORES) / 1024);
    },
    close: async () => {},
  };
}

interface ReadyResult {
  ms: number[];
  enough: number;
  personRight: number;
  formRight: number;
  docs: number;
}

/** Routing-ready per document on one core: pages 1-2 upright and read in full (one read per page, as the pipeline does), classified. */
async function routingReady(docs: BenchDoc[], langPath: string | undefined, langs: string): Promise<ReadyResult> {
  const reference = loadReference();
  const temaCodes = new Set(reference.tema.keys());
  const register = new Set(personRegister().map((p) => p.id));
  const engine = await OcrEngine.create({ langs, size: 1, langPath });
  await engine.recognize(Buffer.from('P5\n8 8\n255\n' + '\xff'.repeat(64), 'latin1'), 300);
  docs = docs.filter((d) => d.level !== REAL);
  const out: ReadyResult = { ms: [], enough: 0, personRight: 0, formRight: 0, docs: docs.length };
  for (const doc of docs) {
    const t0 = performance.now();
    const texts: string[] = [];
    let c: ReturnType<typeof classify> | null = null;
    for (const p of doc.pages.slice(0, 2)) {
      const { read } = await readUprightPage(engine, await toGrey(p.file), DPI);
      if (!read) continue;
      texts.push(read.text ?? '');
      c = classify({ pageTexts: texts, vendor: null, forms: reference.forms, temaCodes, isKnownPerson: (id) => register.has(id) });
      if (c.personId && c.tema !== 'UKJ' && !c.needsManual) break;
    }
    out.ms.push(performance.now() - t0);
    if (c?.personId && c.tema !== 'UKJ' && !c.needsManual) out.enough++;
    if (c?.personId === doc.personId) out.personRight++;
    if (doc.formNumber && c?.formNumber?.replace(/^NAVe/, 'NAV') === doc.formNumber) out.formRight++;
  }
  await engine.close();
  return out;
}

interface MemoryReport {
  baseMb: number;
  peakMb: number;
  series: Array<[number, number]>;
}

/** Peak memory of an OCR process (and its RSS over a long run), measured in a fresh process: benchmarks/ocr-memory.ts. */
function ocrMemory(langPath: string | undefined, extra: string[] = []): Promise<MemoryReport> {
  const script = fileURLToPath(new URL('./ocr-memory.ts', import.meta.url));
  const args = ['--import', 'tsx', script, '--dpi', String(DPI), '--cores', String(CORES), ...(langPath ? ['--lang-path', langPath] : []), ...extra];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 2 ** 20 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout.trim().split('\n').pop()!) as MemoryReport))),
  );
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};

function accuracyBy(run: RunResult, pages: BenchPage[], level: Level): { matched: number; plain: number } {
  let chars = 0, m = 0, p = 0;
  for (const page of pages.filter((x) => x.level === level)) {
    const a = characterAccuracy(page.truth, run.texts.get(page) ?? '');
    chars += a.chars;
    m += a.matchedErrors;
    p += a.plainErrors;
  }
  return { matched: Math.max(0, 1 - m / chars), plain: Math.max(0, 1 - p / chars) };
}

const started = performance.now();
log(`generating ${DOCS * LEVELS.length} documents at ${DPI} dpi ...`);
const docs = await makeSet();
const pages = docs.flatMap((d) => d.pages);
log(`  ${pages.length} pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const tmp = await mkdtemp(path.join(os.tmpdir(), 'intake-bench-'));
const runs: RunResult[] = [];
const ready: Array<[string, ReadyResult]> = [];
const loads: number[] = [os.loadavg()[0]!];
try {
  // Each variant: [name, language data folder, languages].
  const variants: Array<[string, string | undefined, string]> = [];
  const debian = !values['lang-path'] && values['debian-data'] && existsSync(path.join(values['debian-data'], 'nor.traineddata')) ? values['debian-data'] : undefined;
  for (const langs of LANGS) {
    if (values['lang-path']) variants.push([`ours ${langs}, data from ${values['lang-path']}`, values['lang-path'], langs]);
    else if (debian) variants.push([`ours ${langs}, Debian fast data (the default when installed)`, debian, langs]);
    if (!values['lang-path'] && (values.npm || !debian)) variants.push([`ours ${langs}, npm best_int data (OCR_LANG_PATH=npm)`, 'npm', langs]);
  }
  /** Pages per minute of each engine in each run, and each run's ratio of ours to native with the same languages. */
  const ppmRuns = new Map<string, number[]>();
  const ratioRuns = new Map<string, number[]>();
  /** CPU per page in each run, and each run's ratio of the CLI's CPU per page to ours (what a quiet machine's throughput ratio tends to). */
  const cpuRuns = new Map<string, number[]>();
  const cpuRatioRuns = new Map<string, number[]>();
  const baselines = new Map<string, Runner>();
  for (let run = 1; run <= RUNS; run++) {
    const runners: Runner[] = [];
    for (const [name, lp, langs] of variants) runners.push(await ours(name, lp, langs, pages[0]));
    baselines.clear();
    for (const langs of LANGS) baselines.set(langs, await native(pages, tmp, langs));
    runners.push(...baselines.values());
    // Engines take turns on the same slices of pages, so a busy moment on the machine hits all alike.
    const slice = Math.max(CORES, Math.ceil(pages.length / ROUNDS));
    for (let i = 0; i < pages.length; i += slice) {
      for (const r of runners) await r.round(pages.slice(i, i + slice));
      log(`  run ${run}, round ${i / slice + 1} (load ${os.loadavg()[0]!.toFixed(1)}): ${runners.map((r) => `${r.result.name} ${(r.result.wallMs / 1000).toFixed(1)} s`).join(', ')}`);
    }
    for (const r of runners) await r.close();
    for (const r of runners) ppmRuns.set(r.result.name, [...(ppmRuns.get(r.result.name) ?? []), (pages.length / r.result.wallMs) * 60_000]);
    for (const r of runners) cpuRuns.set(r.result.name, [...(cpuRuns.get(r.result.name) ?? []), r.result.cpuMs / pages.length]);
    for (const [name, , langs] of variants) {
      const mine = runners.find((r) => r.result.name === name)!.result;
      const base = baselines.get(langs)!.result;
      ratioRuns.set(name, [...(ratioRuns.get(name) ?? []), base.wallMs / mine.wallMs]);
      cpuRatioRuns.set(name, [...(cpuRatioRuns.get(name) ?? []), base.cpuMs / mine.cpuMs]);
    }
    loads.push(os.loadavg()[0]!);
    // Accuracy and memory come from the last run (the readings are the same in every run).
    if (run === RUNS) runs.push(...runners.map((r) => r.result));
  }
  /** The native run with the same languages as a run of ours (for the ratio). */
  const nativeFor = (r: RunResult) => baselines.get(variants.find(([n]) => n === r.name)?.[2] ?? LANGS[0]!)?.result ?? r;
  if (!values.quick) for (const [name, lp, langs] of variants) {
    log(`routing-ready, ${name} ...`);
    ready.push([name, await routingReady(docs, lp, langs)]);
    const m = await ocrMemory(lp);
    const run = runs.find((r) => r.name === name)!;
    run.peakMb = m.peakMb;
    run.baseMb = m.baseMb;
  }

  const lines: string[] = [];
  const say = (s = '') => lines.push(s);
  say(`## OCR benchmark`);
  say();
  say(`${pages.length} pages in ${docs.length} documents (${DOCS} generated per level, and one real scan with its known text), A4 at ${DPI} dpi, ${CORES} core(s) (${os.cpus()[0]?.model ?? 'cpu'}), seed ${SEED}.`);
  say(`Native baseline: \`tesseract FILE - -l LANGS --dpi ${DPI}\` with the same languages as ours (${LANGS.join(', ')}; tesseract ${(await tesseractVersion()) ?? '?'}, Debian's data), OMP_THREAD_LIMIT=1, ${CORES} process(es) at a time.`);
  say(`Ours: decode, blank/orientation/deskew, clean-up, tesseract.js 7 worker pool of ${CORES} (time limit 30 s per page). Same page files for both; the engines take turns on ${ROUNDS} slices of the set, so load from other processes falls on all alike. Load average (1 min) at the start and after each run: ${loads.map((l) => l.toFixed(1)).join(', ')}.`);
  say(`The native CLI is one process per page, as OCRmyPDF runs it and as a user would; its process start (loading the language data) is part of its time: ${(await startCost('nor+eng')).toFixed(0)} ms with nor+eng and ${(await startCost('nor')).toFixed(0)} ms with nor for a blank 50 x 50 image, measured now.`);
  say();
  say(`Character accuracy = 1 - errors / characters of the printed text, whitespace collapsed. "line-matched" aligns each printed line with the best-fitting stretch of the output (reading order between blocks ignored, extra output counts as errors); "in order" is plain Levenshtein over the whole page.`);
  say();
  say(`| | ${runs.map((r) => r.name).join(' | ')} |`);
  say(`|---|${runs.map(() => '---').join('|')}|`);
  for (const level of LEVELS) {
    say(`| accuracy ${level}, line-matched (in order) | ${runs.map((r) => { const a = accuracyBy(r, pages, level); return `${pct(a.matched)} (${pct(a.plain)})`; }).join(' | ')} |`);
  }
  const rotated = pages.filter((p) => p.upright !== 0);
  say(`| orientation right on rotated pages | ${runs.map((r) => (r.orientationOk ? `${rotated.filter((p) => r.orientationOk!.get(p)).length}/${rotated.length}` : 'n/a (no OSD in default mode)')).join(' | ')} |`);
  say(`| orientation right on upright pages | ${runs.map((r) => (r.orientationOk ? `${pages.filter((p) => p.upright === 0 && r.orientationOk!.get(p)).length}/${pages.length - rotated.length}` : 'n/a')).join(' | ')} |`);
  const ppm = (r: RunResult) => (pages.length / r.wallMs) * 60_000;
  const spread = (xs: number[] | undefined, d: number) => (xs?.length ? `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})` : 'n/a');
  say(`| words of the known text found, real scan | ${runs.map((r) => pct(wordRecall(pages.find((p) => p.level === REAL)!.truth, r.texts.get(pages.find((p) => p.level === REAL)!) ?? ''))).join(' | ')} |`);
  say(`| full-text throughput, pages/min, median of ${RUNS} runs (range) | ${runs.map((r) => spread(ppmRuns.get(r.name), 1)).join(' | ')} |`);
  say(`| **throughput ratio to native CLI, same languages, median of ${RUNS} runs (range)** | ${runs.map((r) => (r.orientationOk ? `**${spread(ratioRuns.get(r.name), 2)}**` : '1.00')).join(' | ')} |`);
  say(`| ratio in each run | ${runs.map((r) => (r.orientationOk ? (ratioRuns.get(r.name) ?? []).map((x) => x.toFixed(2)).join(', ') : '')).join(' | ')} |`);
  say(`| CPU per page (every thread or process), median of ${RUNS} runs (range) | ${runs.map((r) => `${spread(cpuRuns.get(r.name), 0)} ms`).join(' | ')} |`);
  say(`| CPU ratio, native CLI's CPU per page over ours, median (range) | ${runs.map((r) => (r.orientationOk ? spread(cpuRatioRuns.get(r.name), 2) : '1.00')).join(' | ')} |`);
  say(`| routing-ready per document, p50 / p95 (1 core) | ${runs.map((r) => { const x = ready.find(([n]) => n === r.name)?.[1]; return x ? `${(quantile(x.ms, 0.5) / 1000).toFixed(2)} s / ${(quantile(x.ms, 0.95) / 1000).toFixed(2)} s` : 'n/a'; }).join(' | ')} |`);
  say(`| routing-ready from the header alone / person id right / form number right | ${runs.map((r) => { const x = ready.find(([n]) => n === r.name)?.[1]; return x ? `${x.enough}/${x.docs} / ${x.personRight}/${x.docs} / ${x.formRight}/${docs.filter((d) => d.formNumber).length}` : 'n/a'; }).join(' | ')} |`);
  say(`| peak memory (RSS) | ${runs.map((r) => `${r.peakMb.toFixed(0)} MB${r.orientationOk ? ` (one node process with ${CORES} workers${r.baseMb === undefined ? ', in the benchmark process' : `; ${r.baseMb} MB before the engine started`})` : ` (${CORES} x peak tesseract process)`}`).join(' | ')} |`);
  say(`| pages over the time limit / left for manual handling | ${runs.map((r) => (r.timeouts !== undefined ? `${r.timeouts} / ${r.manual}` : 'n/a')).join(' | ')} |`);
  say();
  if (LANGS.length > 1) {
    const [a, b] = LANGS;
    const oa = runs.find((r) => r.orientationOk && r.name.startsWith(`ours ${a},`));
    const ob = runs.find((r) => r.orientationOk && r.name.startsWith(`ours ${b},`));
    if (oa && ob) say(`Cost of reading ${a} (the default) instead of ${b} alone, ours in the same run: ${ppm(oa).toFixed(1)} against ${ppm(ob).toFixed(1)} pages/min (${((1 - ppm(oa) / ppm(ob)) * 100).toFixed(0)} % slower).`);
    say();
  }
  say(`Routing-ready: from the stored page to person and tema known, as the pipeline does it (decode, upright, page 1 read in full, page 2 only if needed, classify), one tesseract.js worker, documents one after another.`);
  const soakCount = Number(values.soak);
  if (soakCount > 0) {
    log(`soak: ${soakCount} pages, workers recycled every 50 pages ...`);
    const soakData = variants[variants.length - 1]!;
    const m = await ocrMemory(soakData[1], ['--soak', String(soakCount), '--recycle', '50']);
    say();
    say(`Memory of one OCR process over ${soakCount} pages (fresh process, ${CORES} workers each replaced after 50 pages, ${soakData[0].replace(/^ours, /, '')}):`);
    say();
    say('| pages read | RSS MB |');
    say('|---|---|');
    for (const [n, rss] of m.series) say(`| ${n} | ${rss} |`);
  }
  say();
  say(`Reproduce: \`npm run bench:ocr -- --docs-per-level ${DOCS} --dpi ${DPI} --runs ${RUNS}${values.quick ? ' --quick' : ''}${values.langs ? ` --langs ${values.langs}` : ''}${soakCount ? ` --soak ${soakCount}` : ''}\` (total run ${((performance.now() - started) / 1000).toFixed(0)} s).`);
  const table = lines.join('\n');
  process.stdout.write(`${table}\n`);
  if (values.out) {
    await writeFile(values.out, `${table}\n`);
    log(`wrote ${values.out}`);
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Share of the known text's words found in the output (each found word used once). */

/** Wall time of the native CLI on a tiny blank image: its process start and language data load (median of 5). */
async function startCost(langs: string): Promise<number> {
  const file = path.join(tmp, 'blank.png');
  await writeFile(file, await sharp({ create: { width: 50, height: 50, channels: 3, background: '#ffffff' } }).png().toBuffer());
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => execFile('tesseract', [file, '-', '-l', langs], { env: { ...process.env, OMP_THREAD_LIMIT: '1' } }, (err) => (err ? reject(err) : resolve())));
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

async function tesseractVersion(): Promise<string | null> {
  return new Promise((resolve) => execFile('tesseract', ['--version'], (err, stdout) => resolve(err ? null : (/tesseract ([\d.]+)/.exec(stdout)?.[1] ?? null))));
}

