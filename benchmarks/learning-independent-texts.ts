#!/usr/bin/env -S npx tsx
/**
 * Reads documents of the independent evaluation set once with the real OCR and keeps their text
 * and truth in data/learning/independent-texts.jsonl, so that the retraining job (issue 13) can
 * score a candidate classifier on the independent set in a second instead of OCR-ing for minutes:
 *   npm run learning:independent-texts -- --seed 1002 --docs 68
 * The seed is held out (>= 1000): nothing of it was looked at while building the classifier.
 * The persons in it are synthetic (the independent set's own register).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateIndependent, independentRegister } from '../independent-eval/index.ts';
import { readDocumentFile } from '../pipeline/identify/read-document.ts';
import { OcrEngine } from '../pipeline/ocr/ocr-engine.ts';
import { loadPolicy, loadReference } from '../pipeline/reference.ts';
import { UnitDirectory } from '../pipeline/route/route.ts';
import { loadConfig, ROOT } from '../schemas/config.ts';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '1002' }, docs: { type: 'string', default: '68' }, 'register-size': { type: 'string', default: '20000' } } });
const seed = Number(values.seed);
const docs = Number(values.docs);
const config = loadConfig();
const reference = loadReference();
const policy = loadPolicy(config.ROUTING_POLICY);
const directory = new UnitDirectory(reference.units, reference.municipalities);
const register = independentRegister(seed, Number(values['register-size']));
const ocr = await OcrEngine.create({ langs: config.OCR_LANGS, size: 1, langPath: config.OCR_LANG_PATH, timeoutMs: Math.max(config.OCR_PAGE_TIMEOUT_MS, 120_000) });
const rows: string[] = [];
const t0 = performance.now();
await evaluateIndependent({
  seed, docs, register, policy, directory, concurrency: 1,
  read: async (name, data, truth) => {
    const out = await readDocumentFile({ ocr, reference, policy, directory, person: () => null, coverSheet: () => null, withText: true }, name, data);
    // One row per file: the whole file's text (pages joined by a form feed) and the truth.
    rows.push(JSON.stringify({ file: truth.file, family: truth.family, docType: truth.docType, tema: truth.tema, kind: truth.kind, formNumber: truth.formNumber, text: out.map((o) => o.text ?? '').join('\f') }));
    process.stderr.write(`${rows.length}/${docs}\n`);
    return out;
  },
});
await ocr.close();
const file = path.join(ROOT, 'data', 'learning', 'independent-texts.jsonl');
writeFileSync(file, rows.sort().join('\n') + '\n');
process.stderr.write(`wrote ${rows.length} rows to ${path.relative(ROOT, file)} in ${((performance.now() - t0) / 1000).toFixed(0)} s (seed ${seed})\n`);
