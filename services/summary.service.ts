import { getBatch, listSetAside } from '../storage/repositories/batches.repository.ts';
import { batchProgress as progressOf, listDocuments } from '../storage/repositories/documents.repository.ts';
import { latestDecision } from '../storage/repositories/routing.repository.ts';
import { NotFoundError } from './status.service.ts';
import { documentFacts } from '../storage/repositories/document-access.repository.ts';
import { mayKnowOf, protectedUnits, requireRole, type Actor } from './access.service.ts';
import { recordLookup } from './audit.service.ts';
import type { Context } from '../app/context.ts';

export interface SummaryRow {
  documentId: string;
  file: string;
  status: string;
  stage: string;
  formNumber: string | null;
  tema: string | null;
  kind: string | null;
  caseId: string | null;
  rule: string | null;
  units: string[];
  pages: number | null;
}

export interface BatchSummary {
  batchId: string;
  done: boolean;
  rows: SummaryRow[];
  setAside: Array<{ name: string; reason: string }>;
  pages: number;
  firstReceived: string | null;
  lastFinished: string | null;
}

/**
 * A batch's progress in one query, with batchSummary's `done`: what a loop that waits for a
 * batch asks every second (batchSummary reads each document's routing decision as well).
 */
export async function batchProgress(ctx: Pick<Context, 'db'>, batchId: string): Promise<{ documents: number; finished: number; pages: number; done: boolean }> {
  const p = await progressOf(ctx.db, batchId);
  return { ...p, done: p.finished === p.documents };
}

/** Where each document of a batch went; `done` once every document is archived or waits in the mail room. */
export async function batchSummary(ctx: Pick<Context, 'db' | 'directory'>, batchId: string): Promise<BatchSummary> {
  if (!(await getBatch(ctx.db, batchId))) throw new NotFoundError(`no batch ${batchId}`);
  const docs = await listDocuments(ctx.db, { batchId });
  const rows: SummaryRow[] = [];
  for (const d of docs) {
    const decision = await latestDecision(ctx.db, d.id);
    rows.push({
      documentId: d.id, file: d.fileName, status: d.status, stage: d.stage, formNumber: d.formNumber, tema: d.tema,
      kind: d.documentKind, caseId: d.caseId, rule: decision?.ruleId ?? null, pages: d.pageCount,
      units: (decision?.destinations ?? []).map((u) => `${u.unitId} ${ctx.directory.unit(u.unitId)?.name ?? ''}`.trim()),
    });
  }
  const finished = docs.map((d) => d.archivedAt ?? (d.status === 'manual' && !d.routedAt ? d.identifiedAt ?? d.splitAt ?? d.receivedAt : null));
  const done = docs.every((d) => d.archivedAt || (d.status === 'manual' && !d.routedAt));
  const times = finished.filter((t): t is Date => t !== null).map((t) => t.getTime());
  return {
    batchId,
    done,
    rows,
    setAside: await listSetAside(ctx.db, batchId),
    pages: docs.reduce((s, d) => s + (d.pageCount ?? 0), 0),
    firstReceived: docs.length ? new Date(Math.min(...docs.map((d) => d.receivedAt.getTime()))).toISOString() : null,
    lastFinished: done && times.length ? new Date(Math.max(...times)).toISOString() : null,
  };
}

/**
 * The summary as someone in the mail room or administration may see it: a strictly confidential
 * document is counted, never described (as on the reconciliation page); the read is recorded.
 */
export async function batchSummaryFor(ctx: Pick<Context, 'db' | 'directory' | 'reference'>, actor: Actor, batchId: string): Promise<BatchSummary> {
  requireRole(actor, 'operator', 'admin');
  if (!(await getBatch(ctx.db, batchId))) {
    await recordLookup(ctx, actor, { action: 'batch:summary', subject: batchId, purpose: 'postmottak: avstemming av bunke', outcome: 'not-found' });
    throw new NotFoundError(`fant ikke bunke ${batchId}`);
  }
  const s = await batchSummary(ctx, batchId);
  const facts = await documentFacts(ctx.db, s.rows.map((r) => r.documentId));
  const special = protectedUnits(ctx);
  const shown = (id: string) => { const f = facts.get(id); return Boolean(f && (f.mergedInto || mayKnowOf(actor.user, f, special))); };
  const rows = s.rows.map((r): SummaryRow => (shown(r.documentId) ? r : {
    documentId: '—', file: 'skjermet dokument', status: r.status, stage: r.stage, formNumber: null, tema: null, kind: null, caseId: null, rule: null, units: [], pages: null,
  }));
  const visible = s.rows.filter((r) => shown(r.documentId)).map((r) => r.documentId);
  await recordLookup(ctx, actor, {
    action: 'batch:summary', subject: batchId, purpose: 'postmottak: avstemming av bunke', documentIds: visible,
    personIds: [...facts.values()].filter((f) => visible.includes(f.id) && f.personId).map((f) => f.personId!),
  });
  return { ...s, rows };
}

/** A fixed-width table for the terminal. */
export function formatSummary(s: BatchSummary): string {
  const head = ['document', 'file', 'status', 'tema', 'form', 'kind', 'case', 'rule', 'unit(s)'];
  const body = s.rows.map((r) => [r.documentId, r.file.length > 34 ? `…${r.file.slice(-33)}` : r.file, r.status, r.tema ?? '—', r.formNumber ?? '—', r.kind ?? '—', r.caseId ?? '—', r.rule ?? '—', r.units.join(' + ') || '—']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const a of s.setAside) out.push(`set aside: ${a.name}: ${a.reason}`);
  return out.join('\n');
}
