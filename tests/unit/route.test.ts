import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../schemas/config.ts';
import { loadPolicy, loadReference } from '../../pipeline/reference.ts';
import { route, UnitDirectory, type RoutingInput, type RoutingPerson } from '../../pipeline/route/route.ts';
import { PolicySchema } from '../../schemas/reference.ts';

const ref = loadReference();
const policy = loadPolicy(path.join(ROOT, 'data/policies/ekspertgruppe-2010.json'));
const alt = loadPolicy(path.join(ROOT, 'data/policies/meldst33-2016.json'));
const dir = new UnitDirectory(ref.units, ref.municipalities);

const person = (p: Partial<RoutingPerson> = {}): RoutingPerson => ({
  addressProtection: 'none', skjermet: false, abroad: false, municipality: '3201', district: null, ...p,
});
const decide = (input: Partial<RoutingInput>, pol = policy) =>
  route({ tema: 'DAG', kind: 'claim', person: person(), ...input }, pol, dir);
const units = (input: Partial<RoutingInput>, pol = policy) => decide(input, pol).destinations.map((d) => `${d.unitType}:${d.unitId}`);

describe('default policy (ekspertgruppe-2010), one test per rule', () => {
  it('strengt-fortrolig-adresse: kode 6 goes to NAV Vikafossen whatever the tema', () => {
    const d = decide({ tema: 'AAP', person: person({ addressProtection: 'strengt-fortrolig' }) });
    expect(d.ruleId).toBe('strengt-fortrolig-adresse');
    expect(units({ tema: 'AAP', person: person({ addressProtection: 'strengt-fortrolig' }) })).toEqual(['vikafossen:2103']);
    expect(d.restricted).toBe('strengt-fortrolig');
  });
  it('fortrolig-adresse: kode 7 is routed as usual but marked restricted', () => {
    const d = decide({ tema: 'DAG', person: person({ addressProtection: 'fortrolig' }) });
    expect(d.ruleId).toBe('dagpenger');
    expect(d.restricted).toBe('fortrolig');
  });
  it('skjermet-egne-ansatte: NAV employees\' own cases go to the unit for own employees', () => {
    const d = decide({ tema: 'DAG', person: person({ skjermet: true }) });
    expect(d.ruleId).toBe('skjermet-egne-ansatte');
    expect(d.destinations).toEqual([{ unitType: 'forvaltning', unitId: '4883' }]);
  });
  it('ukjent-bruker: no identified person goes to the manual queue', () => {
    expect(decide({ person: null }).ruleId).toBe('ukjent-bruker');
    expect(units({ person: null })).toEqual(['manual:0000']);
  });
  it('bosatt-i-utlandet: persons abroad go to NAV Internasjonalt', () => {
    expect(units({ tema: 'BAR', person: person({ abroad: true, municipality: null }) })).toEqual(['internasjonalt:4474']);
  });
  it('ukjent-tema: tema UKJ goes to the manual queue', () => {
    expect(decide({ tema: 'UKJ' }).ruleId).toBe('ukjent-tema');
    expect(units({ tema: 'UKJ' })).toEqual(['manual:0000']);
  });
  it('kommunale-tjenester: municipal post stays at the NAV office', () => {
    expect(units({ tema: 'KOM' })).toEqual(['nav-kontor:0219']);
  });
  it('dagpenger: claims go straight to the administrative unit', () => {
    expect(decide({ tema: 'DAG' }).ruleId).toBe('dagpenger');
    expect(units({ tema: 'DAG' })).toEqual(['forvaltning:4450']);
  });
  it('sykepenger: the NAV office receives the post', () => {
    expect(units({ tema: 'SYK' })).toEqual(['nav-kontor:0219']);
    expect(units({ tema: 'SYM' })).toEqual(['nav-kontor:0219']);
  });
  it('uforetrygd: both the NAV office and the administrative unit', () => {
    expect(units({ tema: 'UFO' })).toEqual(['nav-kontor:0219', 'forvaltning:4303']);
  });
  it('uforetrygd: the NAV office holding decision authority for the county, not always the local one', () => {
    // Asker (county 32): NAV Bærum holds uføre decisions for the county.
    expect(units({ tema: 'UFO', person: person({ municipality: '3203' }) })).toEqual(['nav-kontor:0219', 'forvaltning:4303']);
    // Nord-Fron (34): NAV Hamar, not the local NAV Midt-Gudbrandsdal.
    expect(units({ tema: 'UFO', person: person({ municipality: '3436' }) })).toEqual(['nav-kontor:0403', 'forvaltning:4303']);
    // Årstad in Bergen (46): NAV Bergenhus.
    expect(units({ tema: 'UFO', person: person({ municipality: '4601', district: '460102' }) })).toEqual(['nav-kontor:1201', 'forvaltning:4303']);
    // Oslo has no such office in the table: the person's own district office.
    expect(units({ tema: 'UFO', person: person({ municipality: '0301', district: '030102' }) })).toEqual(['nav-kontor:0315', 'forvaltning:4303']);
    // Other post to the NAV office still goes to the local office.
    expect(units({ tema: 'SYK', person: person({ municipality: '3436' }) })).toEqual(['nav-kontor:0516']);
  });
  it('arbeidsavklaringspenger: both the NAV office and the administrative unit', () => {
    expect(units({ tema: 'AAP' })).toEqual(['nav-kontor:0219', 'forvaltning:4450']);
  });
  it('enslig-forsorger-oppfolging: follow-up post to the NAV office', () => {
    expect(decide({ tema: 'ENF', kind: 'follow-up' }).ruleId).toBe('enslig-forsorger-oppfolging');
    expect(units({ tema: 'ENF', kind: 'follow-up' })).toEqual(['nav-kontor:0219']);
  });
  it('enslig-forsorger-krav: claims to the administrative unit', () => {
    expect(decide({ tema: 'ENF', kind: 'claim' }).ruleId).toBe('enslig-forsorger-krav');
    expect(units({ tema: 'ENF', kind: 'attachment' })).toEqual(['forvaltning:4450']);
  });
  it('bidrag: all post to the administrative unit for bidrag', () => {
    expect(units({ tema: 'BID', kind: 'complaint' })).toEqual(['forvaltning:4806']);
  });
  it('pensjon: to NAV Pensjon', () => {
    expect(units({ tema: 'PEN' })).toEqual(['pensjon:4808']);
  });
  it('hjelpemidler: to the hjelpemiddelsentral of the person\'s county', () => {
    expect(units({ tema: 'HJE' })).toEqual(['hjelpemiddelsentral:2932']);
    expect(units({ tema: 'HJE', person: person({ municipality: '4601', district: '460101' }) })).toEqual(['hjelpemiddelsentral:2946']);
  });
  it('medlemskap: to NAV Internasjonalt', () => {
    expect(units({ tema: 'MED' })).toEqual(['internasjonalt:4474']);
  });
  it('oppfolging-og-aktivitet: to the NAV office', () => {
    expect(units({ tema: 'OPP', kind: 'other' })).toEqual(['nav-kontor:0219']);
  });
  it('statlige-ytelser-uten-aktivitetskrav: family benefits to the administrative unit', () => {
    expect(decide({ tema: 'BAR' }).ruleId).toBe('statlige-ytelser-uten-aktivitetskrav');
    expect(units({ tema: 'KON' })).toEqual(['forvaltning:4817']);
  });
  it('standard-nav-kontor: anything else to the person\'s NAV office', () => {
    expect(decide({ tema: 'GEN' }).ruleId).toBe('standard-nav-kontor');
    expect(units({ tema: 'GEN' })).toEqual(['nav-kontor:0219']);
  });
});

describe('NAV office by municipality and district', () => {
  it('uses the city district in Oslo, Bergen, Trondheim and Stavanger', () => {
    expect(units({ tema: 'SYK', person: person({ municipality: '0301', district: '030102' }) })).toEqual(['nav-kontor:0315']);
    expect(units({ tema: 'SYK', person: person({ municipality: '5001', district: '500104' }) })).toEqual(['nav-kontor:5702']);
  });
  it('one office covers several municipalities', () => {
    expect(units({ tema: 'SYK', person: person({ municipality: '3436' }) })).toEqual(units({ tema: 'SYK', person: person({ municipality: '3439' }) }));
  });
  it('an unknown municipality goes to the mail room with a note, never to a guessed office', () => {
    const d = decide({ tema: 'SYK', person: person({ municipality: '9999' }) });
    expect(d.destinations).toEqual([{ unitType: 'manual', unitId: '0000' }]);
    expect(d.notes.join()).toMatch(/no NAV office/);
  });
});

describe('alternative policy (Meld. St. 33, 2016)', () => {
  it('sends AAP and uføre only to the administrative unit', () => {
    expect(units({ tema: 'AAP' }, alt)).toEqual(['forvaltning:4450']);
    expect(units({ tema: 'UFO' }, alt)).toEqual(['forvaltning:4303']);
  });
  it('keeps the protected-address rule first', () => {
    expect(alt.rules[0]!.id).toBe('strengt-fortrolig-adresse');
  });
});

describe('policy validation', () => {
  it('every tema named in a policy exists in tema.tsv', () => {
    for (const p of [policy, alt]) for (const r of p.rules) for (const t of r.when.tema ?? []) expect(ref.tema.has(t), `${p.id}/${r.id}: ${t}`).toBe(true);
  });
  it('rejects a policy whose last rule is not a default', () => {
    const bad = { ...policy, rules: policy.rules.slice(0, -1) };
    expect(PolicySchema.safeParse(bad).success).toBe(false);
  });
  it('rejects duplicate rule ids and unknown condition keys', () => {
    expect(PolicySchema.safeParse({ ...policy, rules: [policy.rules[0], ...policy.rules] }).success).toBe(false);
    const odd = structuredClone(policy) as any;
    odd.rules[0].when.colour = 'blue';
    expect(PolicySchema.safeParse(odd).success).toBe(false);
  });
});

describe('policy validation of an empty rule list', () => {
  it('reports an error instead of crashing', () => {
    const r = PolicySchema.safeParse({ ...policy, rules: [] });
    expect(r.success).toBe(false);
  });
});
