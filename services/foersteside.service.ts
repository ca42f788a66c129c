import { CoverSheetRequest, renderCoverSheetPdf, type CoverSheet, type CoverSheetRequestInput } from '../pipeline/foersteside/cover-sheet.ts';
import type { Reference } from '../pipeline/reference.ts';
import type { Db } from '../storage/db/pool.ts';
import { createCoverSheet } from '../storage/repositories/foersteside.repository.ts';

export class CoverSheetError extends Error {}

/** Checks a cover sheet order against the catalogue and units; throws CoverSheetError with what is wrong. */
export function validateOrder(input: CoverSheetRequestInput, ref: Reference): CoverSheetRequest & { title: string } {
  const parsed = CoverSheetRequest.safeParse(input);
  if (!parsed.success) throw new CoverSheetError(parsed.error.issues.map((i) => `${i.path.join('.') || 'order'}: ${i.message}`).join('; '));
  const req = parsed.data;
  if (!ref.tema.has(req.tema)) throw new CoverSheetError(`unknown tema ${req.tema}`);
  const form = req.formNumber ? ref.forms.get(req.formNumber) : undefined;
  if (req.formNumber && !form) throw new CoverSheetError(`form ${req.formNumber} is not in the catalogue`);
  if (form && form.tema !== req.tema) throw new CoverSheetError(`form ${req.formNumber} belongs to tema ${form.tema}, not ${req.tema}`);
  if (req.unit && !ref.units.some((u) => u.id === req.unit)) throw new CoverSheetError(`unknown unit ${req.unit}`);
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
