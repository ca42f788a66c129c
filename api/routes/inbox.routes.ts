import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RETURN_REASONS, returnMisrouted, takeDocument, unitInbox } from '../../services/inbox.service.ts';
import { actorOf, only } from '../auth/plugin.ts';
import { InboxItemBody, paged, ReturnBody } from './bodies.ts';
import { bearerAuth, DocumentId, errors, PageQuery, pageOf, UnitId, type RouteOptions } from './common.ts';

export const inboxRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const tags = ['unit inbox'];
  const guard = only('caseworker');
  const conflict = { ...errors, 409: errors[400] };

  app.get('/api/inbox/:unitId', {
    config: guard,
    schema: {
      tags, summary: 'Documents routed to my unit, oldest first', security: bearerAuth, params: z.object({ unitId: UnitId }),
      querystring: PageQuery.extend({
        state: z.enum(['new', 'taken', 'all']).default('new'),
        tema: z.string().regex(/^[A-Z]{3}$/).optional(),
        q: z.string().min(1).max(100).optional().describe('words in the title, form, case, id or the text'),
        sort: z.enum(['oldest', 'newest', 'tema', 'case']).default('oldest'),
      }),
      response: { 200: paged(InboxItemBody), ...errors },
    },
  }, async (req) => unitInbox(ctx, actorOf(req), req.params.unitId, req.query, pageOf(req.query)));

  app.post('/api/inbox/:unitId/documents/:id/take', {
    config: guard,
    schema: { tags, summary: 'Take the document (marks it received by the unit)', security: bearerAuth, params: z.object({ unitId: UnitId, id: DocumentId }), response: { ...conflict, 204: z.null() } },
  }, async (req, reply) => {
    await takeDocument(ctx, actorOf(req), req.params.id, req.params.unitId);
    return reply.code(204).send(null);
  });

  app.post('/api/inbox/:unitId/documents/:id/return', {
    config: guard,
    schema: {
      tags, summary: 'Send back as misrouted: re-routed by the rules or via the mail room; records a deviation', security: bearerAuth,
      params: z.object({ unitId: UnitId, id: DocumentId }),
      body: z.object({
        reason: z.enum(Object.keys(RETURN_REASONS) as [keyof typeof RETURN_REASONS, ...Array<keyof typeof RETURN_REASONS>]),
        comment: z.string().max(500).optional(),
        via: z.enum(['rule', 'mail-room']).default('rule'),
        tema: z.string().regex(/^[A-Z]{3}$/).optional().describe('the right tema, when that was the error'),
      }),
      response: { 200: ReturnBody, ...conflict },
    },
  }, async (req) => returnMisrouted(ctx, actorOf(req), req.params.id, { unitId: req.params.unitId, ...req.body }));
};
