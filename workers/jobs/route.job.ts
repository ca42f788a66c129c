import { route } from '../../pipeline/route/route.ts';
import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import type { DocumentKind } from '../../schemas/reference.ts';
import type { Tx } from '../../storage/db/pool.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { routingPerson } from '../../storage/person-register/person-register.ts';
import { recordDecision } from '../../storage/repositories/routing.repository.ts';
import { activePolicy } from '../../services/policy.service.ts';
import { routedEvents } from '../../services/routing-actions.ts';
import type { Context } from '../../app/context.ts';

/** Routes by the policy in force; a rule that names the mail room leaves the document to a person (it is still archived). */
export async function routeJob(ctx: Context, { documentId }: DocumentJob): Promise<Outcome<Tx>> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new FunctionalError(`dokumentet ${documentId} finnes ikke`);
  if (doc.routedAt) return { kind: 'done' };
  const person = doc.personId ? await routingPerson(ctx.persons, doc.personId) : null;
  const decision = route(
    {
      tema: doc.tema ?? 'UKJ',
      kind: (doc.documentKind ?? 'other') as DocumentKind,
      person,
      needsManual: Boolean((doc.classification as { needsManual?: boolean } | null)?.needsManual),
    },
    await activePolicy(ctx),
    ctx.directory,
  );
  // A policy that resolves to no unit at all is a fault in the rule data, not in the document: a person must look.
  if (decision.destinations.length === 0) throw new FunctionalError(`regel ${decision.ruleId}: ingen enhet å sende til`);
  const manual = decision.destinations.some((d) => d.unitType === 'manual');
  return {
    kind: 'done',
    fields: {
      status: manual ? 'manual' : 'delivered',
      manualReason: manual ? `routing rule ${decision.ruleId}${decision.notes.length ? `: ${decision.notes.join('; ')}` : ''}` : null,
    },
    write: (tx) => recordDecision(tx, documentId, decision),
    events: routedEvents(ctx, decision, manual ? { manual: `rule ${decision.ruleId}` } : {}),
  };
}
