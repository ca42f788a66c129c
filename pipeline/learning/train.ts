/**
 * Training of the content classifier as a pure function: rows in, model out (issue 13). Used by
 * `npm run classifier:train` (the shipped model, from the generated corpus) and by the retraining
 * job (the generated corpus plus the mail room's corrections, masked).
 * Two naive Bayes heads (tema, kind) from wink-naive-bayes-text-classifier; their log-odds are
 * turned into probabilities by a temperature fitted on held-out rows made harder on purpose
 * (words dropped, OCR-like slips), so that the confidence errs low on real scans.
 */
import winkNaiveBayes from 'wink-naive-bayes-text-classifier';
import type { CorpusRow } from '../identify/classifier/corpus.ts';
import { calibrated, features, namedBenefits, type Calibration, type ModelFile } from '../identify/classifier/model.ts';
import { words } from '../identify/text-match.ts';
import { maskPersonalData } from './mask.ts';

export interface TrainOptions {
  /** Mask personal data before learning (and when the model reads). @defaultValue false (the shipped model) */
  mask?: boolean;
  /** Words (features) seen in fewer training rows than this are not learnt. @defaultValue 1 */
  minDocFreq?: number;
  /** Where the rows came from, for the model file. */
  trainedOn?: ModelFile['trainedOn'];
}

export interface TrainingRow extends CorpusRow {
  /** Names known to belong to the row's document, masked in any case. */
  names?: string[];
  /** A correction from the mail room (default: a row of the generated corpus). */
  correction?: boolean;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function trainModel(rows: readonly TrainingRow[], opts: TrainOptions = {}): ModelFile {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  /** Held-out text as a bad scan reads it: half the words lost, some letters swapped. */
  const harden = (text: string): string => text
    .split(/(\s+)/)
    .filter((w) => !/\S/.test(w) || rand() > 0.5)
    .join('')
    .replace(/[a-zæøå]/g, (c) => (rand() < 0.03 ? 'il1oce'[Math.floor(rand() * 6)]! : c));

  const prepared = opts.mask ? rows.map((r) => ({ ...r, text: maskPersonalData(r.text, { names: r.names }) })) : rows;
  const train = prepared.filter((_, i) => i % 5 !== 0);
  const held = prepared.filter((_, i) => i % 5 === 0).map((r) => ({ ...r, text: harden(r.text) }));
  const minDf = opts.minDocFreq ?? 1;
  const df = new Map<string, number>();
  const trainFeatures = train.map((r) => features(r.text));
  if (minDf > 1) for (const f of trainFeatures) for (const w of new Set(f)) df.set(w, (df.get(w) ?? 0) + 1);
  const kept = trainFeatures.map((f) => (minDf > 1 ? f.filter((w) => (df.get(w) ?? 0) >= minDf) : f));

  function fit(label: (r: CorpusRow) => string) {
    const nb = winkNaiveBayes();
    nb.defineConfig({ considerOnlyPresence: true, smoothingFactor: 0.5 });
    train.forEach((r, i) => {
      if (kept[i]!.length) nb.learn(kept[i]!, label(r));
    });
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
    const preds = val.map((v) => ({ want: v.want, top: calibrated(v.odds, v.n, cal)[0] ?? { label: 'UKJ', p: 0 } }));
    return { nb, cal, preds };
  }

  const tema = fit((r) => r.tema);
  const kind = fit((r) => r.kind);

  // Expected calibration error over ten bins.
  function report(preds: Array<{ want: string; top: { label: string; p: number } }>) {
    const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, ok: 0 }));
    for (const p of preds) {
      const b = bins[Math.min(9, Math.floor(p.top.p * 10))]!;
      b.n++;
      b.conf += p.top.p;
      b.ok += p.top.label === p.want ? 1 : 0;
    }
    const ece = bins.reduce((e, b) => e + (b.n ? (b.n / preds.length) * Math.abs(b.conf / b.n - b.ok / b.n) : 0), 0);
    const accuracy = preds.filter((p) => p.top.label === p.want).length / Math.max(1, preds.length);
    return { accuracy: round(accuracy), ece: round(ece), reliability: bins.map((b, i) => ({ bin: `${i / 10}-${(i + 1) / 10}`, n: b.n, meanConfidence: b.n ? round(b.conf / b.n) : null, accuracy: b.n ? round(b.ok / b.n) : null })) };
  }
  // The threshold that keeps accepted answers >= 99.5 % right on held-out text.
  function thresholdFor(preds: Array<{ want: string; top: { label: string; p: number } }>, precision: number): number {
    for (let t = 0.5; t < 0.995; t += 0.01) {
      const acc = preds.filter((p) => p.top.p >= t);
      if (acc.length && acc.filter((p) => p.top.label === p.want).length / acc.length >= precision) return round(t);
    }
    return 0.99;
  }
  // The model's own default threshold and the agreement precision are measured on the generated corpus's held-out
  // rows, as for the shipped model: corrections include letters nobody could place from their text, and the
  // thresholds learnt from the corrections (pipeline/learning/thresholds.ts) judge those instead.
  const corpusPreds = tema.preds.filter((_, i) => !held[i]!.correction);
  const threshold = thresholdFor(corpusPreds.length ? corpusPreds : tema.preds, 0.995);
  // Second signal: the text names exactly one benefit and the classifier picks that tema. How often is that right on held-out text?
  const agreeing = held.map((r, i) => ({ r, top: tema.preds[i]!.top })).filter(({ r }) => !r.correction).filter(({ r, top }) => {
    const named = namedBenefits(r.text);
    return named.size === 1 && named.has(top.label);
  });
  const agreeOk = agreeing.filter(({ r, top }) => top.label === r.tema).length;
  const agreement = { n: agreeing.length, precision: round(wilsonLow(agreeOk, agreeing.length)) };
  const coverage = tema.preds.filter((p) => p.top.p >= threshold).length / Math.max(1, tema.preds.length);
  const learntNames = learnBenefitNames(prepared);
  return {
    version: 1,
    trainedOn: opts.trainedOn ?? { rows: train.length, corpus: 'data/classifier/corpus.jsonl' },
    ...(opts.mask ? { mask: 'v1' as const } : {}),
    ...(Object.keys(learntNames).length ? { learntNames } : {}),
    tema: { nb: tema.nb.exportJSON(), calibration: tema.cal },
    kind: { nb: kind.nb.exportJSON(), calibration: kind.cal },
    threshold,
    agreement,
    validation: { heldOut: held.length, tema: report(tema.preds), kind: report(kind.preds), thresholdCoverage: round(coverage) },
  };
}

/** A word must be in at least this many corrections, every one of the same tema, to be learnt as a benefit's name. */
export const LEARNT_NAME_MIN_ROWS = 8;

/**
 * What the mail room's writers call a benefit in their own words ("sykelønna", "pappaperm"), learnt from the
 * corrections: a word of six letters or more, in at least LEARNT_NAME_MIN_ROWS corrections, and in no training row
 * (corpus or correction) of another tema, that is not one of the benefit names already known. The rows are masked
 * before (when the model is), and such a word is in the model's vocabulary anyway. How far these names can be trusted
 * is not assumed: classify gives a letter they name a content score of its own, and the thresholds learnt from the
 * corrections decide (pipeline/learning/thresholds.ts).
 */
export function learnBenefitNames(rows: readonly TrainingRow[], minRows = LEARNT_NAME_MIN_ROWS): Record<string, string> {
  const temas = new Map<string, Set<string>>();
  const inCorrections = new Map<string, number>();
  for (const r of rows) {
    for (const w of new Set(words(r.text))) {
      if (w.length < 6 || /\d/.test(w)) continue;
      const t = temas.get(w) ?? new Set<string>();
      t.add(r.tema);
      temas.set(w, t);
      if (r.correction) inCorrections.set(w, (inCorrections.get(w) ?? 0) + 1);
    }
  }
  const out: Record<string, string> = {};
  for (const [w, n] of [...inCorrections].sort(([a], [b]) => a.localeCompare(b))) {
    const t = temas.get(w)!;
    if (n >= minRows && t.size === 1 && namedBenefits(w).size === 0) out[w] = [...t][0]!;
  }
  return out;
}

/** Lower end of the 95 % Wilson interval: a perfect score on a hundred rows is not certainty. */
export function wilsonLow(ok: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = ok / n;
  return (p + (z * z) / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
}
