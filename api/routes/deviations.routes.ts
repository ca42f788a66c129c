import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deviationStatistics, listUnitDeviations } from '../../services/deviations.service.ts';
import { actorOf, roles } from '../auth/plugin.ts';
import { DeviationBody, DeviationStatsBody, paged } from './bodies.ts';
import { bearerAuth, errors, PageQuery, pageOf, UnitId, type RouteOptions } from './common.ts';

export const deviationRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const tags = ['deviations'];
  const guard = roles('caseworker', 'operator', 'admin');

  app.get('/api/deviations', {
    preHandler: guard,
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

  app.get('/api/deviations/stats', {
    preHandler: guard,
    schema: { tags, summary: 'Deviations per routing rule and per unit', security: bearerAuth, querystring: z.object({ unitId: UnitId.optional() }), response: { 200: DeviationStatsBody, ...errors } },
  }, async (req) => deviationStatistics(ctx, actorOf(req), req.query.unitId));
};
