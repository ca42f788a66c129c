import { CoverSheetRequest, renderCoverSheetPdf, type CoverSheet, type CoverSheetRequestInput } from '../pipeline/foersteside/cover-sheet.ts';
import type { Reference } from '../pipeline/reference.ts';
import type { Db } from '../storage/db/pool.ts';
import { createCoverSheet, getCoverSheetWithCreator } from '../storage/repositories/foersteside.repository.ts';
import { strictlyConfidentialPersons } from '../storage/repositories/document-access.repository.ts';
import type { Context } from '../app/context.ts';
import { isSpecialCaseworker, maskId, protectedUnits, type Actor } from './access.service.ts';
import { recordLookup } from './audit.service.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';

export class CoverSheetError extends Error {}

/** Checks a cover sheet order against the catalogue and units; throws CoverSheetError with what is wrong. */
export function validateOrder(input: CoverSheetRequestInput, ref: Reference): CoverSheetRequest & { title: string } {
  const parsed = CoverSheetRequest.safeParse(input);
  if (!parsed.success) {
    throw new CoverSheetError(parsed.error.issues.map((i) => (i.path[0] === 'personId' ? 'fødselsnummeret er ikke gyldig' : `${String(i.path[0] ?? 'bestillingen')} er ugyldig`)).join('; '));
  }
  const req = parsed.data;
  if (!ref.tema.has(req.tema)) throw new CoverSheetError(`ukjent tema ${req.tema}`);
  const form = req.formNumber ? ref.forms.get(req.formNumber) : undefined;
  if (req.formNumber && !form) throw new CoverSheetError(`skjema ${req.formNumber} finnes ikke i skjemakatalogen`);
  if (form && form.tema !== req.tema) throw new CoverSheetError(`skjema ${req.formNumber} hører til tema ${form.tema}, ikke ${req.tema}`);
  if (req.unit && !ref.units.some((u) => u.id === req.unit)) throw new CoverSheetError(`ukjent enhet ${req.unit}`);
  const title = req.title ?? form?.tittel ?? ref.tema.get(req.tema)!.navn;
  return { ...req, title };
}

/** Stores a new cover sheet (next løpenummer of the day) and renders its printable PDF. */
export async function orderCoverSheet(ctx: { db: Db; reference: Reference }, input: CoverSheetRequestInput, actor: string): Promise<{ sheet: CoverSheet; pdf: Buffer }> {
  const req = validateOrder(input, ctx.reference);
  const sheet = await createCoverSheet(ctx.db, req, actor);
  const pdf = await renderCoverSheetPdf(sheet, ctx.reference.tema.get(sheet.tema)?.navn);
  return { sheet, pdf };
}

/**
 * Reading a cover sheet. It names a person, so: a strictly confidential person's sheet (or one for
 * NAV Vikafossen) only for NAV Vikafossen's caseworkers; any other sheet for the mail room (person
 * masked), whoever printed it and the caseworkers of the unit it names (in full). Anyone else gets
 * what an unknown number gets, so numbers cannot be counted through. Every read is recorded.
 */
export async function readCoverSheet(ctx: Pick<Context, 'db' | 'reference'>, actor: Actor, loepenummer: string, what: 'metadata' | 'pdf'): Promise<CoverSheet> {
  const found = await getCoverSheetWithCreator(ctx.db, loepenummer);
  const action = what === 'pdf' ? 'foersteside:pdf' : 'foersteside:read';
  const personIds = found?.sheet.personId ? [found.sheet.personId] : [];
  const log = (outcome: 'granted' | 'denied' | 'not-found') => recordLookup(ctx, actor, { action, subject: loepenummer, purpose: 'førsteside', personIds, outcome });
  const notFound = () => new NotFoundError(`fant ikke førsteside ${loepenummer}`);
  if (!found) {
    await log('not-found');
    throw notFound();
  }
  const { sheet, createdBy } = found;
  const special = protectedUnits(ctx);
  const kode6 = (sheet.unit !== undefined && special.has(sheet.unit)) || (await strictlyConfidentialPersons(ctx.db, personIds)).size > 0;
  const unitMember = actor.user.role === 'caseworker' && sheet.unit !== undefined && actor.user.units.includes(sheet.unit);
  const full = kode6 ? isSpecialCaseworker(actor.user, special) : createdBy === actor.user.id || unitMember;
  const may = full || (!kode6 && actor.user.role === 'operator');
  if (!may) {
    await log('denied');
    throw notFound();
  }
  if (what === 'pdf' && !full) {
    await log('denied');
    throw new ForbiddenError('førstesiden skrives ut av den som bestilte den eller av enheten den gjelder', true);
  }
  await log('granted');
  return { ...sheet, personId: sheet.personId && !full ? maskId(sheet.personId) : sheet.personId };
}
