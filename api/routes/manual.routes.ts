import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { manualItem, manualQueue, mergeManual, resolveManual, splitManual } from '../../services/manual-queue.service.ts';
import { DOCUMENT_KINDS } from '../../schemas/reference.ts';
import { actorOf, roles } from '../auth/plugin.ts';
import { DocumentBody, ManualItemBody, MergeBody, paged, ResolveBody, SplitBody } from './bodies.ts';
import { bearerAuth, DocumentId, errors, PageQuery, pageOf, type RouteOptions } from './common.ts';

export const manualRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const tags = ['manual queue'];
  const guard = roles('operator');
  const params = z.object({ id: DocumentId });
  const conflict = { ...errors, 409: errors[400] };

  app.get('/api/manual', {
    preHandler: guard,
    schema: { tags, summary: 'Documents waiting for the mail room, oldest first', security: bearerAuth, querystring: PageQuery, response: { 200: paged(ManualItemBody), ...errors } },
  }, async (req) => manualQueue(ctx, actorOf(req), pageOf(req.query)));

  app.get('/api/manual/:id', {
    preHandler: guard,
    schema: { tags, summary: 'One item: pages, OCR text and the machine\'s guesses', security: bearerAuth, params, response: { 200: DocumentBody, ...conflict } },
  }, async (req) => manualItem(ctx, actorOf(req), req.params.id));

  app.post('/api/manual/:id/resolve', {
    preHandler: guard,
    schema: {
      tags, summary: 'Set person, tema, form and kind; the document is attached and routed on', security: bearerAuth, params,
      body: z.object({
        personId: z.string().regex(/^\d{11}$/, 'fødselsnummer: 11 digits'),
        tema: z.string().regex(/^[A-Z]{3}$/),
        formNumber: z.string().min(3).max(30).nullable().default(null),
        kind: z.enum(DOCUMENT_KINDS),
      }),
      response: { 200: ResolveBody, ...conflict },
    },
  }, async (req) => resolveManual(ctx, actorOf(req), req.params.id, req.body));

  app.post('/api/manual/:id/split', {
    preHandler: guard,
    schema: { tags, summary: 'Pages from fromPage on become a new document', security: bearerAuth, params, body: z.object({ fromPage: z.number().int().min(2) }), response: { 201: SplitBody, ...conflict } },
  }, async (req, reply) => reply.code(201).send(await splitManual(ctx, actorOf(req), req.params.id, req.body.fromPage)));

  app.post('/api/manual/:id/merge', {
    preHandler: guard,
    schema: { tags, summary: 'Appends the pages of another manual document to this one', security: bearerAuth, params, body: z.object({ otherId: DocumentId }), response: { 200: MergeBody, ...conflict } },
  }, async (req) => mergeManual(ctx, actorOf(req), req.params.id, req.body.otherId));
};
