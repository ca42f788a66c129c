import { describe, expect, it } from 'vitest';
import { generateIndependentSet, PopulationRegister, routingFacts, scoreDocument, summarise, upper95, type IndependentTruth } from '../../independent-eval/index.ts';
import { makeRng } from '../../independent-eval/rng.ts';
import { FileRegister, parseRegisterLine } from '../../storage/person-register/file-register.ts';
import { toRoutingPerson } from '../../storage/person-register/person-register.ts';
import { detectMediaType } from '../../pipeline/ingest/detect.ts';
import { isValidPersonId } from '../../pipeline/identify/person-id.ts';
import type { ClassifyOutput } from '../../pipeline/identify/read-document.ts';
import { loadPolicy, loadReference } from '../../pipeline/reference.ts';
import { UnitDirectory } from '../../pipeline/route/route.ts';
import { ROOT } from '../../schemas/config.ts';

describe('the independent set\'s person register', () => {
  const register = PopulationRegister.build(20_000, 7);
  it('holds the number of distinct, checksum-valid synthetic ids asked for, the same for a seed', () => {
    expect(register.size).toBe(20_000);
    const again = PopulationRegister.build(20_000, 7);
    const r = makeRng(5);
    const p = register.sample(r);
    expect(again.has(p.id)).toBe(true);
    expect(isValidPersonId(p.id)).toBe(true);
    // Test Norge ids: month + 80, never a real person.
    expect(Number(p.id.slice(2, 4))).toBeGreaterThan(80);
  });
  it('writes itself as the production register file, which routes the same way', () => {
    const lines = [...PopulationRegister.build(300, 3).csvLines()];
    expect(lines[0]).toBe('ident,gradering,gtKommune,gtBydel,gtLand,skjermet');
    const small = PopulationRegister.build(300, 3);
    const file = FileRegister.fromEntries(lines.slice(1).map((l, i) => parseRegisterLine(l, i + 2)));
    for (const l of lines.slice(1, 60)) {
      const id = l.slice(0, 11);
      expect(toRoutingPerson(file.get(id)!)).toEqual(routingFacts(small)(id));
    }
  });
  it('answers for the ids it holds and no others, with routing facts for them', () => {
    const r = makeRng(5);
    const p = register.sample(r);
    expect(register.lookup(p.id)).toEqual(p);
    expect(routingFacts(register)(p.id)).toMatchObject({ addressProtection: p.addressProtection, municipality: p.municipality });
    expect(register.has('12345678901')).toBe(false);
    expect(routingFacts(register)('12345678901')).toBeNull();
  });
});

describe('the independent set', () => {
  it('makes files in their formats with the truth for each, the same bytes for the same seed', async () => {
    const opts = { seed: 3, docs: 2, registerSize: 5_000, families: ['fax', 'rotated-noisy'] as const };
    const set = await generateIndependentSet(opts);
    expect(set.files).toHaveLength(2);
    const byFamily = new Map(set.truth.map((t) => [t.family, t]));
    expect(byFamily.get('fax')).toMatchObject({ xDpi: 204, yDpi: 98, format: 'tiff-fax', turn: 0 });
    expect([90, 180, 270]).toContain(byFamily.get('rotated-noisy')!.turn);
    for (const [i, f] of set.files.entries()) {
      expect(detectMediaType(f.data)).not.toBeNull();
      expect(set.register.has(set.truth[i]!.personId)).toBe(true);
    }
    const again = await generateIndependentSet(opts);
    expect(again.files[0]!.data.equals(set.files[0]!.data)).toBe(true);
  });
});

describe('scoring', () => {
  const reference = loadReference();
  const policy = loadPolicy(`${ROOT}/data/policies/ekspertgruppe-2010.json`);
  const directory = new UnitDirectory(reference.units, reference.municipalities);
  const register = PopulationRegister.build(5_000, 11);
  const r = makeRng(5);
  const person = register.sampleWhere(r, (p) => p.addressProtection === 'none' && !p.skjermet && !p.abroad);
  const truth: IndependentTruth = {
    file: 'x.pdf', family: 'clean', fontStyle: 'serif', docType: 'form', tema: 'DAG', kind: 'claim', formNumber: 'NAV 04-01.03', personId: person.id,
    language: 'nb', pages: 1, turn: 0, skewDeg: 0, xDpi: 300, yDpi: 300, format: 'pdf-jpeg',
  };
  const out = (o: Partial<ClassifyOutput>): ClassifyOutput => ({
    file: 'x.pdf', pages: 1, pageRange: [1, 1], formNumber: 'NAV 04-01.03', tema: 'DAG', documentKind: 'claim', personId: person.id, coverSheet: null,
    confidence: 0.98, needsManual: false, reasons: [], route: { rule: 'dagpenger', destinations: [{ unitType: 'forvaltning', unitId: '4450' }] }, missingAttachments: [], candidates: [], ...o,
  });
  it('counts a right answer, a document left to a person, a wrong route and a wrong repair', () => {
    const right = scoreDocument(truth, [out({})], register, policy, directory);
    expect(right).toMatchObject({ temaOk: true, personOk: true, destOk: true, auto: true, autoWrong: false, repair: 'none' });
    const manual = scoreDocument(truth, [out({ needsManual: true, route: { rule: 'usikker-klassifisering', destinations: [{ unitType: 'manual', unitId: '0000' }] } })], register, policy, directory);
    expect(manual).toMatchObject({ destOk: false, auto: false, autoWrong: false });
    const wrong = scoreDocument(truth, [out({ tema: 'SYK', route: { rule: 'sykepenger', destinations: [{ unitType: 'nav-kontor', unitId: '0312' }] } })], register, policy, directory);
    expect(wrong).toMatchObject({ temaOk: false, autoWrong: true });
    const repaired = scoreDocument(truth, [out({ personId: '01018012345', reasons: ['person id next to its label (one misread digit repaired: exactly one person in the register fits)'] })], register, policy, directory);
    expect(repaired).toMatchObject({ repair: 'wrong', personWrong: true });
    const failed = scoreDocument(truth, new Error('unreadable'), register, policy, directory);
    expect(failed).toMatchObject({ error: 'unreadable', temaOk: false, auto: false });
    expect(summarise([right, manual, wrong, repaired, failed])).toMatchObject({ docs: 5, tema: 3, autoWrong: 1, repairs: 1, repairsWrong: 1, errors: 1 });
  });
  it('bounds a rate of zero by the rule of three', () => {
    expect(upper95(0, 600)).toBeCloseTo(0.005, 4);
    expect(upper95(1, 100)).toBeGreaterThan(0.01);
  });
});
