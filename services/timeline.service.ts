import { getBatch } from '../storage/repositories/batches.repository.ts';
import { getCase } from '../storage/repositories/cases.repository.ts';
import { documentFacts, documentIdsOfPerson, type DocumentFacts } from '../storage/repositories/document-access.repository.ts';
import { listDeliveries } from '../storage/repositories/document-actions.repository.ts';
import { getDocument, listDocuments } from '../storage/repositories/documents.repository.ts';
import { listEvents } from '../storage/repositories/events.repository.ts';
import { latestDecision } from '../storage/repositories/routing.repository.ts';
import type { Context } from '../app/context.ts';
import { isStrictlyConfidential, mayKnowOf, mayReadStatus, personIdFor, protectedUnits, requireRole, type Actor } from './access.service.ts';
import { isInbox, policiesOf } from './document.service.ts';
import type { DocumentRow } from '../storage/repositories/documents.repository.ts';
import type { DeliveryRow } from '../storage/repositories/document-actions.repository.ts';
import { recordLookup } from './audit.service.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';
import { describeEventNb, STAGE_NB } from './timeline-text.ts';

export interface TimelineDocument {
  id: string;
  file: string;
  title: string | null;
  status: string;
  stage: string;
  pages: number | null;
  formNumber: string | null;
  tema: string | null;
  kind: string | null;
  person: string | null; // masked
  caseId: string | null;
  receivedAt: string;
  route: { policy: string; rule: string; units: Array<{ unitId: string; name: string }> } | null;
  deliveries: Array<{ unitId: string; name: string; deliveredAt: string; takenAt: string | null; returnedAt: string | null }>;
  /** Where the document is now, in words. */
  now: string;
  history: Array<{ at: string; type: string; text: string }>;
}

export interface Timeline {
  kind: 'document' | 'batch' | 'case' | 'person';
  id: string;
  documents: TimelineDocument[];
}

type Ctx = Pick<Context, 'db' | 'directory' | 'reference' | 'policy'>;

const FNR = /^\d{11}$/;

/** Where the document is now, in one sentence a caller on the phone can be told. */
function whereNow(d: DocumentRow, f: DocumentFacts, deliveries: DeliveryRow[], unitName: (u: string) => string): string {
  const open = deliveries.filter((x) => !x.returnedAt);
  const units = (list: DeliveryRow[]) => list.map((x) => `${x.unitId} ${unitName(x.unitId)}`.trim()).join(' og ');
  if (d.status === 'manual') return isStrictlyConfidential(f) ? 'Venter på manuell behandling i NAV Vikafossen' : 'Venter på manuell behandling i postmottaket';
  if (d.status === 'processing') return `Under behandling i postmottaket (${STAGE_NB[d.stage] ?? 'i arbeid'})`;
  if (f.mergedInto) return `Slått sammen med ${f.mergedInto}`;
  if (open.length === 0) return 'Levert';
  const taken = open.filter((x) => x.takenAt);
  if (taken.length === open.length) return `Tatt til behandling hos ${units(taken)}`;
  return `Ligger i innboksen til ${units(open)}${taken.length ? ` (tatt til behandling hos ${units(taken)})` : ''}`;
}

/**
 * Status of a document (JP…), case (SAK…), batch (B…) or person (fødselsnummer): every event with
 * its time. Only documents the user may see are shown; the look-up is recorded either way.
 */
export async function lookupTimeline(ctx: Ctx, actor: Actor, query: string, purpose: string): Promise<Timeline> {
  requireRole(actor, 'status-reader', 'caseworker', 'operator');
  const id = query.trim().replace(/\s+/g, '');
  let kind: Timeline['kind'];
  let ids: string[];
  if (/^JP\d+$/i.test(id)) {
    kind = 'document';
    const d = await getDocument(ctx.db, id.toUpperCase());
    ids = d ? [d.id] : [];
  } else if (/^SAK\d+$/i.test(id)) {
    kind = 'case';
    ids = (await getCase(ctx.db, id.toUpperCase())) ? (await listDocuments(ctx.db, { caseId: id.toUpperCase() })).map((d) => d.id) : [];
  } else if (/^B\d+$/i.test(id)) {
    kind = 'batch';
    ids = (await getBatch(ctx.db, id.toUpperCase())) ? (await listDocuments(ctx.db, { batchId: id.toUpperCase() })).map((d) => d.id) : [];
  } else if (FNR.test(id)) {
    kind = 'person';
    ids = await documentIdsOfPerson(ctx.db, id);
  } else {
    throw new NotFoundError('skriv en journalpost-id (JP…), saksnummer (SAK…), bunke (B…) eller et fødselsnummer (11 siffer)');
  }
  const subject = kind === 'person' ? 'person' : id.toUpperCase();
  const facts = await documentFacts(ctx.db, ids);
  const special = protectedUnits(ctx);
  const all = ids.map((i) => facts.get(i)).filter((f): f is DocumentFacts => Boolean(f));
  const known = all.filter((f) => mayKnowOf(actor.user, f, special));
  const visible = known.filter((f) => mayReadStatus(actor.user, f, special));
  const personIds = (list: DocumentFacts[]) => [...list.map((f) => f.personId).filter((p): p is string => Boolean(p)), ...(kind === 'person' ? [id] : [])];

  if (visible.length === 0) {
    await recordLookup(ctx, actor, { action: `status:${kind}`, subject, purpose, documentIds: all.map((f) => f.id), personIds: personIds(all), outcome: all.length ? 'denied' : 'not-found' });
    // A person, or a document only the special unit may know of, is simply "not found".
    if (known.length === 0 || kind === 'person') throw new NotFoundError('ingen treff');
    throw new ForbiddenError('du har ikke tilgang til status for dette');
  }
  await recordLookup(ctx, actor, { action: `status:${kind}`, subject, purpose, documentIds: visible.map((f) => f.id), personIds: personIds(visible) });

  const unitName = (u: string) => ctx.directory.unit(u)?.name ?? '';
  const inbox = isInbox(ctx);
  const policies = await policiesOf(ctx);
  const events = await listEvents(ctx.db, visible.map((f) => f.id));
  const documents: TimelineDocument[] = [];
  for (const f of visible) {
    const d = (await getDocument(ctx.db, f.id))!;
    const decision = await latestDecision(ctx.db, d.id);
    const deliveries = (await listDeliveries(ctx.db, d.id)).filter((x) => inbox(x.unitId));
    documents.push({
      id: d.id, file: d.fileName, title: d.title, status: d.status, stage: d.stage, pages: d.pageCount, formNumber: d.formNumber,
      tema: d.tema, kind: d.documentKind, person: personIdFor(d.personId, false), caseId: d.caseId, receivedAt: d.receivedAt.toISOString(),
      route: decision && { policy: decision.policyId, rule: decision.ruleId, units: decision.destinations.filter((x) => inbox(x.unitId)).map((x) => ({ unitId: x.unitId, name: unitName(x.unitId) })) },
      deliveries: deliveries.map((x) => ({
        unitId: x.unitId, name: unitName(x.unitId), deliveredAt: x.deliveredAt.toISOString(),
        takenAt: x.takenAt?.toISOString() ?? null, returnedAt: x.returnedAt?.toISOString() ?? null,
      })),
      now: whereNow(d, f, deliveries, unitName),
      history: events.filter((e) => e.documentId === d.id).map((e) => ({ at: e.at.toISOString(), type: e.type, text: describeEventNb(e.type, e.detail, unitName, policies) })),
    });
  }
  return { kind, id: subject, documents };
}
