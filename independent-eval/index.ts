/**
 * The independent evaluation set as a library: make documents, read them with any reader,
 * score the answers. `npm run eval:independent` is this plus a results file; issue 13 (learning
 * from corrections) scores candidate classifiers with it.
 *
 *   import { evaluateIndependent } from './independent-eval/index.ts';
 *   const { scores, summary, byFamily } = await evaluateIndependent({
 *     seed: 7, docs: 68,                        // seeds < 1000: tuning; >= 1000: held out
 *     read: (name, data) => readDocumentFile(deps, name, data),   // or a candidate's reader
 *     policy, directory,
 *   });
 *
 * The register (`registerOf(seed)`) is the person register the reader must use: `deps.person`
 * = routingFacts(register), so one-digit id repairs meet a country-sized register.
 */
import type { ClassifyOutput } from '../pipeline/identify/read-document.ts';
import type { UnitDirectory } from '../pipeline/route/route.ts';
import type { Policy } from '../schemas/reference.ts';
import { independentDocuments, independentRegister, type IndependentTruth } from './generate.ts';
import type { PopulationRegister } from './register.ts';
import { groupBy, scoreDocument, summarise, type DocScore, type Summary } from './score.ts';

export { FAMILIES, FIRST_HELD_OUT_SEED, generateIndependentSet, independentDocuments, independentRegister, type Family, type IndependentTruth } from './generate.ts';
export { PopulationRegister, personOf, type PopulationPerson } from './register.ts';
export { groupBy, pct, routingFacts, scoreDocument, summarise, upper95, type DocScore, type Summary } from './score.ts';

export interface EvaluateOptions {
  seed: number;
  docs: number;
  registerSize?: number;
  /** A register built already (e.g. shared with the reader's deps); else built from seed and size. */
  register?: PopulationRegister;
  /** Reads one file and returns its documents in the classify shape. */
  read: (name: string, data: Buffer, truth: IndependentTruth) => Promise<ClassifyOutput[]>;
  policy: Policy;
  directory: UnitDirectory;
  /** Files read at once (the generator runs ahead by this many). @defaultValue 2 */
  concurrency?: number;
  onDocument?: (score: DocScore, done: number) => void;
}

export interface Evaluation {
  scores: DocScore[];
  summary: Summary;
  byFamily: Array<[string, Summary]>;
  register: PopulationRegister;
}

/** Generates the set document by document and reads each as it comes, `concurrency` at a time. */
export async function evaluateIndependent(opts: EvaluateOptions): Promise<Evaluation> {
  const register = opts.register ?? independentRegister(opts.seed, opts.registerSize);
  const scores: DocScore[] = [];
  const inFlight = new Set<Promise<void>>();
  const limit = Math.max(1, opts.concurrency ?? 2);
  for await (const d of independentDocuments({ seed: opts.seed, docs: opts.docs, register })) {
    const job = (async () => {
      let out: ClassifyOutput[] | Error;
      try {
        out = await opts.read(d.name, d.data, d.truth);
      } catch (err) {
        out = err instanceof Error ? err : new Error(String(err));
      }
      const s = scoreDocument(d.truth, out, register, opts.policy, opts.directory);
      scores.push(s);
      opts.onDocument?.(s, scores.length);
    })();
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
    if (inFlight.size >= limit) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  scores.sort((a, b) => a.truth.file.localeCompare(b.truth.file));
  return { scores, summary: summarise(scores), byFamily: groupBy(scores, (s) => s.truth.family), register };
}
