import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, loadReference } from '../../pipeline/reference.ts';
import { route, simulate, UnitDirectory, type RoutingInput, type RoutingPerson } from '../../pipeline/route/route.ts';
import { ROOT } from '../../schemas/config.ts';
import { PolicySchema } from '../../schemas/reference.ts';

const ref = loadReference();
const policy = loadPolicy(path.join(ROOT, 'data/policies/ekspertgruppe-2010.json'));
const alt = loadPolicy(path.join(ROOT, 'data/policies/meldst33-2016.json'));
const dir = new UnitDirectory(ref.units, ref.municipalities);
const person = (p: Partial<RoutingPerson> = {}): RoutingPerson => ({ addressProtection: 'none', skjermet: false, abroad: false, municipality: '3201', district: null, ...p });
const input = (i: Partial<RoutingInput> = {}): RoutingInput => ({ tema: 'DAG', kind: 'claim', person: person(), ...i });

describe('default policy: rules added for issue 4', () => {
  it('usikker-klassifisering: doubt goes to the mail room, never a guessed unit', () => {
    const d = route(input({ tema: 'UFO', needsManual: true }), policy, dir);
    expect(d.ruleId).toBe('usikker-klassifisering');
    expect(d.destinations).toEqual([{ unitType: 'manual', unitId: '0000' }]);
  });
  it('kode 6 still goes to NAV Vikafossen when the classification is in doubt or the user lives abroad', () => {
    for (const p of [person({ addressProtection: 'strengt-fortrolig' }), person({ addressProtection: 'strengt-fortrolig', abroad: true, municipality: null })]) {
      expect(route(input({ needsManual: true, person: p }), policy, dir).destinations).toEqual([{ unitType: 'vikafossen', unitId: '2103' }]);
    }
  });
  it('abroad wins over doubt about the tema: NAV Internasjonalt handles everything for users abroad', () => {
    expect(route(input({ needsManual: true, person: person({ abroad: true, municipality: null }) }), policy, dir).ruleId).toBe('bosatt-i-utlandet');
  });
  it('the ENF kind decides between NAV office (follow-up) and administrative unit (claims, attachments, complaints)', () => {
    expect(route(input({ tema: 'ENF', kind: 'report-card' }), policy, dir).destinations[0]!.unitType).toBe('nav-kontor');
    for (const kind of ['claim', 'attachment', 'complaint', 'other'] as const) expect(route(input({ tema: 'ENF', kind }), policy, dir).destinations[0]!.unitType).toBe('forvaltning');
  });
  it('every rule carries its source', () => {
    for (const p of [policy, alt]) for (const r of p.rules) expect(r.source.length).toBeGreaterThan(5);
  });
});

describe('kode 6 safeguards', () => {
  it('a policy that routes strengt fortrolig anywhere but Vikafossen is rejected', () => {
    const bad = structuredClone(policy) as any;
    bad.rules[0].to = [{ unitType: 'nav-kontor' }];
    expect(PolicySchema.safeParse(bad).success).toBe(false);
    const late = structuredClone(policy) as any;
    late.rules = [late.rules[2], late.rules[0], ...late.rules.slice(3)];
    expect(PolicySchema.safeParse(late).success).toBe(false);
    const none = structuredClone(policy) as any;
    none.rules = none.rules.slice(1);
    expect(PolicySchema.safeParse(none).success).toBe(false);
  });
  it('route() refuses to deliver a kode 6 document outside Vikafossen even if a policy slipped through', () => {
    const sneaky = { ...policy, rules: policy.rules.filter((r) => r.id !== 'strengt-fortrolig-adresse') };
    expect(() => route(input({ person: person({ addressProtection: 'strengt-fortrolig' }) }), sneaky as typeof policy, dir)).toThrow(/Vikafossen/);
  });
});

describe('route simulate', () => {
  it('counts deliveries per unit under each policy side by side', () => {
    const inputs = [input({ tema: 'AAP' }), input({ tema: 'UFO' }), input({ tema: 'SYK' }), input({ tema: 'DAG' }), input({ person: null })];
    const rows = simulate(inputs, [policy, alt], dir);
    const at = (unitId: string) => rows.find((r) => r.unitId === unitId)?.counts;
    expect(at('0219')).toEqual([3, 0]); // NAV Bærum: AAP, UFO and SYK under 2010; none under 2016
    expect(at('4450')).toEqual([2, 3]); // AAP + DAG; then SYK too
    expect(at('4303')).toEqual([1, 1]);
    expect(at('0000')).toEqual([1, 1]);
    const total = (i: number) => rows.reduce((s, r) => s + r.counts[i]!, 0);
    expect([total(0), total(1)]).toEqual([7, 5]); // two destinations for AAP and UFO under 2010
  });
});
