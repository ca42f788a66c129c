import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { lookupTimeline } from '../../services/timeline.service.ts';
import { actorOf, only } from '../auth/plugin.ts';
import { TimelineBody } from './bodies.ts';
import { bearerAuth, errors, type RouteOptions } from './common.ts';

export const statusRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.get('/api/status/:id', {
    config: only('status-reader', 'caseworker', 'operator'),
    schema: {
      tags: ['status'], summary: 'Timeline of a document (JP…), case (SAK…), batch (B…) or person (fødselsnummer); the look-up is recorded', security: bearerAuth,
      params: z.object({ id: z.string().min(1).max(40) }),
      querystring: z.object({ purpose: z.string().min(3).max(200).describe('why you look (recorded in the access log)') }),
      response: { 200: TimelineBody, ...errors },
    },
  }, async (req) => lookupTimeline(ctx, actorOf(req), req.params.id, req.query.purpose));
};
