import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { closeUnitDeviation, deviationStatistics, listUnitDeviations } from '../../services/deviations.service.ts';
import { actorOf, only } from '../auth/plugin.ts';
import { DeviationBody, DeviationStatsBody, paged } from './bodies.ts';
import { bearerAuth, errors, PageQuery, pageOf, UnitId, type RouteOptions } from './common.ts';

export const deviationRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const tags = ['deviations'];
  const guard = only('caseworker', 'operator', 'admin');

  app.get('/api/deviations', {
    config: guard,
    schema: {
      tags, summary: 'Deviations (misrouted, bounced, missing attachments, stuck), newest first', security: bearerAuth,
      querystring: PageQuery.extend({
        unitId: UnitId.optional(),
        kind: z.enum(['misrouted', 'bounced', 'missing-attachment', 'stuck']).optional(),
        open: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
      }),
      response: { 200: paged(DeviationBody), ...errors },
    },
  }, async (req) => listUnitDeviations(ctx, actorOf(req), req.query, pageOf(req.query)));

  app.post('/api/deviations/:id/close', {
    config: guard,
    schema: {
      tags, summary: 'Closes a deviation with a note (a caseworker of its unit, the mail room or an administrator)', security: bearerAuth,
      params: z.object({ id: z.coerce.number().int().min(1) }), body: z.object({ note: z.string().trim().min(3).max(500) }),
      response: { 200: DeviationBody, ...errors, 409: errors[400] },
    },
  }, async (req) => closeUnitDeviation(ctx, actorOf(req), req.params.id, req.body.note));

  app.get('/api/deviations/stats', {
    config: guard,
    schema: { tags, summary: 'Deviations per routing rule and per unit', security: bearerAuth, querystring: z.object({ unitId: UnitId.optional() }), response: { 200: DeviationStatsBody, ...errors } },
  }, async (req) => deviationStatistics(ctx, actorOf(req), req.query.unitId));
};
