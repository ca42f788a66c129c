import { route, type RoutingDecision } from '../pipeline/route/route.ts';
import type { DocumentKind } from '../schemas/reference.ts';
import type { Tx } from '../storage/db/pool.ts';
import { appendEvent } from '../storage/repositories/events.repository.ts';
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

/** Records the decision and the routed/delivered events, as the route stage does. */
export async function deliver(ctx: Pick<Context, 'directory'>, q: Tx, documentId: string, d: RoutingDecision, by: string): Promise<void> {
  await recordDecision(q, documentId, d, { redeliver: true });
  const units = d.destinations.map((x) => x.unitId);
  await appendEvent(q, documentId, 'routed', { policy: d.policyId, rule: d.ruleId, ruleSource: d.ruleSource, units, restricted: d.restricted, notes: d.notes, by });
  await appendEvent(q, documentId, 'delivered', {
    units: d.destinations.map((x) => ({ unitId: x.unitId, unitType: x.unitType, name: ctx.directory.unit(x.unitId)?.name })),
  });
}

/** A new archive job even when one for the document ran before (split or merge changed its pages). */
export async function rearchive(ctx: Pick<Context, 'queues' | 'config'>, documentId: string): Promise<void> {
  await ctx.queues.byStage.archive.add('archive', { documentId }, {
    jobId: `archive-${documentId}-r${Date.now()}`,
    attempts: ctx.config.JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: ctx.config.JOB_BACKOFF_MS },
    removeOnComplete: { age: 24 * 3600, count: 100_000 },
    removeOnFail: false,
  });
}
