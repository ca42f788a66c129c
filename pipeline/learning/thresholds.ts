/**
 * Thresholds that hold an error target (issue 13, part 2). Per field (tema, person, form) and per
 * tema, the confidence from which a document is routed without a person is set from what the
 * mail room's corrections show: the lowest threshold at which the wrong automatic decisions among
 * the documents it would let through stay under the ceiling (default 0.5 %), with 95 % confidence
 * (one-sided Clopper-Pearson upper bound: 0 errors in 598 shows < 0.5 %). Pure.
 */
import { STRUCTURED_THRESHOLD, type FieldConfidence } from '../identify/classify.ts';

export const FIELDS = ['tema', 'person', 'form'] as const;
export type Field = (typeof FIELDS)[number];

/** One field of one labelled document: how sure the machine was, and whether it was right. */
export interface Observation {
  field: Field;
  tema: string;
  confidence: number;
  correct: boolean;
  /** A tema the content classifier decided: judged apart from tema read off a form number or cover sheet. */
  byContent?: boolean;
}

export interface Threshold {
  threshold: number;
  /**
   * own: this tema's own evidence holds the ceiling; pooled: the field's, raised above this tema's own errors; kept: the
   * one in force for a model that stays, whose new evidence is too little for a threshold of its own (keepingEvidence).
   */
  basis: 'own' | 'pooled' | 'kept';
  /** Observations at or above the threshold, and how many of them were wrong. */
  accepted: number;
  errors: number;
  /** 95 % upper bound of the error rate among them. */
  upper: number;
}

export interface FieldThresholds {
  /** null: not enough evidence yet; the default rule (the classifier's own threshold) decides. */
  pooled: Threshold | null;
  byTema: Record<string, Threshold>;
}

export interface ThresholdTable {
  ceiling: number;
  observations: number;
  fields: Record<Field, FieldThresholds>;
  /** The tema the content classifier decides, from its own observations only (a letter's score is not a form's). */
  contentTema?: FieldThresholds;
}

/** One-sided 95 % upper bound of a binomial rate (Clopper-Pearson), by bisection on the CDF. */
export function upperBound(errors: number, n: number, alpha = 0.05): number {
  if (n === 0) return 1;
  if (errors >= n) return 1;
  if (errors === 0) return 1 - alpha ** (1 / n);
  const cdf = (p: number) => {
    // P(X <= errors) for X ~ Bin(n, p), in logs.
    let sum = 0;
    let logTerm = n * Math.log1p(-p);
    for (let k = 0; k <= errors; k++) {
      sum += Math.exp(logTerm);
      logTerm += Math.log((n - k) / (k + 1)) + Math.log(p) - Math.log1p(-p);
    }
    return sum;
  };
  let lo = errors / n;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The lowest threshold (one of the observed confidences) at which the accepted observations'
 * error bound is within the ceiling; null when there is none (too few observations, or too many errors).
 * `floor`: the default rule's threshold for the field. Below the lowest confidence observed the corrections say
 * nothing, so a threshold that holds the ceiling comes down to the floor when no observation lies between them
 * (the same evidence, and the default decides where there is none): forms read at 0.82 by their title, never seen
 * in the corrections while those at 0.9 and above were all right, went to a person once thresholds were learnt
 * (0.9 from the fourth round on a simulated stream) though the default had let them through.
 */
export function selectThreshold(obs: readonly Pick<Observation, 'confidence' | 'correct'>[], ceiling: number, floor?: number): Threshold | null {
  const sorted = [...obs].sort((a, b) => b.confidence - a.confidence);
  let best: Threshold | null = null;
  let accepted = 0;
  let errors = 0;
  for (let i = 0; i < sorted.length; i++) {
    accepted++;
    if (!sorted[i]!.correct) errors++;
    // A threshold sits between distinct confidences: take every observation of the same confidence together.
    if (i + 1 < sorted.length && sorted[i + 1]!.confidence === sorted[i]!.confidence) continue;
    const upper = upperBound(errors, accepted);
    if (upper <= ceiling) best = { threshold: sorted[i]!.confidence, basis: 'own', accepted, errors, upper: round6(upper) };
  }
  if (best && floor !== undefined && floor < best.threshold && !sorted.some((o) => o.confidence >= floor && o.confidence < best!.threshold)) {
    best = { ...best, threshold: floor };
  }
  return best;
}

/** The default rule's threshold per field where it has one (classify's needsManual for tema and form; person is never gated by it). */
export const DEFAULT_FLOORS: Partial<Record<Field, number>> = { tema: STRUCTURED_THRESHOLD, form: STRUCTURED_THRESHOLD };

/** Just above the most confident wrong answer: a tema's own errors are never let through again. */
function aboveErrors(obs: readonly Observation[], from: number): number {
  const worst = Math.max(-1, ...obs.filter((o) => !o.correct && o.confidence >= from).map((o) => o.confidence));
  return worst < 0 ? from : Math.min(1.0001, round6(worst + 1e-4));
}

function fieldThresholds(of: readonly Observation[], ceiling: number, floor?: number): FieldThresholds {
  const pooled = selectThreshold(of, ceiling, floor);
  const byTema: Record<string, Threshold> = {};
  for (const tema of [...new Set(of.map((o) => o.tema))].sort()) {
    const own = of.filter((o) => o.tema === tema);
    const sel = selectThreshold(own, ceiling, floor);
    if (sel) {
      byTema[tema] = sel;
    } else if (pooled) {
      const t = aboveErrors(own, pooled.threshold);
      const acc = own.filter((o) => o.confidence >= t);
      const errors = acc.filter((o) => !o.correct).length;
      byTema[tema] = { threshold: t, basis: 'pooled', accepted: acc.length, errors, upper: round6(upperBound(errors, acc.length)) };
    }
  }
  return { pooled, byTema };
}

export function buildThresholds(obs: readonly Observation[], ceiling: number, floors: Partial<Record<Field, number>> = DEFAULT_FLOORS): ThresholdTable {
  const fields = {} as Record<Field, FieldThresholds>;
  for (const field of FIELDS) fields[field] = fieldThresholds(obs.filter((o) => o.field === field && !o.byContent), ceiling, floors[field]);
  return { ceiling, observations: obs.length, fields, contentTema: fieldThresholds(obs.filter((o) => o.field === 'tema' && o.byContent), ceiling) };
}

/**
 * Thresholds learnt afresh for a model that stays in force (its candidate was refused), without losing the evidence it
 * was promoted on. The fresh observations are its own readings of the corrections it never learnt from: often too few
 * for a threshold of their own (a round's new letters and the held-out slice), while the one in force came from
 * cross-fitted readings of every letter. Dropping it sent the letters back to the default rule: on a simulated stream
 * the share routed straight through fell from 88.5 to 77.5 % in the round after a refusal. So where the fresh evidence
 * gives no threshold, the one in force stays, raised just above any fresh error at or above it; where it gives one, it
 * decides.
 */
export function keepingEvidence(fresh: ThresholdTable, inForce: ThresholdTable | null, obs: readonly Observation[]): ThresholdTable {
  if (!inForce) return fresh;
  const kept = (t: Threshold, of: readonly Observation[]): Threshold => {
    const threshold = aboveErrors(of, t.threshold);
    const acc = of.filter((o) => o.confidence >= threshold);
    const errors = acc.filter((o) => !o.correct).length;
    // What the fresh evidence adds at the kept threshold, with what the one in force stood on.
    return { threshold, basis: 'kept', accepted: t.accepted + acc.length, errors: t.errors + errors, upper: round6(upperBound(t.errors + errors, t.accepted + acc.length)) };
  };
  const merge = (f: FieldThresholds, old: FieldThresholds | undefined, of: readonly Observation[]): FieldThresholds => {
    if (!old) return f;
    const byTema = { ...f.byTema };
    for (const [tema, t] of Object.entries(old.byTema)) if (!byTema[tema]) byTema[tema] = kept(t, of.filter((o) => o.tema === tema));
    return { pooled: f.pooled ?? (old.pooled ? kept(old.pooled, of) : null), byTema };
  };
  const fields = {} as Record<Field, FieldThresholds>;
  for (const field of FIELDS) fields[field] = merge(fresh.fields[field], inForce.fields[field], obs.filter((o) => o.field === field && !o.byContent));
  const contentTema = fresh.contentTema ? merge(fresh.contentTema, inForce.contentTema, obs.filter((o) => o.field === 'tema' && o.byContent)) : inForce.contentTema;
  return { ...fresh, fields, ...(contentTema ? { contentTema } : {}) };
}

/** The threshold for a field and tema; null when the table has no evidence for it (the default rule decides). */
export function thresholdFor(table: ThresholdTable, field: Field, tema: string, byContent = false): number | null {
  const f = byContent && field === 'tema' ? table.contentTema : table.fields[field];
  if (!f) return null;
  return f.byTema[tema]?.threshold ?? f.pooled?.threshold ?? null;
}

export interface AutomaticInput {
  tema: string;
  /** The classifier's own verdict (its default threshold): used for a field without evidence. */
  needsManual: boolean;
  fields: FieldConfidence | null | undefined;
}

/**
 * Whether a document may be routed without a person. Without learnt thresholds (or without
 * per-field confidences, documents identified before issue 13) the classifier's own verdict stands.
 */
export function decideAutomatic(input: AutomaticInput, table: ThresholdTable | null): { automatic: boolean; below: Field[] } {
  if (input.tema === 'UKJ') return { automatic: false, below: ['tema'] };
  if (!table || !input.fields) return { automatic: !input.needsManual, below: input.needsManual ? ['tema'] : [] };
  const below: Field[] = [];
  for (const field of FIELDS) {
    const conf = input.fields[field];
    if (conf === null) continue;
    const t = thresholdFor(table, field, input.tema, Boolean(input.fields.temaByContent));
    if (t === null) {
      // No evidence for this field yet: the tema keeps the classifier's own threshold; person and form were never gated.
      if (field === 'tema' && input.needsManual) below.push(field);
    } else if (conf < t) {
      below.push(field);
    }
  }
  return { automatic: below.length === 0, below };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
