import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COVER_LANGUAGES, renderCoverSheetPdf } from '../../pipeline/foersteside/cover-sheet.ts';
import { parseLoepenummer } from '../../pipeline/foersteside/loepenummer.ts';
import { InvalidInputError } from '../../services/errors.ts';
import { CoverSheetError, orderCoverSheet, readCoverSheet } from '../../services/foersteside.service.ts';
import { recordLookup } from '../../services/audit.service.ts';
import { actorOf, only } from '../auth/plugin.ts';
import { binary, CoverSheetBody } from './bodies.ts';
import { bearerAuth, errors, type RouteOptions } from './common.ts';

const Order = z.object({
  tema: z.string().regex(/^[A-Z]{3}$/).describe('tema code, e.g. DAG'),
  formNumber: z.string().optional().describe('e.g. "NAV 04-01.03"'),
  followUp: z.boolean().optional().describe('ettersendelse (NAVe) to an earlier claim'),
  title: z.string().min(3).max(200).optional(),
  personId: z.string().regex(/^\d{11}$/).optional().describe("the user's fødselsnummer or D-number"),
  attachments: z.array(z.string().min(2).max(200)).max(30).optional().describe('expected attachments (vedleggsliste)'),
  unit: z.string().regex(/^\d{4}$/).optional(),
  language: z.enum(COVER_LANGUAGES).optional(),
});
const Loepenummer = z.object({ loepenummer: z.string().regex(/^\d{14}$/, 'a 14-digit løpenummer') });

function checked(lnr: string): string {
  if (!parseLoepenummer(lnr)) throw new InvalidInputError(`${lnr} er ikke et gyldig løpenummer (datoen eller kontrollsifferet stemmer ikke)`);
  return lnr;
}

/** Cover sheets (førsteside): order one (stored, with a printable PDF), read its metadata, print it again. */
export const foerstesideRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.post('/api/foersteside', {
    config: only('operator', 'caseworker', 'admin'),
    schema: { tags: ['foersteside'], summary: 'Create a cover sheet: the next løpenummer of the day, stored with its metadata', security: bearerAuth, body: Order, response: { 201: CoverSheetBody.extend({ pdf: z.string().describe('where to fetch the printable PDF') }), ...errors } },
  }, async (req, reply) => {
    try {
      const { sheet } = await orderCoverSheet(ctx, req.body, actorOf(req).user.id);
      await recordLookup(ctx, actorOf(req), { action: 'foersteside:create', subject: sheet.loepenummer, purpose: 'førsteside', personIds: sheet.personId ? [sheet.personId] : [] });
      return reply.code(201).send({ ...sheet, createdAt: new Date(sheet.createdAt).toISOString(), pdf: `/api/foersteside/${sheet.loepenummer}/pdf` });
    } catch (err) {
      if (err instanceof CoverSheetError) throw new InvalidInputError(err.message);
      throw err;
    }
  });

  app.get('/api/foersteside/:loepenummer', {
    config: only('operator', 'caseworker'),
    schema: {
      tags: ['foersteside'], summary: 'Metadata of a cover sheet (person masked for the mail room; only NAV Vikafossen for strictly confidential persons); recorded', security: bearerAuth,
      params: Loepenummer, response: { 200: CoverSheetBody, ...errors },
    },
  }, async (req) => {
    const sheet = await readCoverSheet(ctx, actorOf(req), checked(req.params.loepenummer), 'metadata');
    return { ...sheet, createdAt: new Date(sheet.createdAt).toISOString() };
  });

  app.get('/api/foersteside/:loepenummer/pdf', {
    config: only('operator', 'caseworker'),
    schema: { tags: ['foersteside'], summary: 'The printable cover sheet (PDF with the Code 39 barcode), for whoever ordered it and the unit it names; recorded', security: bearerAuth, params: Loepenummer, response: { 200: binary('application/pdf', 'the printable cover sheet'), ...errors } },
  }, async (req, reply) => {
    const sheet = await readCoverSheet(ctx, actorOf(req), checked(req.params.loepenummer), 'pdf');
    const pdf = await renderCoverSheetPdf(sheet, ctx.reference.tema.get(sheet.tema)?.navn);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="foersteside-${sheet.loepenummer}.pdf"`).send(pdf);
  });
};
