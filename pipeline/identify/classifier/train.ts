#!/usr/bin/env -S npx tsx
/**
 * Trains the content classifier on data/classifier/corpus.jsonl and writes data/classifier/model.json:
 *   npm run classifier:train
 * Two naive Bayes heads (tema, kind) from wink-naive-bayes-text-classifier; their log-odds are
 * turned into probabilities by a temperature fitted on held-out rows made harder on purpose
 * (words dropped, OCR-like slips), so that the confidence errs low on real scans.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import winkNaiveBayes from 'wink-naive-bayes-text-classifier';
import { ROOT } from '../../../schemas/config.ts';
import type { CorpusRow } from './corpus.ts';
import { calibrated, features, MODEL_FILE, namedBenefits, type Calibration, type ModelFile } from './model.ts';

const corpusFile = path.join(ROOT, 'data', 'classifier', 'corpus.jsonl');
const rows: CorpusRow[] = readFileSync(corpusFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

let s = 7;
const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);

/** Held-out text as a bad scan reads it: half the words lost, some letters swapped. */
function harden(text: string): string {
  return text
    .split(/(\s+)/)
    .filter((w) => !/\S/.test(w) || rand() > 0.5)
    .join('')
    .replace(/[a-zæøå]/g, (c) => (rand() < 0.03 ? 'il1oce'[Math.floor(rand() * 6)]! : c));
}

const train = rows.filter((_, i) => i % 5 !== 0);
const held = rows.filter((_, i) => i % 5 === 0).map((r) => ({ ...r, text: harden(r.text) }));

function fit(label: (r: CorpusRow) => string) {
  const nb = winkNaiveBayes();
  nb.defineConfig({ considerOnlyPresence: true, smoothingFactor: 0.5 });
  for (const r of train) nb.learn(features(r.text), label(r));
  nb.consolidate();
  const val = held.map((r) => {
    const f = features(r.text);
    return { want: label(r), odds: nb.computeOdds(f).filter(([l]) => l !== 'unknown'), n: f.length };
  });
  // Temperature and length exponent by held-out log-loss.
  let best: Calibration & { nll: number } = { temperature: 1, alpha: 0, nll: Infinity };
  for (const alpha of [0, 0.25, 0.5, 0.75, 1]) {
    for (let t = 0.01; t < 400; t *= 1.15) {
      let nll = 0;
      for (const v of val) {
        const p = calibrated(v.odds, v.n, { temperature: t, alpha }).find((c) => c.label === v.want)?.p ?? 1e-9;
        nll -= Math.log(Math.max(p, 1e-9));
      }
      if (nll < best.nll) best = { temperature: t, alpha, nll };
    }
  }
  const cal: Calibration = { temperature: best.temperature, alpha: best.alpha };
  const preds = val.map((v) => ({ want: v.want, top: calibrated(v.odds, v.n, cal)[0]! }));
  return { nb, cal, preds };
}

const tema = fit((r) => r.tema);
const kind = fit((r) => r.kind);

// Expected calibration error over ten bins, and the threshold that keeps accepted answers >= 99.5 % right.
function report(preds: Array<{ want: string; top: { label: string; p: number } }>) {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, ok: 0 }));
  for (const p of preds) {
    const b = bins[Math.min(9, Math.floor(p.top.p * 10))]!;
    b.n++;
    b.conf += p.top.p;
    b.ok += p.top.label === p.want ? 1 : 0;
  }
  const ece = bins.reduce((e, b) => e + (b.n ? (b.n / preds.length) * Math.abs(b.conf / b.n - b.ok / b.n) : 0), 0);
  const accuracy = preds.filter((p) => p.top.label === p.want).length / preds.length;
  return { accuracy: round(accuracy), ece: round(ece), reliability: bins.map((b, i) => ({ bin: `${i / 10}-${(i + 1) / 10}`, n: b.n, meanConfidence: b.n ? round(b.conf / b.n) : null, accuracy: b.n ? round(b.ok / b.n) : null })) };
}
const round = (x: number) => Math.round(x * 1000) / 1000;

function thresholdFor(preds: Array<{ want: string; top: { label: string; p: number } }>, precision: number): number {
  for (let t = 0.5; t < 0.995; t += 0.01) {
    const acc = preds.filter((p) => p.top.p >= t);
    if (acc.length && acc.filter((p) => p.top.label === p.want).length / acc.length >= precision) return round(t);
  }
  return 0.99;
}
const threshold = thresholdFor(tema.preds, 0.995);

// Second signal: the text names exactly one benefit and the classifier picks that tema. How often is that right on held-out text?
const agreeing = held.map((r, i) => ({ r, top: tema.preds[i]!.top })).filter(({ r, top }) => {
  const named = namedBenefits(r.text);
  return named.size === 1 && named.has(top.label);
});
// Lower end of the 95 % Wilson interval: a perfect score on a hundred rows is not certainty.
function wilsonLow(ok: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = ok / n;
  return (p + (z * z) / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
}
const agreeOk = agreeing.filter(({ r, top }) => top.label === r.tema).length;
const agreement = { n: agreeing.length, precision: round(wilsonLow(agreeOk, agreeing.length)) };
const coverage = tema.preds.filter((p) => p.top.p >= threshold).length / tema.preds.length;

const model: ModelFile = {
  version: 1,
  trainedOn: { rows: train.length, corpus: 'data/classifier/corpus.jsonl' },
  tema: { nb: tema.nb.exportJSON(), calibration: tema.cal },
  kind: { nb: kind.nb.exportJSON(), calibration: kind.cal },
  threshold,
  agreement,
  validation: { heldOut: held.length, tema: report(tema.preds), kind: report(kind.preds), thresholdCoverage: round(coverage) },
};
writeFileSync(MODEL_FILE, JSON.stringify(model) + '\n');
const v = model.validation as { tema: { accuracy: number; ece: number }; kind: { accuracy: number; ece: number } };
process.stderr.write(
  `model: tema acc ${v.tema.accuracy} ece ${v.tema.ece} (T=${round(tema.cal.temperature)}, a=${tema.cal.alpha}); kind acc ${v.kind.accuracy} ece ${v.kind.ece} (T=${round(kind.cal.temperature)}, a=${kind.cal.alpha}); threshold ${threshold} keeps ${round(coverage)} of held-out; name+classifier agree on ${agreement.n} rows, right in ${agreement.precision}\n`,
);
