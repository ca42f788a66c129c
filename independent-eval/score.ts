/**
 * Scoring of the independent set: per document (tema, person, destination, auto-routed but
 * wrong, one-digit id repairs) and per group (family, font style, format, kind of paper).
 * Any reader can be scored: give its per-document outputs in the `intake classify --json` shape.
 */
import { PERSON_ID_REPAIRED } from '../pipeline/identify/classify.ts';
import type { ClassifyOutput } from '../pipeline/identify/read-document.ts';
import { route, type RoutingPerson, type UnitDirectory } from '../pipeline/route/route.ts';
import type { Policy } from '../schemas/reference.ts';
import type { IndependentTruth } from './generate.ts';
import type { PopulationRegister } from './register.ts';

export interface DocScore {
  truth: IndependentTruth;
  /** What the reader said about the file's document (its first document; null when it failed). */
  got: ClassifyOutput | null;
  error: string | null;
  temaOk: boolean;
  personOk: boolean;
  /** Another registered person was chosen. */
  personWrong: boolean;
  expected: string;
  destOk: boolean;
  auto: boolean;
  autoWrong: boolean;
  /** A one-digit repair of the id was used: right or wrong person. */
  repair: 'none' | 'right' | 'wrong';
}

export const routingFacts = (register: PopulationRegister) => (id: string): RoutingPerson | null => {
  const p = register.lookup(id);
  return p ? { addressProtection: p.addressProtection, skjermet: p.skjermet, abroad: p.abroad, municipality: p.municipality, district: p.district } : null;
};

const dest = (ds: Array<{ unitType: string; unitId: string }>) => ds.map((d) => `${d.unitType}:${d.unitId}`).sort().join('+');

export function scoreDocument(truth: IndependentTruth, outputs: ClassifyOutput[] | Error, register: PopulationRegister, policy: Policy, directory: UnitDirectory): DocScore {
  const person = routingFacts(register)(truth.personId);
  const expected = dest(route({ tema: truth.tema, kind: truth.kind, person, needsManual: false }, policy, directory).destinations);
  const got = outputs instanceof Error ? null : (outputs[0] ?? null);
  const error = outputs instanceof Error ? outputs.message : null;
  const auto = Boolean(got && !got.needsManual);
  const destOk = Boolean(got && auto && dest(got.route.destinations) === expected);
  const repaired = Boolean(got?.reasons.some((r) => r.includes(PERSON_ID_REPAIRED)));
  return {
    truth, got, error,
    temaOk: got?.tema === truth.tema,
    personOk: got?.personId === truth.personId,
    personWrong: Boolean(got?.personId && got.personId !== truth.personId),
    expected,
    destOk,
    auto,
    autoWrong: auto && !destOk,
    repair: !repaired ? 'none' : got!.personId === truth.personId ? 'right' : 'wrong',
  };
}

export interface Summary {
  docs: number;
  tema: number;
  person: number;
  personWrong: number;
  dest: number;
  auto: number;
  autoWrong: number;
  repairs: number;
  repairsWrong: number;
  errors: number;
}

export function summarise(scores: DocScore[]): Summary {
  const n = (f: (s: DocScore) => boolean) => scores.filter(f).length;
  return {
    docs: scores.length,
    tema: n((s) => s.temaOk),
    person: n((s) => s.personOk),
    personWrong: n((s) => s.personWrong),
    dest: n((s) => s.destOk),
    auto: n((s) => s.auto),
    autoWrong: n((s) => s.autoWrong),
    repairs: n((s) => s.repair !== 'none'),
    repairsWrong: n((s) => s.repair === 'wrong'),
    errors: n((s) => s.error !== null),
  };
}

export function groupBy(scores: DocScore[], key: (s: DocScore) => string): Array<[string, Summary]> {
  const groups = new Map<string, DocScore[]>();
  for (const s of scores) groups.set(key(s), [...(groups.get(key(s)) ?? []), s]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, summarise(v)]);
}

export const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)} %` : '-');

/** Upper 95 % bound of a rate with `k` events in `n` trials (Wilson; rule of three at k = 0). */
export function upper95(k: number, n: number): number {
  if (n === 0) return 1;
  if (k === 0) return 3 / n;
  const z = 1.96;
  const p = k / n;
  const c = p + (z * z) / (2 * n);
  const m = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return (c + m) / (1 + (z * z) / n);
}
