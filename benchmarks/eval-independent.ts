#!/usr/bin/env -S npx tsx
/**
 * The independent evaluation (issue 9): documents from independent-eval/ (its own generator,
 * fonts, paper and noise; seventeen families of degradation), read exactly as `intake classify`
 * reads, against a person register of 200 000 (or more) synthetic people.
 *
 *   npm run eval:independent -- --seed 1001 --docs 170 [--register-size 200000] [--concurrency 2]
 *
 * Seeds below 1000 are tuning seeds: their misses are listed (with --verbose on stderr too).
 * Seeds from 1000 are held out: only counts are written. Each run replaces its own section of
 * benchmarks/RESULTS-eval-independent.md and keeps the others.
 */
import { appendFileSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateIndependent, FIRST_HELD_OUT_SEED, groupBy, independentRegister, pct, upper95, type DocScore, type Summary } from '../independent-eval/index.ts';
import { readDocumentFile } from '../pipeline/identify/read-document.ts';
import { OcrEngine } from '../pipeline/ocr/ocr-engine.ts';
import { loadPolicy, loadReference } from '../pipeline/reference.ts';
import { UnitDirectory } from '../pipeline/route/route.ts';
import { loadConfig, ROOT } from '../schemas/config.ts';
import { FileRegister } from '../storage/person-register/file-register.ts';
import { toRoutingPerson } from '../storage/person-register/person-register.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(FIRST_HELD_OUT_SEED + 1) },
    docs: { type: 'string', default: '170' },
    'register-size': { type: 'string', default: '200000' },
    concurrency: { type: 'string', default: String(Math.min(2, os.availableParallelism())) },
    out: { type: 'string', default: path.join(ROOT, 'benchmarks', 'RESULTS-eval-independent.md') },
    verbose: { type: 'boolean', default: false },
    /** Appends each document's score (counts and its family, style, format and kind of paper; no text, no id) as a JSON line, so a run stopped early still counts. */
    progress: { type: 'string' },
  },
});
const seed = Number(values.seed);
const docs = Number(values.docs);
const registerSize = Number(values['register-size']);
const concurrency = Number(values.concurrency);
const heldOut = seed >= FIRST_HELD_OUT_SEED;
const log = (s: string) => process.stderr.write(`${s}\n`);

const config = loadConfig();
const reference = loadReference();
const policy = loadPolicy(config.ROUTING_POLICY);
const directory = new UnitDirectory(reference.units, reference.municipalities);
const t0 = performance.now();
const register = independentRegister(seed, registerSize);
// The reader gets the register the way production does: a register file through issue 10's loader.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'intake-register-'));
const csv = path.join(tmp, 'register.csv');
const out = createWriteStream(csv);
for (const line of register.csvLines()) if (!out.write(`${line}\n`)) await once(out, 'drain');
out.end();
await once(out, 'finish');
const fileRegister = await FileRegister.load(csv);
rmSync(tmp, { recursive: true, force: true });
log(`register of ${fileRegister.size} persons built and loaded from its register file in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const ocr = await OcrEngine.create({ langs: config.OCR_LANGS, size: concurrency, langPath: config.OCR_LANG_PATH, timeoutMs: config.OCR_PAGE_TIMEOUT_MS });
let ocrPages = 0;
let ocrMs = 0;
const deps = {
  ocr, reference, policy, directory,
  person: (id: string) => {
    const e = fileRegister.get(id);
    return e ? toRoutingPerson(e) : null;
  },
  coverSheet: () => null,
  onOcr: (ms: number) => {
    ocrPages++;
    ocrMs += ms;
  },
};
const t1 = performance.now();
let pages = 0;
const result = await evaluateIndependent({
  seed, docs, register, policy, directory, concurrency,
  read: (name, data, truth) => {
    pages += truth.pages;
    return readDocumentFile(deps, name, data);
  },
  onDocument: (s, done) => {
    if (done % 10 === 0) log(`  ${done}/${docs} read`);
    if (values.progress) {
      const t = s.truth;
      appendFileSync(values.progress, `${JSON.stringify({ seed, family: t.family, fontStyle: t.fontStyle, format: t.format, docType: t.docType, temaOk: s.temaOk, personOk: s.personOk, destOk: s.destOk, auto: s.auto, autoWrong: s.autoWrong, personWrong: s.personWrong, repair: s.repair, error: Boolean(s.error) })}\n`);
    }
    const bad = !s.temaOk || !s.personOk || !s.destOk;
    if (values.verbose && bad && !heldOut) {
      const g = s.got;
      log(`${s.truth.file} ${s.truth.docType}/${s.truth.fontStyle}/${s.truth.format} truth ${s.truth.tema}/${s.truth.kind}/${s.truth.formNumber ?? '-'} -> ${g ? `${g.tema}/${g.documentKind}/${g.formNumber ?? '-'} person ${s.personOk ? 'ok' : g.personId ? 'WRONG' : 'none'} manual=${g.needsManual} turns=${JSON.stringify((g as { pageTurns?: number[] }).pageTurns ?? [])} | ${g.reasons.join('; ')}` : `ERROR ${s.error}`}`);
    }
  },
});
const tRun = performance.now() - t1;
const timeouts = ocr.stats().timeouts;
await ocr.close();

const s = result.summary;
const row = (name: string, m: Summary) =>
  `| ${name} | ${m.docs} | ${pct(m.tema, m.docs)} | ${pct(m.person, m.docs)} | ${pct(m.dest, m.docs)} | ${m.auto} | ${m.autoWrong} | ${m.personWrong} | ${m.repairs}/${m.repairsWrong} |`;
const table = (title: string, rows: Array<[string, Summary]>) =>
  `### ${title}\n\n| ${title.split(' ').pop()} | docs | tema | person id | destination | auto-routed | auto-routed wrong | wrong person | id repairs / wrong |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n${rows.map(([k, m]) => row(k, m)).join('\n')}`;
const minFamily = Math.min(...result.byFamily.map(([, m]) => m.tema / m.docs));
const misses = result.scores.filter((x) => !x.temaOk || !x.personOk || !x.destOk);
const missLine = (x: DocScore) => {
  const g = x.got;
  return `| ${x.truth.file} | ${x.truth.docType} | ${x.truth.tema}/${x.truth.kind} | ${g ? `${g.tema}/${g.documentKind}` : 'error'} | ${x.personOk ? 'right' : g?.personId ? 'WRONG' : 'none'} | ${g ? (g.needsManual ? 'to a person' : x.destOk ? 'right' : 'WRONG') : x.error} |`;
};

const section = `<!-- seed ${seed} -->
## Seed ${seed} (${heldOut ? 'HELD OUT: not looked at while building' : 'tuning: looked at while building'})

Reproduce: \`npm run eval:independent -- --seed ${seed} --docs ${docs} --register-size ${registerSize}\` (${concurrency} OCR workers, languages ${config.OCR_LANGS}).
${docs} documents (${pages} pages) in ${result.byFamily.length} families; register of ${register.size.toLocaleString('en')} persons (read through \`FileRegister\`, the production register file's loader);
reading ${(tRun / 1000).toFixed(0)} s including generation (${ocrPages} OCR passes, mean ${ocrPages ? Math.round(ocrMs / ocrPages) : 0} ms; ${timeouts} OCR calls over the ${config.OCR_PAGE_TIMEOUT_MS / 1000} s limit); ${os.availableParallelism()} cores, shared machine (load ${os.loadavg()[0]!.toFixed(1)} at the end).

| measure | count | result | target |
|---|---:|---:|---|
| tema | ${s.tema}/${s.docs} | ${pct(s.tema, s.docs)} | >= 98 % |
| person id exact | ${s.person}/${s.docs} | ${pct(s.person, s.docs)} | >= 99 % |
| routing destination right (manual counts as not right) | ${s.dest}/${s.docs} | ${pct(s.dest, s.docs)} | >= 98 % |
| auto-routed | ${s.auto}/${s.docs} | ${pct(s.auto, s.docs)} | |
| auto-routed but wrong | ${s.autoWrong}/${s.auto} | ${pct(s.autoWrong, s.auto)} (95 % upper bound ${(100 * upper95(s.autoWrong, s.auto)).toFixed(1)} %) | < 0.5 % |
| another person's id chosen | ${s.personWrong} | ${pct(s.personWrong, s.docs)} | 0 |
| one-digit id repair needed / repair chose someone else | ${s.repairs} / ${s.repairsWrong} | | |
| files that failed | ${s.errors} | | |
| lowest family, tema | | ${(100 * minFamily).toFixed(1)} % | >= 95 % per family |

${table('By family', result.byFamily)}

${table('By font style', groupBy(result.scores, (x) => x.truth.fontStyle))}

${table('By file format', groupBy(result.scores, (x) => x.truth.format))}

${table('By kind of paper', groupBy(result.scores, (x) => `${x.truth.docType}${x.truth.language === 'en' ? ' (English)' : ''}`))}

${heldOut ? `Misses: ${misses.length} (held-out seed: documents not listed).` : `Misses (${misses.length}):\n\n| file | paper | truth | got | person | route |\n|---|---|---|---|---|---|\n${misses.map(missLine).join('\n') || '| none |'}`}
<!-- /seed ${seed} -->`;

const header = `# Independent evaluation (issue 9)

Documents from \`independent-eval/\`: its own generator (own layouts and wording, Debian's font
packages, own paper, ink and scanner models; nothing from \`fixtures/\`), one family of real
degradation per document, read exactly as \`intake classify\` reads, against a person register of
200 000+ synthetic people ("Test Norge" ids) from which the applicants are drawn.

**Seeds below ${FIRST_HELD_OUT_SEED} were used while building (tuning); seeds ${FIRST_HELD_OUT_SEED} and above are held out:
no document of theirs was looked at while building, and their misses are not listed.**
`;
let md = existsSync(values.out!) ? readFileSync(values.out!, 'utf8') : header;
if (!md.startsWith('# Independent evaluation')) md = header;
const re = new RegExp(`<!-- seed ${seed} -->[\\s\\S]*?<!-- /seed ${seed} -->`);
md = re.test(md) ? md.replace(re, section) : `${md.trimEnd()}\n\n${section}\n`;
// Keep sections in seed order: tuning first, then held out.
const parts = [...md.matchAll(/<!-- seed (\d+) -->[\s\S]*?<!-- \/seed \1 -->/g)].map((m) => [Number(m[1]), m[0]] as const).sort((a, b) => a[0] - b[0]);
const head = md.slice(0, md.indexOf('<!-- seed '));
md = `${head.trimEnd()}\n\n${parts.map(([, p]) => p).join('\n\n')}\n`;
writeFileSync(values.out!, md);
process.stdout.write(`${section}\n`);
log(`written to ${path.relative(process.cwd(), values.out!)}; total ${((performance.now() - t0) / 1000).toFixed(0)} s`);

