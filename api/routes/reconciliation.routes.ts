import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listReconciliations } from '../../services/reconciliation.service.ts';
import { only } from '../auth/plugin.ts';
import { bearerAuth, errors, type RouteOptions } from './common.ts';

const ReconciliationBody = z.object({
  id: z.number(), day: z.string(), fileName: z.string().nullable(),
  status: z.enum(['ok', 'missing', 'no-file', 'not-expected']),
  expected: z.number(), filed: z.number(), setAside: z.number(),
  missing: z.array(z.string()), setAsideRefs: z.array(z.string()), note: z.string().nullable(), runBy: z.string(), createdAt: z.string(),
});

/** Reconciliation against the vendor's daily files: references (file names, no personal data), mail room and admin only. */
export const reconciliationRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.get('/api/reconciliations', {
    config: only('operator', 'admin'),
    schema: {
      tags: ['reconciliation'], summary: "The latest reconciliations against the vendor's daily file: references delivered but never received", security: bearerAuth,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(365).default(30) }),
      response: { 200: z.object({ items: z.array(ReconciliationBody) }), ...errors },
    },
  }, async (req) => ({ items: await listReconciliations(ctx, req.query.limit) }));
};
