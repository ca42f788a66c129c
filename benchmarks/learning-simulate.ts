#!/usr/bin/env -S npx tsx
/**
 * Learning from corrections, simulated (issue 13):
 *   npm run learning:simulate [-- --rounds 5 --docs 500 --seed 1]
 * A stream of generated documents (fixtures/claim-content.ts, the same writer as the test and
 * eval fixtures, whose wording the generated training corpus does not copy) is read round by
 * round as text with OCR-like damage (no OCR: classifying text is what learning changes). Each
 * document is routed with the model and thresholds in force; the operators' part is replayed
 * from the truth: a document in the manual queue is resolved (a correction per field that differs),
 * one routed wrongly is sent back by the unit and then resolved, one routed rightly stays. After
 * each round the retraining job's round (services/learning.service.ts retrainRound: the same code
 * the job runs) trains a candidate, learns the thresholds, scores both models on the held-out
 * slice and the independent set's cached OCR text, and promotes or refuses. Documents of
 * protected persons (kode 6, kode 7, skjermet) are routed but never learnt from.
 * What each round reports is measured on that round's new documents, before learning from them.
 * Results: benchmarks/RESULTS-learning.md.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mixSeed, rng } from '../fixtures/random.ts';
import { classify } from '../pipeline/identify/classify.ts';
import type { ContentClassifier } from '../pipeline/identify/classifier/model.ts';
import { contentClassifier } from '../pipeline/identify/classifier/model.ts';
import { ContentClassifier as Classifier } from '../pipeline/identify/classifier/model.ts';
import { decideAutomatic, FIELDS, type ThresholdTable } from '../pipeline/learning/thresholds.ts';
import { upperBound } from '../pipeline/learning/thresholds.ts';
import type { LabelledDoc, Replayed } from '../pipeline/learning/score.ts';
import { loadPolicy, loadReference } from '../pipeline/reference.ts';
import { route, UnitDirectory, type RoutingPerson } from '../pipeline/route/route.ts';
import { loadConfig, ROOT } from '../schemas/config.ts';
import { generatedCorpus, independentSet, retrainRound } from '../services/learning.service.ts';
import type { RegisterPerson } from '../storage/seed/person-register.ts';
import { known, makeDoc, persons, type StreamDoc } from './learning-stream.ts';

const { values } = parseArgs({ options: {
  rounds: { type: 'string', default: '5' }, docs: { type: 'string', default: '500' }, seed: { type: 'string', default: '1' },
  ceiling: { type: 'string', default: '0.005' }, 'test-docs': { type: 'string', default: '400' }, 'held-out-only': { type: 'boolean', default: false }, out: { type: 'string', default: path.join(ROOT, 'benchmarks', 'RESULTS-learning.md') },
} });
const ROUNDS = Number(values.rounds);
const PER_ROUND = Number(values.docs);
const SEED = Number(values.seed);
const CEILING = Number(values.ceiling);
const TEST_DOCS = Number(values['test-docs']);
const log = (s: string) => process.stderr.write(`${s}\n`);

const t0 = performance.now();
const config = loadConfig();
const reference = loadReference();
const policy = loadPolicy(config.ROUTING_POLICY);
const directory = new UnitDirectory(reference.units, reference.municipalities);
const temaCodes = new Set(reference.tema.keys());
const isProtected = (p: RegisterPerson) => p.addressProtection !== 'none' || p.skjermet;
const routingOf = (p: RegisterPerson): RoutingPerson => ({ addressProtection: p.addressProtection, skjermet: p.skjermet, abroad: p.abroad, municipality: p.municipality, district: p.district });

interface Active { version: number; classifier: ContentClassifier; thresholds: ThresholdTable | null }
let active: Active = { version: 0, classifier: contentClassifier(), thresholds: null };
const labelled: Array<LabelledDoc & { trainable: boolean }> = [];
const independent = independentSet();
const corpus = generatedCorpus();
const formRows = reference.forms;

const cache = new Map<string, Replayed>();
interface RoundRow {
  round: number; version: number; docs: number; automatic: number; byThreshold: number; wrong: number; wrongDest: number; letters: number; lettersAuto: number; lettersWrong: number;
  contentRight: number; protectedDocs: number; verdict: string; thresholds: string; tookMs: number;
}
const rows: RoundRow[] = [];
type Tally = Pick<RoundRow, 'docs' | 'automatic' | 'byThreshold' | 'wrong' | 'wrongDest' | 'letters' | 'lettersAuto' | 'lettersWrong' | 'contentRight'>;
const emptyTally = (): Tally => ({ docs: 0, automatic: 0, byThreshold: 0, wrong: 0, wrongDest: 0, letters: 0, lettersAuto: 0, lettersWrong: 0, contentRight: 0 });
/** Routes one document with the model and thresholds in force and counts the outcome; true when its person is protected. */
function tally(d: StreamDoc, row: Tally): boolean {
  const c = classify({ pageTexts: d.pageTexts, vendor: null, forms: formRows, temaCodes, isKnownPerson: (id) => known.has(id), content: active.classifier });
  const person = c.personId ? persons.find((p) => p.id === c.personId) ?? null : null;
  const auto = decideAutomatic({ tema: c.tema, needsManual: c.needsManual, fields: c.fields }, active.thresholds);
  const decision = route({ tema: c.tema, kind: c.kind, person: person ? routingOf(person) : null, needsManual: !auto.automatic }, policy, directory);
  const toPerson = decision.destinations.some((x) => x.unitType === 'manual');
  const letter = !d.truth.formNumber;
  row.docs++;
  if (letter) {
    row.letters++;
    if (c.tema === d.truth.tema) row.contentRight++;
  }
  if (!toPerson) {
    row.automatic++;
    if (letter) row.lettersAuto++;
    const wrong = c.tema !== d.truth.tema || c.personId !== d.truth.personId || (c.formNumber !== null && c.formNumber.replace(/^NAVe /, 'NAV ') !== d.truth.formNumber);
    const truthRoute = route({ tema: d.truth.tema, kind: d.truth.kind, person: routingOf(d.person), needsManual: false }, policy, directory);
    const dest = (x: typeof decision) => x.destinations.map((y) => y.unitId).sort().join('+');
    // Kode 6 and persons abroad are routed by rules that come before doubt (their unit takes every tema):
    // the thresholds judged only the others. (The script: a unit sends a wrong document back; the mail room then resolves it.)
    if (auto.automatic) {
      row.byThreshold++;
      if (wrong) row.wrong++;
      if (letter && c.tema !== d.truth.tema) row.lettersWrong++;
    }
    if (dest(decision) !== dest(truthRoute)) row.wrongDest++;
  }
  return isProtected(d.person) || Boolean(person && isProtected(person));
}
// A fixed test stream, never learnt from: every round's model in force reads the same documents, so a change from one
// round to the next is the model's and not the stream's (a round's own 400 documents vary by about 2 points).
const testStream = (() => {
  const r = rng(mixSeed(SEED, 0x7e57, 0x1ea2));
  return Array.from({ length: TEST_DOCS }, (_, n) => makeDoc(r, mixSeed(SEED, 0x7e57), n));
})();
const testRows: Tally[] = [];
let versions = 0;
for (let round = 1; round <= ROUNDS; round++) {
  const t = performance.now();
  const r = rng(mixSeed(SEED, round, 0x1ea2));
  const row: RoundRow = { round, version: active.version, ...emptyTally(), protectedDocs: 0, verdict: '', thresholds: '', tookMs: 0 };
  for (let n = 0; n < PER_ROUND; n++) {
    const d = makeDoc(r, mixSeed(SEED, round), n);
    // Protected persons' documents are routed like any other but never learnt from.
    if (tally(d, row)) { row.protectedDocs++; continue; }
    labelled.push({ ...d, trainable: true });
  }
  const test = emptyTally();
  for (const d of testStream) tally(d, test);
  testRows.push(test);
  // The retraining job's round on everything labelled so far.
  const res = retrainRound({ corpus, labelled, independent, active, ceiling: CEILING, forms: formRows, temaCodes, cache, crossFit: !values['held-out-only'] });
  versions++;
  row.verdict = `v${versions} ${res.promote ? 'promoted' : 'refused'} (held-out tema ${res.candidate.heldOut.temaRight}/${res.candidate.heldOut.docs} against ${res.active.heldOut.temaRight}; independent ${res.candidate.independent.temaRight}/${res.candidate.independent.docs} against ${res.active.independent.temaRight})`;
  const table = res.promote ? res.thresholds : res.refresh?.thresholds ?? active.thresholds;
  if (res.promote) active = { version: versions, classifier: new Classifier(res.model), thresholds: res.thresholds };
  else if (res.refresh) {
    versions++;
    active = { version: versions, classifier: active.classifier, thresholds: res.refresh.thresholds };
    row.verdict += `; v${versions}: the model in force with new thresholds`;
  }
  const letterT = table?.contentTema?.pooled;
  const inForce = active.classifier.threshold;
  row.thresholds = `default ${inForce}; ` + (table ? [...FIELDS.map((f) => `${f} ${table.fields[f].pooled?.threshold ?? '—'}`), `tema of letters ${letterT ? `${letterT.threshold} (${letterT.accepted} letters above it, ${letterT.errors} wrong, bound ${(100 * letterT.upper).toFixed(2)} %)` : '—'}`].join(', ') : '—');
  row.tookMs = performance.now() - t;
  rows.push(row);
  log(`round ${round}: fixed test stream ${test.automatic}/${test.docs} straight through, ${test.wrong} of ${test.byThreshold} wrong, letters ${test.lettersAuto}/${test.letters}; new documents: model v${row.version}, ${row.automatic}/${row.docs} straight through, ${row.wrong} of ${row.byThreshold} let through by the thresholds wrong, ${row.wrongDest} to a wrong unit; letters ${row.lettersAuto}/${row.letters} straight through, tema right ${row.contentRight}; ${row.verdict}; thresholds ${row.thresholds} (${(row.tookMs / 1000).toFixed(1)} s)`);
}

// The model in force after the last round, on the same test stream.
const finalTest = emptyTally();
for (const d of testStream) tally(d, finalTest);
const finalVersion = active.version;
log(`after round ${ROUNDS}: fixed test stream ${finalTest.automatic}/${finalTest.docs} straight through, ${finalTest.wrong} of ${finalTest.byThreshold} wrong (model v${finalVersion})`);

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '—');
const totalAuto = rows.slice(1).reduce((s, x) => s + x.byThreshold, 0);
const totalWrong = rows.slice(1).reduce((s, x) => s + x.wrong, 0);
const totalRouted = rows.slice(1).reduce((s, x) => s + x.automatic, 0);
const totalDest = rows.slice(1).reduce((s, x) => s + x.wrongDest, 0);
const md = `# Learning from corrections, simulated (issue 13)

Reproduce: \`npm run learning:simulate -- --rounds ${ROUNDS} --docs ${PER_ROUND} --seed ${SEED}\` (ceiling ${CEILING * 100} %).
${ROUNDS} rounds of ${PER_ROUND} generated documents (fixtures/claim-content.ts: forms, ettersendelser, letters without a
form number, attachments; 60 synthetic persons), read as **text with OCR-like damage, not OCR'd** (learning changes how
text is classified, not how it is read; OCR-ing ${ROUNDS * PER_ROUND} documents per run would take an hour here). The
operators are a script: a document in the manual queue is resolved to its truth, one routed wrongly is sent back and then
resolved, one routed rightly stays. After each round the retraining job's round runs on everything labelled so far
(generated corpus + corrections, masked; protected persons' documents left out); the candidate is scored on the held-out
slice (every fifth document by id) and on the independent set's cached OCR text (${independent.length} documents, held-out
seed 1002, \`data/learning/independent-texts.jsonl\`) and replaces the model in force only if it is not worse on either:
as many tema right, and at least as many documents routed straight through with no more wrong at a higher rate, on every
correction the model in force never learnt from (the candidate reading them cross-fitted, with its thresholds; the model
in force with the thresholds it would keep).
${values['held-out-only'] ? 'Thresholds from the held-out slice only (`--held-out-only`: the letters\' tema judged on one fifth of them).' : 'Thresholds from cross-fitted readings: every labelled letter read by one of five models trained like the candidate without its fold (the held-out fold by the candidate itself).'}
Each model records the corrections it learnt from: a model kept after a refused candidate gets thresholds from every
correction it never learnt from, keeping those it was promoted with where that evidence is too little. A new model inherits the default threshold in force (raised only above a letter read
wrongly out of training), and a learnt threshold for tema and form comes down to the default rule's 0.8 when nothing was
observed between them.
**Each row is measured on that round's new documents, read with the model and thresholds in force before they were learnt from.**
Round 1 is the shipped model with its own thresholds (the baseline).

| round | model in force | documents | routed straight through | let through by the thresholds | of them, a field wrong (95 % upper bound) | routed to a wrong unit | letters straight through | of them, tema wrong | letters' tema right | protected (not learnt) | after the round | thresholds now in force (pooled; letters: cross-fitted evidence) |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|
${rows.map((x) => `| ${x.round} | v${x.version} | ${x.docs} | ${x.automatic} (${pct(x.automatic, x.docs)}) | ${x.byThreshold} | ${x.wrong} (${pct(x.wrong, x.byThreshold)}; ${(100 * upperBound(x.wrong, x.byThreshold)).toFixed(2)} %) | ${x.wrongDest} (${pct(x.wrongDest, x.automatic)}) | ${x.lettersAuto}/${x.letters} (${pct(x.lettersAuto, x.letters)}) | ${x.lettersWrong} | ${pct(x.contentRight, x.letters)} | ${x.protectedDocs} | ${x.verdict} | ${x.thresholds} |`).join('\n')}

**The same ${TEST_DOCS} documents read by every round's model in force** (a fixed test stream from the same writer and seed,
never learnt from; the last row is the model in force after the last round), so that a change from row to row is the
model's and not the stream's:

| model in force during round | model | routed straight through | let through by the thresholds | of them, a field wrong (95 % upper bound) | routed to a wrong unit | letters straight through | of them, tema wrong | letters' tema right |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${[...testRows.map((x, i) => ({ x, label: String(i + 1), version: rows[i]!.version })), { x: finalTest, label: `after ${ROUNDS}`, version: finalVersion }].map(({ x, label, version }) => `| ${label} | v${version} | ${x.automatic} (${pct(x.automatic, x.docs)}) | ${x.byThreshold} | ${x.wrong} (${pct(x.wrong, x.byThreshold)}; ${(100 * upperBound(x.wrong, x.byThreshold)).toFixed(2)} %) | ${x.wrongDest} (${pct(x.wrongDest, x.automatic)}) | ${x.lettersAuto}/${x.letters} (${pct(x.lettersAuto, x.letters)}) | ${x.lettersWrong} | ${pct(x.contentRight, x.letters)} |`).join('\n')}

Rounds 2-${ROUNDS} together (learnt models and thresholds): ${totalAuto} documents let through by the thresholds, ${totalWrong} with a wrong field (${pct(totalWrong, totalAuto)}; 95 % upper bound ${(100 * upperBound(totalWrong, totalAuto)).toFixed(2)} %); ${totalRouted} routed straight through, ${totalDest} to a wrong unit (${pct(totalDest, totalRouted)}; 95 % upper bound ${(100 * upperBound(totalDest, totalRouted)).toFixed(2)} %).
"Routed straight through" also counts documents of persons with a strictly confidential address and of persons abroad, which the policy's
first rules send to NAV Vikafossen and NAV Internasjonalt whatever the classification; "let through by the thresholds" are the others.
Run in ${((performance.now() - t0) / 1000).toFixed(0)} s on ${os.availableParallelism()} cores shared with other work (load ${os.loadavg()[0]!.toFixed(1)} at the end).
`;
writeFileSync(values.out!, md);
log(`wrote ${path.relative(ROOT, values.out!)}`);
