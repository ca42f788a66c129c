import { ForbiddenError } from './errors.ts';
import type { Context } from '../app/context.ts';
import type { DocumentFacts } from '../storage/repositories/document-access.repository.ts';
import type { Role, UserRow } from '../storage/repositories/users.repository.ts';

/** Who is asking, and through what: every service that reads a person's data takes one. */
export interface Actor {
  user: UserRow;
  channel: 'api' | 'web';
}

export type { Role, UserRow };

/** Units that may see strictly confidential (kode 6) documents: NAV Vikafossen. */
export function protectedUnits(ctx: Pick<Context, 'reference'>): Set<string> {
  return new Set(ctx.reference.units.filter((u) => u.type === 'vikafossen').map((u) => u.id));
}

export function isStrictlyConfidential(f: Pick<DocumentFacts, 'protection' | 'restricted'>): boolean {
  return f.protection === 'strengt-fortrolig' || f.restricted === 'strengt-fortrolig';
}

/** A strictly confidential document exists only for the special unit's caseworkers. */
export function mayKnowOf(user: UserRow, f: DocumentFacts, special: Set<string>): boolean {
  if (f.mergedInto) return false;
  if (!isStrictlyConfidential(f)) return true;
  return user.role === 'caseworker' && user.units.some((u) => special.has(u));
}

/** Page images, OCR text and the archive PDF. */
export function mayReadContent(user: UserRow, f: DocumentFacts, special: Set<string>): boolean {
  if (!mayKnowOf(user, f, special)) return false;
  switch (user.role) {
    case 'operator': return f.status === 'processing' || f.status === 'manual'; // only while in the mail room
    case 'caseworker': return f.activeUnits.some((u) => user.units.includes(u));
    default: return false;
  }
}

/** The status timeline (no content). */
export function mayReadStatus(user: UserRow, f: DocumentFacts, special: Set<string>): boolean {
  if (!mayKnowOf(user, f, special)) return false;
  switch (user.role) {
    case 'status-reader':
    case 'operator': return true;
    case 'caseworker': return f.activeUnits.some((u) => user.units.includes(u));
    default: return false;
  }
}

/** The person id in full only where the work needs it: reading the content to handle it. */
export function personIdFor(id: string | null, needsFull: boolean): string | null {
  if (!id) return null;
  return needsFull ? id : `${id.slice(0, 6)}*****`;
}

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.user.role)) throw new ForbiddenError();
}
