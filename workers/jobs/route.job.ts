import { route } from '../../pipeline/route/route.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import type { DocumentKind } from '../../schemas/reference.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import { completeStage, getDocument } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { routingPerson } from '../../storage/person-register/person-register.ts';
import { recordDecision } from '../../storage/repositories/routing.repository.ts';
import { activePolicy } from '../../services/policy.service.ts';
import type { Context } from '../../app/context.ts';

export async function routeJob(ctx: Context, { documentId }: DocumentJob): Promise<void> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new Error(`document ${documentId} not found`);
  if (!doc.routedAt) {
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
    const manual = decision.destinations.some((d) => d.unitType === 'manual');
    await inTransaction(ctx.db, async (tx) => {
      const done = await completeStage(tx, documentId, 'routed_at', {
        stage: 'archive',
        status: manual ? 'manual' : 'delivered',
        manualReason: manual ? `routing rule ${decision.ruleId}${decision.notes.length ? `: ${decision.notes.join('; ')}` : ''}` : null,
      });
      if (!done) return;
      await recordDecision(tx, documentId, decision);
      await appendEvent(tx, documentId, 'routed', {
        policy: decision.policyId,
        rule: decision.ruleId,
        ruleSource: decision.ruleSource,
        units: decision.destinations.map((d) => d.unitId),
        restricted: decision.restricted,
        notes: decision.notes,
      });
      if (manual) {
        await appendEvent(tx, documentId, 'sent-to-manual', { stage: 'route', reason: `rule ${decision.ruleId}` });
      } else {
        await appendEvent(tx, documentId, 'delivered', {
          units: decision.destinations.map((d) => ({ unitId: d.unitId, unitType: d.unitType, name: ctx.directory.unit(d.unitId)?.name })),
        });
      }
    });
  }
  await ctx.queues.enqueue('archive', { documentId });
}
