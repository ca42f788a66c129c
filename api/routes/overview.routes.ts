import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { overview } from '../../services/overview.service.ts';
import { systemReconciliation } from '../../services/system-reconciliation.service.ts';
import { actorOf, only } from '../auth/plugin.ts';
import { OverviewBody, QueueCountsBody, SystemReconciliationBody } from './bodies.ts';
import { bearerAuth, errors, type RouteOptions } from './common.ts';

export const overviewRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const guard = only('operator', 'admin');

  app.get('/api/overview', {
    config: guard,
    schema: { tags: ['overview'], summary: 'Pages per hour, queue depth, documents per unit and tema, scan-to-delivery p50/p95', security: bearerAuth, querystring: z.object({ hours: z.coerce.number().int().min(1).max(24 * 14).default(24) }), response: { 200: OverviewBody, ...errors } },
  }, async (req) => overview(ctx, actorOf(req), req.query.hours));

  app.get('/api/overview/reconciliation', {
    config: guard,
    schema: { tags: ['overview'], summary: 'Per day: received, delivered, manual queue, set aside, still moving, and documents with no live job past the threshold', security: bearerAuth, querystring: z.object({ days: z.coerce.number().int().min(1).max(92).default(14) }), response: { 200: SystemReconciliationBody, ...errors } },
  }, async (req) => systemReconciliation(ctx, actorOf(req), req.query.days));

  app.get('/api/queues', {
    config: guard,
    schema: { tags: ['overview'], summary: 'Job counts per pipeline stage', security: bearerAuth, response: { 200: QueueCountsBody, ...errors } },
  }, async () => ctx.queues.counts());
};
