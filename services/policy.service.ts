import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../schemas/config.ts';
import { PolicySchema, type Policy } from '../schemas/reference.ts';
import { inTransaction } from '../storage/db/pool.ts';
import {
  addActivation, getPolicyVersion, latestActivation, listActivations, listPolicyVersions, savePolicyVersion,
  type ActivationRow, type PolicyVersionRow,
} from '../storage/repositories/policies.repository.ts';
import type { Queryable } from '../storage/repositories/queryable.ts';
import type { Context } from '../app/context.ts';
import { requireRole, type Actor } from './access.service.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { paged, type Page, type Paged } from './paging.ts';

/** Policy files shipped with the application, offered to the administrator by name. */
export const POLICY_DIR = path.join(ROOT, 'data', 'policies');
const FILE_NAME = /^[a-z0-9][a-z0-9-]*\.json$/;

type PolicyCtx = Pick<Context, 'db' | 'policy'>;

const parsed = new Map<number, Policy>();

/**
 * The routing policy in force: the newest one an administrator switched to (stored in the
 * database, so every worker and API process picks it up on its next decision), or the file named
 * by ROUTING_POLICY (ctx.policy) when none has been switched to. One small query per call; the
 * parsed document is kept per version.
 */
export async function activePolicy(ctx: PolicyCtx): Promise<Policy> {
  return (await resolveActive(ctx, ctx.db)).policy;
}

async function resolveActive(ctx: PolicyCtx, q: Queryable): Promise<{ policy: Policy; activation: ActivationRow | null; version: PolicyVersionRow | null }> {
  const activation = await latestActivation(q);
  if (!activation || activation.version === null) return { policy: ctx.policy, activation, version: null };
  const row = await getPolicyVersion(q, activation.version);
  if (!row) throw new Error(`routing policy version ${activation.version} is missing`);
  let policy = parsed.get(row.version);
  if (!policy) {
    // Validated when loaded; validated again here so a hand-edited row cannot route by a broken policy.
    policy = PolicySchema.parse(row.document);
    parsed.set(row.version, policy);
  }
  return { policy, activation, version: row };
}

export interface ActivePolicyView {
  /** null: the configured default (ROUTING_POLICY), not a stored version. */
  version: number | null;
  origin: string;
  activatedBy: string | null;
  activatedAt: string | null;
  policy: Policy;
}

export async function activePolicyView(ctx: PolicyCtx & Pick<Context, 'config'>, actor: Actor): Promise<ActivePolicyView> {
  requireRole(actor, 'admin');
  const { policy, activation, version } = await resolveActive(ctx, ctx.db);
  return {
    version: version?.version ?? null,
    origin: version?.origin ?? `config:${path.basename(ctx.config.ROUTING_POLICY)}`,
    activatedBy: activation?.activatedBy ?? null,
    activatedAt: activation?.activatedAt.toISOString() ?? null,
    policy,
  };
}

/** Checks a policy document; the message lists what is wrong, rule by rule. */
export function validatePolicy(document: unknown): Policy {
  let r: ReturnType<typeof PolicySchema.safeParse>;
  try {
    r = PolicySchema.safeParse(document);
  } catch {
    // PolicySchema's cross-rule checks assume the basic shape (e.g. at least one rule) and can throw on a malformed document.
    throw new InvalidInputError('ugyldig rutingspolicy: dokumentet har ikke formen til en rutingspolicy (id, title, source og minst én regel)');
  }
  if (!r.success) throw new InvalidInputError(`ugyldig rutingspolicy: ${r.error.issues.map((i) => `${i.path.join('.') || 'policy'}: ${i.message}`).join('; ')}`);
  return r.data;
}

export interface PolicyVersion extends Omit<PolicyVersionRow, 'loadedAt'> {
  loadedAt: string;
  active: boolean;
}

export interface LoadResult {
  version: PolicyVersion;
  /** False when the same document was loaded before (that version is reused). */
  created: boolean;
  active: ActivePolicyView;
}

/**
 * Loads a policy (an uploaded document or a file shipped in data/policies), validated with
 * PolicySchema, and by default switches to it. Who did it and when is stored with it.
 */
export async function loadPolicy(ctx: PolicyCtx & Pick<Context, 'config' | 'log'>, actor: Actor, input: { document?: unknown; file?: string; activate: boolean }): Promise<LoadResult> {
  requireRole(actor, 'admin');
  if ((input.document === undefined) === (input.file === undefined)) throw new InvalidInputError('send enten et policydokument eller navnet på en policyfil');
  let document = input.document;
  let origin = 'upload';
  if (input.file !== undefined) {
    if (!FILE_NAME.test(input.file) || !(await policyFileNames()).includes(input.file)) throw new NotFoundError(`fant ikke policyfilen ${input.file}`);
    try {
      document = JSON.parse(await readFile(path.join(POLICY_DIR, input.file), 'utf8'));
    } catch {
      throw new InvalidInputError(`policyfilen ${input.file} er ikke gyldig JSON`);
    }
    origin = `file:${input.file}`;
  }
  const policy = validatePolicy(document);
  const sha256 = createHash('sha256').update(JSON.stringify(policy)).digest('hex');
  const { row, created } = await inTransaction(ctx.db, async (tx) => {
    const saved = await savePolicyVersion(tx, { policyId: policy.id, title: policy.title, document: policy, sha256, origin, loadedBy: actor.user.id });
    if (input.activate) await addActivation(tx, saved.row.version, actor.user.id);
    return saved;
  });
  if (input.activate) ctx.log.info({ version: row.version, policy: policy.id, by: actor.user.id }, 'routing policy switched');
  const active = await activePolicyView(ctx, actor);
  return { version: { ...toView(row), active: active.version === row.version }, created, active };
}

/** Switches to a stored version, or back to the configured default (version null). */
export async function switchPolicy(ctx: PolicyCtx & Pick<Context, 'config' | 'log'>, actor: Actor, version: number | null): Promise<ActivePolicyView> {
  requireRole(actor, 'admin');
  if (version !== null) {
    const row = await getPolicyVersion(ctx.db, version);
    if (!row) throw new NotFoundError(`fant ikke policyversjon ${version}`);
    validatePolicy(row.document);
  }
  await addActivation(ctx.db, version, actor.user.id);
  ctx.log.info({ version, by: actor.user.id }, 'routing policy switched');
  return activePolicyView(ctx, actor);
}

const toView = (r: PolicyVersionRow) => ({ ...r, loadedAt: r.loadedAt.toISOString() });

export async function policyVersions(ctx: PolicyCtx, actor: Actor, page: Page): Promise<Paged<PolicyVersion>> {
  requireRole(actor, 'admin');
  const [{ rows, total }, current] = await Promise.all([listPolicyVersions(ctx.db, page.sql), latestActivation(ctx.db)]);
  return paged(rows.map((r) => ({ ...toView(r), active: current?.version === r.version })), total, page);
}

export interface PolicySwitch extends Omit<ActivationRow, 'activatedAt'> {
  activatedAt: string;
}

export async function policyHistory(ctx: PolicyCtx, actor: Actor, page: Page): Promise<Paged<PolicySwitch>> {
  requireRole(actor, 'admin');
  const { rows, total } = await listActivations(ctx.db, page.sql);
  return paged(rows.map((r) => ({ ...r, activatedAt: r.activatedAt.toISOString() })), total, page);
}

async function policyFileNames(): Promise<string[]> {
  return (await readdir(POLICY_DIR)).filter((f) => FILE_NAME.test(f)).sort();
}

export interface PolicyFile {
  file: string;
  policyId: string | null;
  title: string | null;
  /** Why the file cannot be loaded, if it cannot. */
  problem: string | null;
}

/** The policy files shipped in data/policies, each checked. */
export async function policyFiles(actor: Actor, page: Page): Promise<Paged<PolicyFile>> {
  requireRole(actor, 'admin');
  const names = await policyFileNames();
  const items = await Promise.all(names.slice(page.sql.offset, page.sql.offset + page.sql.limit).map(async (file): Promise<PolicyFile> => {
    try {
      const p = validatePolicy(JSON.parse(await readFile(path.join(POLICY_DIR, file), 'utf8')));
      return { file, policyId: p.id, title: p.title, problem: null };
    } catch (e) {
      return { file, policyId: null, title: null, problem: (e as Error).message.slice(0, 500) };
    }
  }));
  return paged(items, names.length, page);
}
