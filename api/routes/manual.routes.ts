import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { destinationUnits, manualItem, manualQueue, mergeManual, resolveManual, splitManual } from '../../services/manual-queue.service.ts';
import { DOCUMENT_KINDS } from '../../schemas/reference.ts';
import { actorOf, only } from '../auth/plugin.ts';
import { DestinationUnitBody, DocumentBody, ManualItemBody, MergeBody, paged, ResolveBody, SplitBody } from './bodies.ts';
import { bearerAuth, DocumentId, errors, PageQuery, pageOf, UnitId, type RouteOptions } from './common.ts';

export const manualRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const tags = ['manual queue'];
  // Operators, and NAV Vikafossen's caseworkers for strictly confidential documents (the service decides which queue).
  const guard = only('operator', 'caseworker');
  const params = z.object({ id: DocumentId });
  const conflict = { ...errors, 409: errors[400] };

  app.get('/api/manual', {
    config: guard,
    schema: {
      tags, summary: 'Documents waiting for a person: the mail room\'s queue, or NAV Vikafossen\'s for strictly confidential documents; oldest first by default',
      security: bearerAuth,
      querystring: PageQuery.extend({
        tema: z.string().regex(/^[A-Z]{3}$/).optional(),
        q: z.string().min(1).max(100).optional().describe('words in the file name, the reason, the id or the text'),
        sort: z.enum(['oldest', 'newest', 'tema', 'file', 'reason']).default('oldest'),
      }),
      response: { 200: paged(ManualItemBody), ...errors },
    },
  }, async (req) => manualQueue(ctx, actorOf(req), req.query, pageOf(req.query)));

  app.get('/api/units', {
    config: guard,
    schema: { tags, summary: 'Units a document can be sent to by hand (NAV Vikafossen only for, and only to, strictly confidential documents)', security: bearerAuth, response: { 200: z.array(DestinationUnitBody), ...errors } },
  }, async (req) => destinationUnits(ctx, actorOf(req)));

  app.get('/api/manual/:id', {
    config: guard,
    schema: { tags, summary: 'One item: pages, OCR text and the machine\'s guesses', security: bearerAuth, params, response: { 200: DocumentBody, ...conflict } },
  }, async (req) => manualItem(ctx, actorOf(req), req.params.id));

  app.post('/api/manual/:id/resolve', {
    config: guard,
    schema: {
      tags, summary: 'Set person, tema, form and kind; the document is attached and routed on', security: bearerAuth, params,
      body: z.object({
        personId: z.string().regex(/^\d{11}$/, 'fødselsnummer: 11 digits'),
        tema: z.string().regex(/^[A-Z]{3}$/),
        formNumber: z.string().min(3).max(30).nullable().default(null),
        kind: z.enum(DOCUMENT_KINDS),
        unitId: UnitId.optional().describe('send it here instead of where the rules say'),
      }),
      response: { 200: ResolveBody, ...conflict },
    },
  }, async (req) => resolveManual(ctx, actorOf(req), req.params.id, req.body));

  app.post('/api/manual/:id/split', {
    config: guard,
    schema: { tags, summary: 'Pages from fromPage on become a new document', security: bearerAuth, params, body: z.object({ fromPage: z.number().int().min(2) }), response: { 201: SplitBody, ...conflict } },
  }, async (req, reply) => reply.code(201).send(await splitManual(ctx, actorOf(req), req.params.id, req.body.fromPage)));

  app.post('/api/manual/:id/merge', {
    config: guard,
    schema: { tags, summary: 'Appends the pages of another manual document to this one', security: bearerAuth, params, body: z.object({ otherId: DocumentId }), response: { 200: MergeBody, ...conflict } },
  }, async (req) => mergeManual(ctx, actorOf(req), req.params.id, req.body.otherId));
};
