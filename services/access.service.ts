import { ForbiddenError } from './errors.ts';
import type { Context } from '../app/context.ts';
import type { DocumentFacts } from '../storage/repositories/document-access.repository.ts';
import type { Role, UserRow } from '../storage/repositories/users.repository.ts';

/** How a request came: the web app, or another API client (a script, a scanner station). */
export type Channel = 'api' | 'web';

/** Who is asking, and through what: every service that reads a person's data takes one. The channel is the server's finding. */
export interface Actor {
  user: UserRow;
  channel: Channel;
}

export type { Role, UserRow };

/**
 * The rules, in one place:
 * - Strictly confidential address (kode 6): the document exists only for the caseworkers of NAV
 *   Vikafossen — in their inbox, and in their own manual queue when it needs a person. Everyone else
 *   gets what they would get for a document that does not exist.
 * - Confidential address (kode 7) and NAV employees (skjermet): the content and the full person id
 *   only to the units that hold the document, and to the mail room while it is there.
 * - Status (no content, person masked): status readers and operators; caseworkers for their units.
 */

/** Units that may see strictly confidential (kode 6) documents: NAV Vikafossen. */
export function protectedUnits(ctx: Pick<Context, 'reference'>): Set<string> {
  return new Set(ctx.reference.units.filter((u) => u.type === 'vikafossen').map((u) => u.id));
}

export function isStrictlyConfidential(f: Pick<DocumentFacts, 'protection' | 'restricted'>): boolean {
  return f.protection === 'strengt-fortrolig' || f.restricted === 'strengt-fortrolig';
}

export type Protection = 'strengt-fortrolig' | 'fortrolig' | 'skjermet';

/** The document's protection, strictest first (shown to those who may read it, so they handle it right). */
export function protectionOf(f: Pick<DocumentFacts, 'protection' | 'restricted' | 'skjermet'>): Protection | null {
  if (isStrictlyConfidential(f)) return 'strengt-fortrolig';
  if (f.protection === 'fortrolig' || f.restricted === 'fortrolig') return 'fortrolig';
  if (f.skjermet || f.restricted === 'skjermet') return 'skjermet';
  return null;
}

/** A caseworker of NAV Vikafossen. */
export function isSpecialCaseworker(user: UserRow, special: Set<string>): boolean {
  return user.role === 'caseworker' && user.units.some((u) => special.has(u));
}

/** A strictly confidential document exists only for the special unit's caseworkers. */
export function mayKnowOf(user: UserRow, f: DocumentFacts, special: Set<string>): boolean {
  if (f.mergedInto) return false;
  if (!isStrictlyConfidential(f)) return true;
  return isSpecialCaseworker(user, special);
}

/** Who handles a document in a manual queue: the mail room, or NAV Vikafossen for kode 6. */
export function mayHandleManual(user: UserRow, f: DocumentFacts, special: Set<string>): boolean {
  if (f.mergedInto || f.status !== 'manual') return false;
  return isStrictlyConfidential(f) ? isSpecialCaseworker(user, special) : user.role === 'operator';
}

/** Page images, OCR text and the archive PDF. */
export function mayReadContent(user: UserRow, f: DocumentFacts, special: Set<string>): boolean {
  if (!mayKnowOf(user, f, special)) return false;
  const inMailRoom = f.status === 'processing' || f.status === 'manual';
  switch (user.role) {
    case 'operator': return inMailRoom; // only while in the mail room
    case 'caseworker': return f.activeUnits.some((u) => user.units.includes(u)) || (inMailRoom && isStrictlyConfidential(f));
    default: return false;
  }
}

/** The status timeline (no content). */
export function mayReadStatus(user: UserRow, f: DocumentFacts, special: Set<string>): boolean {
  if (!mayKnowOf(user, f, special)) return false;
  switch (user.role) {
    case 'status-reader':
    case 'operator': return true;
    case 'caseworker': return f.activeUnits.some((u) => user.units.includes(u)) || isStrictlyConfidential(f);
    default: return false;
  }
}

/** The person id in full only where the work needs it: reading the content to handle it. */
export function personIdFor(id: string | null, needsFull: boolean): string | null {
  if (!id) return null;
  return needsFull ? id : maskId(id);
}

/** Birth date part only: enough to tell people apart on a screen. */
export const maskId = (id: string) => `${id.slice(0, 6)}*****`;

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.user.role)) throw new ForbiddenError();
}

/** The person the scanning vendor's XML names, when the document has none of its own yet. */
export function vendorPersonId(doc: { personId: string | null; vendorMetadata: Record<string, unknown> | null } | null): string | null {
  if (!doc || doc.personId) return null;
  const id = (doc.vendorMetadata as { journalpost?: { bruker?: { brukerId?: unknown } } } | null)?.journalpost?.bruker?.brukerId;
  return typeof id === 'string' && /^\d{11}$/.test(id) ? id : null;
}
