import { describeEvent, maskPersonId } from '../pipeline/status/timeline.ts';
import { getBatch, listSetAside } from '../storage/repositories/batches.repository.ts';
import { getCase } from '../storage/repositories/cases.repository.ts';
import { recordAccess } from '../storage/repositories/audit.repository.ts';
import { getDocument, listDocuments, type DocumentRow } from '../storage/repositories/documents.repository.ts';
import { listEvents } from '../storage/repositories/events.repository.ts';
import { latestDecision } from '../storage/repositories/routing.repository.ts';
import type { Context } from '../app/context.ts';

export interface DocumentStatus {
  id: string;
  file: string;
  status: DocumentRow['status'];
  stage: string;
  pages: number | null;
  formNumber: string | null;
  tema: string | null;
  kind: string | null;
  confidence: number | null;
  person: string | null; // masked
  caseId: string | null;
  route: { policy: string; rule: string; source: string; units: Array<{ unitId: string; unitType: string; name: string }>; restricted: string | null } | null;
  manualReason: string | null;
  history: Array<{ at: string; type: string; text: string }>;
}

export interface StatusReport {
  kind: 'document' | 'batch' | 'case';
  id: string;
  documents: DocumentStatus[];
  setAside?: Array<{ name: string; reason: string }>;
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

type Ctx = Pick<Context, 'db' | 'directory'>;

/** Where a document (JP…), every document of a batch (B…) or of a case (SAK…) is, with full history. */
export async function lookupStatus(ctx: Ctx, id: string, who: { actor: string; purpose: string }): Promise<StatusReport> {
  let kind: StatusReport['kind'];
  let docs: DocumentRow[];
  let setAside: StatusReport['setAside'];
  if (/^JP\d+$/.test(id)) {
    kind = 'document';
    const d = await getDocument(ctx.db, id);
    if (!d) throw new NotFoundError(`no document ${id}`);
    docs = [d];
  } else if (/^B\d+$/.test(id)) {
    kind = 'batch';
    if (!(await getBatch(ctx.db, id))) throw new NotFoundError(`no batch ${id}`);
    docs = await listDocuments(ctx.db, { batchId: id });
    setAside = await listSetAside(ctx.db, id);
  } else if (/^SAK\d+$/.test(id)) {
    kind = 'case';
    if (!(await getCase(ctx.db, id))) throw new NotFoundError(`no case ${id}`);
    docs = await listDocuments(ctx.db, { caseId: id });
  } else {
    throw new NotFoundError(`"${id.slice(0, 40)}" is not a document (JP…), batch (B…) or case (SAK…) id`);
  }

  const personIds = [...new Set(docs.map((d) => d.personId).filter((p): p is string => Boolean(p)))];
  await recordAccess(ctx.db, { actor: who.actor, purpose: who.purpose, action: `status:${kind}`, subject: id, personIds });

  const events = await listEvents(ctx.db, docs.map((d) => d.id));
  const unitName = (u: string) => ctx.directory.unit(u)?.name ?? '';
  const documents = await Promise.all(
    docs.map(async (d): Promise<DocumentStatus> => {
      const decision = await latestDecision(ctx.db, d.id);
      return {
        id: d.id,
        file: d.fileName,
        status: d.status,
        stage: d.stage,
        pages: d.pageCount,
        formNumber: d.formNumber,
        tema: d.tema,
        kind: d.documentKind,
        confidence: d.confidence === null ? null : Math.round(d.confidence * 100) / 100,
        person: maskPersonId(d.personId),
        caseId: d.caseId,
        route: decision && {
          policy: decision.policyId,
          rule: decision.ruleId,
          source: decision.ruleSource,
          units: decision.destinations.map((x) => ({ ...x, name: unitName(x.unitId) })),
          restricted: decision.restricted,
        },
        manualReason: d.manualReason,
        history: events.filter((e) => e.documentId === d.id).map((e) => ({ at: e.at.toISOString(), type: e.type, text: describeEvent(e, unitName) })),
      };
    }),
  );
  return { kind, id, documents, setAside };
}

/** Plain-text rendering for the CLI. */
export function formatStatus(r: StatusReport): string {
  const out: string[] = [`${r.kind} ${r.id}: ${r.documents.length} document(s)`];
  for (const d of r.documents) {
    const where = d.route ? d.route.units.map((u) => `${u.unitId} ${u.name}`).join(' + ') : '—';
    out.push('', `${d.id}  ${d.file}`, `  status ${d.status} (stage ${d.stage}); tema ${d.tema ?? '—'}; form ${d.formNumber ?? '—'}; case ${d.caseId ?? '—'}; at ${where}`);
    if (d.manualReason) out.push(`  manual: ${d.manualReason}`);
    for (const h of d.history) out.push(`  ${h.at}  ${h.text}`);
  }
  for (const s of r.setAside ?? []) out.push('', `set aside: ${s.name}: ${s.reason}`);
  return out.join('\n');
}
