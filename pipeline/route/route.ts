import type { DestinationSpec, DocumentKind, Municipality, Policy, Rule, Unit, UnitType } from '../../schemas/reference.ts';

/** What routing needs to know about the person; null when nobody was identified. */
export interface RoutingPerson {
  addressProtection: 'none' | 'fortrolig' | 'strengt-fortrolig';
  skjermet: boolean;
  abroad: boolean;
  municipality: string | null;
  district: string | null;
}

export interface RoutingInput {
  tema: string;
  kind: DocumentKind;
  person: RoutingPerson | null;
  /** The classification is in doubt: rules with `needsManual: true` send it to a person. */
  needsManual?: boolean;
}

export interface Destination {
  unitType: UnitType;
  unitId: string;
}

export interface RoutingDecision {
  policyId: string;
  ruleId: string;
  ruleSource: string;
  destinations: Destination[];
  restricted: Rule['restrict'] | null;
  /** Why a destination fell back to the manual queue (e.g. no NAV office for the municipality). */
  notes: string[];
}

export function matches(rule: Rule, input: RoutingInput): boolean {
  const w = rule.when;
  const p = input.person;
  if (w.personKnown !== undefined && w.personKnown !== (p !== null)) return false;
  if (w.addressProtection && !(p && w.addressProtection.includes(p.addressProtection))) return false;
  if (w.skjermet !== undefined && !(p && p.skjermet === w.skjermet)) return false;
  if (w.abroad !== undefined && !(p && p.abroad === w.abroad)) return false;
  if (w.needsManual !== undefined && w.needsManual !== Boolean(input.needsManual)) return false;
  if (w.tema && !w.tema.includes(input.tema)) return false;
  if (w.kind && !w.kind.includes(input.kind)) return false;
  return true;
}

/** Maps unit types to concrete units for one person and tema. */
export class UnitDirectory {
  private readonly officeByArea = new Map<string, string>();

  constructor(
    private readonly units: Unit[],
    municipalities: Municipality[],
  ) {
    for (const m of municipalities) {
      if (m.navOffice) this.officeByArea.set(m.number, m.navOffice);
      for (const d of m.districts ?? []) this.officeByArea.set(d.number, d.navOffice);
    }
  }

  unit(id: string): Unit | undefined {
    return this.units.find((u) => u.id === id);
  }

  private single(type: UnitType): Unit | undefined {
    return this.units.find((u) => u.type === type);
  }

  resolve(spec: DestinationSpec, input: RoutingInput): { unitId: string } | { problem: string } {
    const p = input.person;
    switch (spec.unitType) {
      case 'nav-kontor': {
        const county = p?.municipality?.slice(0, 2);
        const authority = spec.select === 'ufore-vedtak' && county
          ? this.units.find((u) => u.type === 'nav-kontor' && u.handles.includes('ufore-vedtak') && u.counties.includes(county))
          : undefined;
        if (authority) return { unitId: authority.id };
        const area = p?.district ?? p?.municipality;
        const office = area ? this.officeByArea.get(area) : undefined;
        return office ? { unitId: office } : { problem: 'no NAV office for the person\'s municipality' };
      }
      case 'forvaltning': {
        const unit = spec.select === 'skjermet'
          ? this.units.find((u) => u.type === 'forvaltning' && u.handles.includes('skjermet'))
          : this.units.find((u) => u.type === 'forvaltning' && u.tema.includes(input.tema));
        return unit ? { unitId: unit.id } : { problem: `no administrative unit for tema ${input.tema}` };
      }
      case 'hjelpemiddelsentral': {
        const county = p?.municipality?.slice(0, 2);
        const unit = this.units.find((u) => u.type === 'hjelpemiddelsentral' && county && u.counties.includes(county));
        return unit ? { unitId: unit.id } : { problem: 'no hjelpemiddelsentral for the person\'s county' };
      }
      default: {
        const unit = this.single(spec.unitType);
        return unit ? { unitId: unit.id } : { problem: `no unit of type ${spec.unitType}` };
      }
    }
  }
}

/**
 * Applies the policy's rules in order. The first rule with destinations decides; rules with
 * only `restrict` mark the document and let later rules decide. A destination that cannot
 * be resolved sends the document to the mail room instead of guessing.
 */
export function route(input: RoutingInput, policy: Policy, directory: UnitDirectory): RoutingDecision {
  const decision = decide(input, policy, directory);
  // Defence in depth for kode 6: whatever a policy file says, the document goes to NAV Vikafossen only.
  if (input.person?.addressProtection === 'strengt-fortrolig' && decision.destinations.some((d) => d.unitType !== 'vikafossen')) {
    throw new Error(`policy ${policy.id} would send a strengt fortrolig document outside NAV Vikafossen (rule ${decision.ruleId})`);
  }
  return decision;
}

function decide(input: RoutingInput, policy: Policy, directory: UnitDirectory): RoutingDecision {
  let restricted: Rule['restrict'] | null = null;
  for (const rule of policy.rules) {
    if (!matches(rule, input)) continue;
    if (rule.restrict && !restricted) restricted = rule.restrict;
    if (!rule.to) continue;
    const destinations: Destination[] = [];
    const notes: string[] = [];
    for (const spec of rule.to) {
      const r = directory.resolve(spec, input);
      if ('unitId' in r) destinations.push({ unitType: spec.unitType, unitId: r.unitId });
      else notes.push(r.problem);
    }
    if (notes.length > 0) {
      const manual = directory.resolve({ unitType: 'manual', select: 'by-tema' }, input);
      if (!('unitId' in manual)) throw new Error('routing data has no manual (mail room) unit');
      return { policyId: policy.id, ruleId: rule.id, ruleSource: rule.source, destinations: [{ unitType: 'manual', unitId: manual.unitId }], restricted, notes };
    }
    return { policyId: policy.id, ruleId: rule.id, ruleSource: rule.source, destinations, restricted, notes };
  }
  throw new Error(`policy ${policy.id} has no matching default rule`);
}

export interface SimulationRow {
  unitId: string;
  unitType: UnitType;
  name: string;
  /** Documents delivered to the unit under each policy, in the order the policies were given. */
  counts: number[];
}

/**
 * Replays routing inputs under several policies: per unit, how many documents each policy
 * would deliver there (a document with two destinations counts at both units).
 */
export function simulate(inputs: readonly RoutingInput[], policies: readonly Policy[], directory: UnitDirectory): SimulationRow[] {
  const rows = new Map<string, SimulationRow>();
  policies.forEach((policy, pi) => {
    for (const input of inputs) {
      for (const d of route(input, policy, directory).destinations) {
        let row = rows.get(d.unitId);
        if (!row) {
          row = { unitId: d.unitId, unitType: d.unitType, name: directory.unit(d.unitId)?.name ?? d.unitId, counts: policies.map(() => 0) };
          rows.set(d.unitId, row);
        }
        row.counts[pi]!++;
      }
    }
  });
  return [...rows.values()].sort((a, b) => a.unitType.localeCompare(b.unitType) || b.counts[0]! - a.counts[0]! || a.unitId.localeCompare(b.unitId));
}
