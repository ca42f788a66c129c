import { readFileSync } from 'node:fs';
import path from 'node:path';
import winkNaiveBayes from 'wink-naive-bayes-text-classifier';
import { ROOT } from '../../../schemas/config.ts';
import type { DocumentKind } from '../../../schemas/reference.ts';
import { editDistance, words } from '../text-match.ts';
import { maskPersonalData } from '../../learning/mask.ts';

export const MODEL_FILE = path.join(ROOT, 'data', 'classifier', 'model.json');

const STOP = new Set(['og', 'i', 'jeg', 'det', 'at', 'en', 'et', 'til', 'på', 'er', 'som', 'med', 'for', 'av', 'har', 'om', 'de', 'den', 'meg', 'min', 'mitt', 'mine', 'ikke', 'fra', 'vi', 'dere', 'seg', 'så', 'var', 'vil', 'kan', 'ble', 'the']);

/** Word features of a document: words, the stem-like head of long words, and words of the opening marked apart. */
export function features(text: string): string[] {
  const out: string[] = [];
  let chars = 0;
  for (const w of words(text)) {
    chars += w.length + 1;
    if (w.length < 2 || /^\d+$/.test(w) || STOP.has(w)) continue;
    out.push(w);
    if (w.length >= 8) out.push(`p:${w.slice(0, 7)}`);
    if (chars < 400) out.push(`h:${w}`);
  }
  return out;
}

// What each benefit is called (word stems): the content classifier may decide a tema on its own
// only when the text names that benefit, and no other one. Circumstances alone are doubt.
const BENEFIT_NAMES: Record<string, string[]> = {
  DAG: ['dagpeng'], SYK: ['sykepeng'], AAP: ['arbeidsavklaring', '=aap'], UFO: ['uføre', 'ufør', 'uføretrygd'],
  ENF: ['overgangsstønad', 'enslig', 'barnetilsyn', 'skolepenger'], BID: ['bidrag', 'barnebidrag'], BAR: ['barnetrygd'],
  KON: ['kontantstøtte'], FOR: ['foreldrepeng', 'svangerskapspeng', 'engangsstønad'], PEN: ['alderspensjon', '=pensjon', '=afp'],
  HJE: ['hjelpemidl', 'hjelpemiddel'], GRU: ['grunnstønad', 'hjelpestønad'], MED: ['medlemskap'], KOM: ['sosialhjelp', 'kvalifiseringsst', 'kvalifiseringsprogram', 'nødhjelp'],
  TSO: ['tilleggsstønad'], BIL: ['bilstønad', 'kassebil'], EYB: ['barnepensjon'], EYO: ['omstillingsstønad'], GRA: ['gravferdsstønad', 'båretransport'], YRK: ['yrkesskade', 'yrkessykdom'],
};

function namesStem(word: string, stem: string): boolean {
  if (stem.startsWith('=')) return word === stem.slice(1);
  if (word.startsWith(stem)) return true;
  // One OCR slip in a long stem ("dagpcnger").
  return stem.length >= 7 && word.length >= stem.length && editDistance(word.slice(0, stem.length), stem, 1) <= 1;
}

// Benefits whose everyday name is several words (NAV's own page title: "Stønad til bil og spesialutstyr").
const BENEFIT_PHRASES: Record<string, RegExp> = { BIL: /\bstønad til (?:bil|kjøp av bil)\b/i };

/** The tema whose benefit the text names. */
export function namedBenefits(text: string): Set<string> {
  const found = new Set<string>();
  for (const [tema, re] of Object.entries(BENEFIT_PHRASES)) if (re.test(text.replace(/\s+/g, ' '))) found.add(tema);
  const ws = new Set(words(text));
  for (const [tema, stems] of Object.entries(BENEFIT_NAMES)) {
    if ([...ws].some((w) => stems.some((st) => namesStem(w, st)))) found.add(tema);
  }
  // "barnepensjon" also starts like nothing else, but "pensjon" alone is PEN; a child's pension is not an old-age one.
  if (found.has('EYB') && ![...ws].some((w) => w === 'pensjon' || w.startsWith('alderspensjon'))) found.delete('PEN');
  return found;
}

export interface Calibration {
  /** p(label) = softmax(log2-odds / (temperature * nFeatures^alpha)). Fitted on held-out, noisier text. */
  temperature: number;
  alpha: number;
}

export interface ModelFile {
  version: 1;
  /**
   * documents: the ids of the corrections learnt from (retrained models), so that every other correction is evidence
   * for this model's thresholds, also while it stays in force after a refused candidate. The shipped model learnt from
   * none (corrections absent).
   */
  trainedOn: { rows: number; corpus: string; corrections?: number; documents?: string[] };
  /** Personal data is masked before the model reads (pipeline/learning/mask.ts); retrained models. */
  mask?: 'v1';
  tema: { nb: string; calibration: Calibration };
  kind: { nb: string; calibration: Calibration };
  /** Below this calibrated probability a document goes to manual handling. */
  threshold: number;
  /** A retrained model's default threshold as it came about (services/learning.service.ts inheritedThreshold). */
  thresholdBasis?: { own: number; inherited: number; raisedAbove: number | null };
  /** Held-out precision when the text names exactly one benefit and the classifier picks that tema. */
  agreement: { n: number; precision: number };
  /** Benefit names in the writers' own words, learnt from the corrections (word -> tema; pipeline/learning/train.ts). */
  learntNames?: Record<string, string>;
  validation: Record<string, unknown>;
}

export interface Candidate<T extends string = string> {
  label: T;
  p: number;
}

export interface ContentPrediction {
  tema: Candidate[];
  kind: Candidate<DocumentKind>[];
}

export function calibrated(odds: Array<[string, number]>, n: number, c: Calibration): Candidate[] {
  const scale = 1 / (c.temperature * Math.max(1, n) ** c.alpha);
  const z = odds.map(([label, o]) => [label, o * scale] as const);
  const max = Math.max(...z.map(([, v]) => v));
  const e = z.map(([label, v]) => [label, Math.exp(v - max)] as const);
  const sum = e.reduce((s, [, v]) => s + v, 0);
  return e.map(([label, v]) => ({ label, p: v / sum })).sort((a, b) => b.p - a.p);
}

function head(json: string) {
  const nb = winkNaiveBayes();
  nb.importJSON(json);
  nb.consolidate();
  return nb;
}

export class ContentClassifier {
  private readonly tema;
  private readonly kind;

  constructor(readonly model: ModelFile) {
    this.tema = head(model.tema.nb);
    this.kind = head(model.kind.nb);
  }

  static load(file = MODEL_FILE): ContentClassifier {
    return new ContentClassifier(JSON.parse(readFileSync(file, 'utf8')) as ModelFile);
  }

  get threshold(): number {
    return this.model.threshold;
  }

  /** The tema whose benefit the text names by a name learnt from the corrections (none for the shipped model). */
  learntBenefits(text: string): Set<string> {
    const names = this.model.learntNames;
    const found = new Set<string>();
    if (!names) return found;
    for (const w of words(this.model.mask ? maskPersonalData(text) : text)) {
      const t = names[w];
      if (t) found.add(t);
    }
    return found;
  }

  predict(text: string): ContentPrediction {
    const f = features(this.model.mask ? maskPersonalData(text) : text);
    const odds = (nb: ReturnType<typeof head>) => (f.length ? nb.computeOdds(f).filter(([l]) => l !== 'unknown') : []);
    const t = odds(this.tema);
    const k = odds(this.kind);
    return {
      tema: t.length ? calibrated(t, f.length, this.model.tema.calibration) : [],
      kind: (k.length ? calibrated(k, f.length, this.model.kind.calibration) : []) as Candidate<DocumentKind>[],
    };
  }
}

let shared: ContentClassifier | undefined;
/** The shipped model, loaded once per process. */
export function contentClassifier(): ContentClassifier {
  return (shared ??= ContentClassifier.load());
}
