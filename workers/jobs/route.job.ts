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
import { activeModel } from '../../services/learning.service.ts';
import { decideAutomatic } from '../../pipeline/learning/thresholds.ts';
import type { FieldConfidence } from '../../pipeline/identify/classify.ts';

/** Routes by the policy in force; a rule that names the mail room leaves the document to a person (it is still archived). */
export async function routeJob(ctx: Context, { documentId }: DocumentJob): Promise<Outcome<Tx>> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new FunctionalError(`dokumentet ${documentId} finnes ikke`);
  if (doc.routedAt) return { kind: 'done' };
  const person = doc.personId ? await routingPerson(ctx.persons, doc.personId) : null;
  // Issue 13: the thresholds learnt from the corrections (per field and tema) decide whether a person must look.
  const cls = doc.classification as { needsManual?: boolean; fields?: FieldConfidence; modelVersion?: number } | null;
  const model = await activeModel(ctx);
  const automatic = decideAutomatic({ tema: doc.tema ?? 'UKJ', needsManual: Boolean(cls?.needsManual), fields: cls?.fields }, model.thresholds);
  const decision = route(
    {
      tema: doc.tema ?? 'UKJ',
      kind: (doc.documentKind ?? 'other') as DocumentKind,
      person,
      needsManual: !automatic.automatic,
    },
    await activePolicy(ctx),
    ctx.directory,
  );
  // A policy that resolves to no unit at all is a fault in the rule data, not in the document: a person must look.
  if (decision.destinations.length === 0) throw new FunctionalError(`regel ${decision.ruleId}: ingen enhet å sende til`);
  const manual = decision.destinations.some((d) => d.unitType === 'manual');
  const versions = { modelVersion: cls?.modelVersion ?? null, thresholdVersion: model.version };
  const events = routedEvents(ctx, decision, manual ? { manual: `rule ${decision.ruleId}` } : {});
  // The model that read the document and the version whose thresholds decided, on the decision and its event.
  events[0] = { ...events[0]!, detail: { ...events[0]!.detail, ...versions, ...(automatic.below.length && (cls?.fields || model.thresholds) ? { belowThreshold: automatic.below } : {}) } };
  return {
    kind: 'done',
    fields: {
      status: manual ? 'manual' : 'delivered',
      manualReason: manual ? `routing rule ${decision.ruleId}${decision.notes.length ? `: ${decision.notes.join('; ')}` : ''}` : null,
    },
    write: (tx) => recordDecision(tx, documentId, decision, versions),
    events,
  };
}
