#!/usr/bin/env -S npx tsx
/**
 * Measures identification and routing on a labelled, scan-like set that no test tunes on:
 *   npm run eval [-- --files 200 --seed 4242 --out benchmarks/RESULTS-eval.md]  (seed 9001 was used while building; 4242 was not)
 * Runs the same code as `intake classify` (OCR, barcodes, splitting, identification, routing)
 * and prints accuracy per field, confusion tables and the auto-routed-but-wrong rate.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { offlineRegister } from '../bin/identify-commands.ts';
import { generateEvalSet, type EvalDoc } from '../fixtures/eval-set.ts';
import { readDocumentFile, type ClassifyOutput } from '../pipeline/identify/read-document.ts';
import { OcrEngine } from '../pipeline/ocr/ocr-engine.ts';
import { loadPolicy, loadReference } from '../pipeline/reference.ts';
import { route, UnitDirectory } from '../pipeline/route/route.ts';
import { loadConfig, ROOT } from '../schemas/config.ts';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '200' },
    seed: { type: 'string', default: '4242' },
    concurrency: { type: 'string', default: String(Math.min(2, os.availableParallelism())) },
    out: { type: 'string', default: path.join(ROOT, 'benchmarks', 'RESULTS-eval.md') },
    /** Print per-document differences to stderr (synthetic data only: ids here are Test Norge numbers). */
    verbose: { type: 'boolean', default: false },
  },
});
const nFiles = Number(values.files);
const seed = Number(values.seed);
const concurrency = Number(values.concurrency);
const log = (s: string) => process.stderr.write(`${s}\n`);

const t0 = performance.now();
const set = await generateEvalSet({ files: nFiles, seed, onProgress: (d, t) => d % 10 === 0 && log(`  generated ${d}/${t} files`) });
const tGen = performance.now() - t0;
const totalPages = set.docs.reduce((s, d) => s + d.pageRange[1] - d.pageRange[0] + 1, 0);
log(`generated ${set.files.length} files, ${set.docs.length} documents, ${totalPages} pages in ${(tGen / 1000).toFixed(1)} s`);

const config = loadConfig();
const reference = loadReference();
const policy = loadPolicy(config.ROUTING_POLICY);
const directory = new UnitDirectory(reference.units, reference.municipalities);
const person = offlineRegister();
const ocr = await OcrEngine.create({ langs: config.OCR_LANGS, size: concurrency, langPath: config.OCR_LANG_PATH });
let ocrPages = 0;
let ocrMs = 0;
const deps = {
  ocr, reference, policy, directory, person,
  coverSheet: (lnr: string) => {
    const s = set.coverSheets.get(lnr);
    return s ? { tema: s.tema, formNumber: s.formNumber, followUp: s.followUp, personId: s.personId, attachments: s.attachments, title: s.title } : null;
  },
  onOcr: (ms: number) => {
    ocrPages++;
    ocrMs += ms;
  },
};

const t1 = performance.now();
const results: ClassifyOutput[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < set.files.length) {
      const f = set.files[next++]!;
      try {
        results.push(...(await readDocumentFile(deps, f.name, f.data)));
      } catch (err) {
        log(`  ${f.name}: ${values.verbose ? (err as Error).stack : (err as Error).message}`);
      }
    }
  }),
);
const tRun = performance.now() - t1;
await ocr.close();

// ---- scoring ----
const key = (file: string, r: [number, number]) => `${file}#${r[0]}-${r[1]}`;
const byKey = new Map(results.map((o) => [key(o.file, o.pageRange), o]));
const dest = (ds: Array<{ unitType: string; unitId: string }>) => ds.map((d) => `${d.unitType}:${d.unitId}`).sort().join('+');

interface Row { truth: EvalDoc; got: ClassifyOutput | undefined; expected: string; }
const rows: Row[] = set.docs.map((t) => {
  const p = person(t.personId);
  const expected = dest(route({ tema: t.tema, kind: t.kind, person: p, needsManual: false }, policy, directory).destinations);
  return { truth: t, got: byKey.get(key(t.file, t.pageRange)), expected };
});
if (values.verbose) {
  for (const r of rows) {
    const g = r.got;
    const bad = !g || g.tema !== r.truth.tema || g.personId !== r.truth.personId || g.documentKind !== r.truth.kind || (g.formNumber ?? null) !== r.truth.formNumber || g.needsManual;
    if (bad) log(`${key(r.truth.file, r.truth.pageRange)} ${r.truth.origin}/${r.truth.scan}${r.truth.upsideDown ? '/upside-down' : ''} truth ${r.truth.tema}/${r.truth.kind}/${r.truth.formNumber} -> ${g ? `${g.tema}/${g.documentKind}/${g.formNumber} person ${g.personId === r.truth.personId ? 'ok' : g.personId ? 'WRONG' : 'none'} manual=${g.needsManual} ${g.reasons.join('; ')}` : `NOT FOUND; file has ${results.filter((o) => o.file === r.truth.file).map((o) => o.pageRange.join('-')).join(', ')}`}`);
  }
}
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '-');
const count = (f: (r: Row) => boolean, among: Row[] = rows) => among.filter(f).length;

const found = rows.filter((r) => r.got);
const extra = results.filter((o) => !set.docs.some((t) => key(t.file, t.pageRange) === key(o.file, o.pageRange)));
const legible = rows.filter((r) => r.truth.scan !== 'heavy' && !r.truth.upsideDown);
const auto = found.filter((r) => !r.got!.needsManual);
const autoWrong = auto.filter((r) => dest(r.got!.route.destinations) !== r.expected);
const routedRight = found.filter((r) => !r.got!.needsManual && dest(r.got!.route.destinations) === r.expected);
const withCover = rows.filter((r) => r.truth.coverSheet);
const missingTruth = withCover.filter((r) => r.truth.missingAttachments.length > 0);

const metrics: Array<[string, string, string, string]> = [
  ['documents found (file split exactly as truth)', `${found.length}/${rows.length}`, pct(found.length, rows.length), `${extra.length} unexpected segment(s)`],
  ['tema', `${count((r) => r.got?.tema === r.truth.tema)}/${rows.length}`, pct(count((r) => r.got?.tema === r.truth.tema), rows.length), '>= 98 %'],
  ['tema, auto-routed documents', `${count((r) => r.got?.tema === r.truth.tema, auto)}/${auto.length}`, pct(count((r) => r.got?.tema === r.truth.tema, auto), auto.length), ''],
  ['document kind', `${count((r) => r.got?.documentKind === r.truth.kind)}/${rows.length}`, pct(count((r) => r.got?.documentKind === r.truth.kind), rows.length), ''],
  ['form number (null for letters)', `${count((r) => (r.got?.formNumber ?? null) === r.truth.formNumber)}/${rows.length}`, pct(count((r) => (r.got?.formNumber ?? null) === r.truth.formNumber), rows.length), ''],
  ['person id exact, all', `${count((r) => r.got?.personId === r.truth.personId)}/${rows.length}`, pct(count((r) => r.got?.personId === r.truth.personId), rows.length), ''],
  ['person id exact, legible (not heavy, not upside down)', `${count((r) => r.got?.personId === r.truth.personId, legible)}/${legible.length}`, pct(count((r) => r.got?.personId === r.truth.personId, legible), legible.length), '>= 99 %'],
  ['person id wrong (another valid id chosen)', `${count((r) => Boolean(r.got?.personId) && r.got?.personId !== r.truth.personId)}`, pct(count((r) => Boolean(r.got?.personId) && r.got?.personId !== r.truth.personId), rows.length), 'should be 0'],
  ['routing destination right (manual counts as not right)', `${routedRight.length}/${rows.length}`, pct(routedRight.length, rows.length), '>= 98 %'],
  ['auto-routed (no manual handling)', `${auto.length}/${rows.length}`, pct(auto.length, rows.length), ''],
  ['auto-routed but wrong destination', `${autoWrong.length}/${auto.length}`, pct(autoWrong.length, auto.length), '< 0.5 %'],
  ['cover sheets decoded', `${count((r) => r.got?.coverSheet === r.truth.coverSheet, withCover)}/${withCover.length}`, pct(count((r) => r.got?.coverSheet === r.truth.coverSheet, withCover), withCover.length), ''],
  ['missing attachments flagged exactly', `${count((r) => JSON.stringify(r.got?.missingAttachments ?? []) === JSON.stringify(r.truth.missingAttachments), withCover)}/${withCover.length}`, `${missingTruth.length} with a missing attachment`, ''],
];

function confusion(labels: (r: Row) => [string, string]): string {
  const pairs = found.map(labels);
  const truthLabels = [...new Set(pairs.map(([t]) => t))].sort();
  const gotLabels = [...new Set(pairs.map(([, g]) => g))].sort();
  const lines = [`| truth \\ got | ${gotLabels.join(' | ')} |`, `|---|${gotLabels.map(() => '---:').join('|')}|`];
  for (const t of truthLabels) lines.push(`| ${t} | ${gotLabels.map((g) => { const n = pairs.filter(([a, b]) => a === t && b === g).length; return n ? (t === g ? `**${n}**` : String(n)) : '·'; }).join(' | ')} |`);
  return lines.join('\n');
}

const byOrigin = [...new Set(rows.map((r) => r.truth.origin))].sort().map((o) => {
  const rs = rows.filter((r) => r.truth.origin === o);
  const a = rs.filter((r) => r.got && !r.got.needsManual);
  return `| ${o} | ${rs.length} | ${pct(count((r) => r.got?.tema === r.truth.tema, rs), rs.length)} | ${pct(count((r) => r.got?.personId === r.truth.personId, rs), rs.length)} | ${pct(a.length, rs.length)} | ${count((r) => dest(r.got!.route.destinations) !== r.expected, a)} |`;
});
const wrongList = autoWrong.map((r) => `| ${r.truth.file} p${r.truth.pageRange.join('-')} | ${r.truth.origin} | ${r.truth.tema}/${r.truth.kind} | ${r.got!.tema}/${r.got!.documentKind} | ${r.expected} | ${dest(r.got!.route.destinations)} | ${r.got!.route.rule} |`);

const md = `# Evaluation: identify, classify and route (issue 4)

Reproduce: \`npm run eval -- --files ${nFiles} --seed ${seed}\` (${concurrency} OCR worker(s)). Set: ${set.files.length} files, ${rows.length} documents,
${totalPages} document pages; generated by fixtures/eval-set.ts in its own seed space (no test uses it). Policy: ${policy.id}.
Generation ${(tGen / 1000).toFixed(0)} s; reading ${(tRun / 1000).toFixed(0)} s (${ocrPages} OCR passes, mean ${ocrPages ? Math.round(ocrMs / ocrPages) : 0} ms per page pass); machine: ${os.availableParallelism()} cores.

| measure | count | result | target / note |
|---|---:|---:|---|
${metrics.map((m) => `| ${m.join(' | ')} |`).join('\n')}

## By kind of document in the set

| origin | documents | tema right | person right | auto-routed | auto-routed wrong |
|---|---:|---:|---:|---:|---:|
${byOrigin.join('\n')}

## Tema confusion (rows: truth, columns: what the pipeline said; found documents only)

${confusion((r) => [r.truth.tema, r.got!.tema])}

## Kind confusion

${confusion((r) => [r.truth.kind, r.got!.documentKind])}

## Auto-routed documents with a wrong destination

${wrongList.length ? `| document | origin | truth | got | expected | routed to | rule |\n|---|---|---|---|---|---|---|\n${wrongList.join('\n')}` : 'None.'}
`;

process.stdout.write(md);
writeFileSync(values.out!, md);
log(`\nwritten to ${path.relative(process.cwd(), values.out!)}; total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
