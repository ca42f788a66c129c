import { appendAccess, listAccess, type AccessLogRow } from '../storage/repositories/access-log.repository.ts';
import type { Context } from '../app/context.ts';
import { maskId, protectedUnits, requireRole, type Actor } from './access.service.ts';

const AUDIT_PERSON = 'audit:person';
import { strictlyConfidentialIds, strictlyConfidentialPersons } from '../storage/repositories/document-access.repository.ts';
import { paged, type Page, type Paged } from './paging.ts';

export interface Lookup {
  action: string;
  subject: string;
  purpose: string;
  documentIds?: string[];
  personIds?: string[];
  outcome?: 'granted' | 'denied' | 'not-found';
}

/** Records a read (or a refused read) of persons' documents or cases: who, when, what, why. */
export async function recordLookup(ctx: Pick<Context, 'db'>, actor: Actor, l: Lookup): Promise<void> {
  await appendAccess(ctx.db, {
    actor: actor.user.id,
    userId: actor.user.id,
    role: actor.user.role,
    channel: actor.channel,
    purpose: l.purpose,
    action: l.action,
    subject: l.subject,
    personIds: [...new Set(l.personIds ?? [])],
    documentIds: [...new Set(l.documentIds ?? [])],
    outcome: l.outcome ?? 'granted',
  });
}

export interface LookupEntry extends Omit<AccessLogRow, 'at'> {
  at: string;
}

/**
 * Administrators' control of look-ups: per user or per person; itself recorded when per person.
 * An administrator is not entitled to know who has a strictly confidential address: a look-up
 * concerning such a person or document is listed with what it concerned masked, and asking for
 * such a person answers as for a person nobody looked up.
 */
export async function listLookups(ctx: Pick<Context, 'db' | 'reference'>, actor: Actor, f: { userId?: string; personId?: string }, page: Page): Promise<Paged<LookupEntry>> {
  requireRole(actor, 'admin');
  if (f.personId) {
    await recordLookup(ctx, actor, { action: AUDIT_PERSON, subject: 'access_log', purpose: 'kontroll av oppslag', personIds: [f.personId] });
    if ((await strictlyConfidentialPersons(ctx.db, [f.personId])).size > 0) return paged([], 0, page);
  }
  // Per person: others' look-ups of the person (the control's own look-ups are listed per user).
  const { rows, total } = await listAccess(ctx.db, { actor: f.userId, personId: f.personId, excludeActions: f.personId ? [AUDIT_PERSON] : [], ...page.sql });
  const persons = await strictlyConfidentialPersons(ctx.db, [...new Set(rows.flatMap((r) => r.personIds))]);
  const docs = await strictlyConfidentialIds(ctx.db, [...new Set(rows.flatMap((r) => [...r.documentIds, ...(/^JP\d+$/.test(r.subject) ? [r.subject] : [])]))]);
  const special = protectedUnits(ctx);
  const masked = (r: AccessLogRow): boolean => r.personIds.some((p) => persons.has(p)) || r.documentIds.some((d) => docs.has(d)) || docs.has(r.subject) || special.has(r.subject);
  return paged(rows.map((r) => ({
    ...r, at: r.at.toISOString(),
    // An administrator's own per-person look-up is shown alike for everyone, so it tells nobody whether that person is protected.
    // Person ids as birth dates only (the page counts them); in full only the one asked for.
    personIds: r.personIds.map((p) => (p === f.personId ? p : maskId(p))),
    ...(r.action !== AUDIT_PERSON && masked(r) ? { subject: 'skjermet', purpose: 'skjermet', personIds: [], documentIds: [] } : {}),
  })), total, page);
}
