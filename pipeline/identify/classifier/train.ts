#!/usr/bin/env -S npx tsx
/**
 * Trains the content classifier on data/classifier/corpus.jsonl and writes data/classifier/model.json:
 *   npm run classifier:train
 * The training itself is pipeline/learning/train.ts (shared with the retraining job of issue 13).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../../schemas/config.ts';
import { trainModel } from '../../learning/train.ts';
import type { CorpusRow } from './corpus.ts';
import { MODEL_FILE } from './model.ts';

const corpusFile = path.join(ROOT, 'data', 'classifier', 'corpus.jsonl');
const rows: CorpusRow[] = readFileSync(corpusFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const model = trainModel(rows);
writeFileSync(MODEL_FILE, JSON.stringify(model) + '\n');
const v = model.validation as { tema: { accuracy: number; ece: number }; kind: { accuracy: number; ece: number }; thresholdCoverage: number };
const round = (x: number) => Math.round(x * 1000) / 1000;
process.stderr.write(
  `model: tema acc ${v.tema.accuracy} ece ${v.tema.ece} (T=${round(model.tema.calibration.temperature)}, a=${model.tema.calibration.alpha}); kind acc ${v.kind.accuracy} ece ${v.kind.ece} (T=${round(model.kind.calibration.temperature)}, a=${model.kind.calibration.alpha}); threshold ${model.threshold} keeps ${v.thresholdCoverage} of held-out; name+classifier agree on ${model.agreement.n} rows, right in ${model.agreement.precision}\n`,
);
