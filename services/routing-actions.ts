import { route, type RoutingDecision } from '../pipeline/route/route.ts';
import type { DocumentKind } from '../schemas/reference.ts';
import type { Tx } from '../storage/db/pool.ts';
import type { Outcome, StageEvent, StageFields } from '../pipeline/outcome.ts';
import { getPerson } from '../storage/repositories/persons.repository.ts';
import { routingPerson } from '../storage/person-register/person-register.ts';
import { recordDecision } from '../storage/repositories/routing.repository.ts';
import type { Context } from '../app/context.ts';
import { activePolicy } from './policy.service.ts';

/** Routes by the policy in force (switched by an administrator, else the configured one); drops units that already hold the document or just sent it back. */
export async function decideRoute(ctx: Pick<Context, 'db' | 'policy' | 'directory'> & Partial<Pick<Context, 'persons'>>, q: Tx, doc: { tema: string; kind: string; personId: string | null }, exclude: string[]): Promise<RoutingDecision> {
  // The register's current answer (protection may have changed since the document came in).
  const person = !doc.personId ? null : ctx.persons ? await routingPerson(ctx.persons, doc.personId) : await getPerson(q, doc.personId);
  const decision = route({ tema: doc.tema, kind: doc.kind as DocumentKind, person }, await activePolicy(ctx), ctx.directory);
  return { ...decision, destinations: decision.destinations.filter((d) => !exclude.includes(d.unitId)) };
}

export function goesToMailRoom(d: RoutingDecision): boolean {
  return d.destinations.length === 0 || d.destinations.some((x) => x.unitType === 'manual');
}

/** The history of a routing: which rule chose which units, then where it went (a unit, or a person). */
export function routedEvents(ctx: Pick<Context, 'directory'>, d: RoutingDecision, o: { by?: string; manual?: string } = {}): StageEvent[] {
  const units = d.destinations.map((x) => x.unitId);
  return [
    { type: 'routed', detail: { policy: d.policyId, rule: d.ruleId, ruleSource: d.ruleSource, units, restricted: d.restricted, notes: d.notes, ...(o.by ? { by: o.by } : {}) } },
    o.manual
      ? { type: 'sent-to-manual', detail: { stage: 'route', reason: o.manual } }
      : { type: 'delivered', detail: { units: d.destinations.map((x) => ({ unitId: x.unitId, unitType: x.unitType, name: ctx.directory.unit(x.unitId)?.name })) } },
  ];
}

/**
 * Routing by a person's action (manual resolution, a return re-routed by the rules): the route
 * stage done again, through the lifecycle (so archive follows if it is still to come).
 */
export function deliveredByPerson(ctx: Pick<Context, 'directory'>, documentId: string, d: RoutingDecision, by: string, fields: StageFields = { status: 'delivered' }): Outcome<Tx> {
  return {
    kind: 'done',
    fields,
    write: (tx) => recordDecision(tx, documentId, d, { redeliver: true }),
    events: routedEvents(ctx, d, { by }),
  };
}
