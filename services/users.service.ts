import { inTransaction } from '../storage/db/pool.ts';
import { getUser, listUsers, upsertUser, type Role, type UserRow } from '../storage/repositories/users.repository.ts';
import type { Context } from '../app/context.ts';
import { requireRole, type Actor } from './access.service.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { paged, type Page, type Paged } from './paging.ts';

type Ctx = Pick<Context, 'db' | 'directory' | 'config'>;

/** The signed-in user, if the token's subject is a known, active user allowed in this mode. */
export async function userForSubject(ctx: Ctx, subject: string): Promise<UserRow | null> {
  const u = await getUser(ctx.db, subject);
  if (!u || !u.active) return null;
  // Seeded dev users exist in every database; they sign in only in dev mode.
  if (u.source === 'dev' && ctx.config.AUTH_MODE !== 'dev') return null;
  return u;
}

export async function devUsers(ctx: Ctx): Promise<UserRow[]> {
  return (await listUsers(ctx.db, { source: 'dev', limit: 100, offset: 0 })).rows.filter((u) => u.active);
}

export async function adminListUsers(ctx: Ctx, actor: Actor, page: Page): Promise<Paged<UserRow>> {
  requireRole(actor, 'admin');
  const { rows, total } = await listUsers(ctx.db, page.sql);
  return paged(rows, total, page);
}

export async function adminSaveUser(ctx: Ctx, actor: Actor, u: { id: string; name: string; role: Role; units: string[]; active: boolean }, mustExist: boolean): Promise<UserRow> {
  requireRole(actor, 'admin');
  const existing = await getUser(ctx.db, u.id);
  if (mustExist && !existing) throw new NotFoundError(`fant ikke bruker ${u.id}`);
  for (const unit of u.units) if (!ctx.directory.unit(unit)) throw new InvalidInputError(`ukjent enhet ${unit}`);
  if (u.role === 'caseworker' && u.units.length === 0) throw new InvalidInputError('en saksbehandler må være knyttet til minst én enhet');
  if (u.role !== 'caseworker' && u.units.length > 0) throw new InvalidInputError('bare saksbehandlere knyttes til enheter');
  if (u.id === actor.user.id && (u.role !== 'admin' || !u.active)) throw new InvalidInputError('du kan ikke fjerne din egen administratortilgang');
  await inTransaction(ctx.db, (tx) => upsertUser(tx, { ...u, source: existing?.source ?? 'oidc' }));
  return (await getUser(ctx.db, u.id))!;
}
