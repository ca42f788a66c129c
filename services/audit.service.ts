import { appendAccess, listAccess, type AccessLogRow } from '../storage/repositories/access-log.repository.ts';
import type { Context } from '../app/context.ts';
import { requireRole, type Actor } from './access.service.ts';
import { paged, type Page, type Paged } from './paging.ts';

export interface Lookup {
  action: string;
  subject: string;
  purpose: string;
  documentIds?: string[];
  personIds?: string[];
  outcome?: 'granted' | 'denied';
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

/** Administrators' control of look-ups: per user or per person. Itself recorded when per person. */
export async function listLookups(ctx: Pick<Context, 'db'>, actor: Actor, f: { userId?: string; personId?: string }, page: Page): Promise<Paged<LookupEntry>> {
  requireRole(actor, 'admin');
  const { rows, total } = await listAccess(ctx.db, { actor: f.userId, personId: f.personId, ...page.sql });
  if (f.personId) {
    await recordLookup(ctx, actor, { action: 'audit:person', subject: 'access_log', purpose: 'kontroll av oppslag', personIds: [f.personId] });
  }
  return paged(rows.map((r) => ({ ...r, at: r.at.toISOString() })), total, page);
}
