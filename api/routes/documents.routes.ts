import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { archivePdf, pageImage, viewDocument } from '../../services/document.service.ts';
import { actorOf, only } from '../auth/plugin.ts';
import { binary, DocumentBody } from './bodies.ts';
import { bearerAuth, DocumentId, errors, Purpose, type RouteOptions } from './common.ts';

export const documentRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const tags = ['documents'];
  const guard = only('operator', 'caseworker');

  app.get('/api/documents/:id', {
    config: guard,
    schema: { tags, summary: 'A document with its pages\' OCR text (recorded in the access log)', security: bearerAuth, params: z.object({ id: DocumentId }), querystring: z.object({ purpose: Purpose }), response: { 200: DocumentBody, ...errors } },
  }, async (req) => viewDocument(ctx, actorOf(req), req.params.id, req.query.purpose));

  app.get('/api/documents/:id/pages/:pageNo/image', {
    config: guard,
    schema: {
      tags, summary: 'A page image (PNG); width= gives a thumbnail', security: bearerAuth,
      params: z.object({ id: DocumentId, pageNo: z.coerce.number().int().min(1).max(10_000) }),
      querystring: z.object({ width: z.coerce.number().int().min(40).max(4000).optional(), purpose: Purpose }),
      response: { 200: binary('image/png', 'the page image'), ...errors },
    },
  }, async (req, reply) => {
    const png = await pageImage(ctx, actorOf(req), req.params.id, req.params.pageNo, req.query.width, req.query.purpose);
    return reply.type('image/png').header('cache-control', 'private, no-store').send(png);
  });

  app.get('/api/documents/:id/archive.pdf', {
    config: guard,
    schema: { tags, summary: 'The searchable archive PDF', security: bearerAuth, params: z.object({ id: DocumentId }), querystring: z.object({ purpose: Purpose }), response: { 200: binary('application/pdf', 'PDF/A-style archive copy with the OCR text layer'), ...errors } },
  }, async (req, reply) => {
    const pdf = await archivePdf(ctx, actorOf(req), req.params.id, req.query.purpose);
    return reply.type('application/pdf').header('cache-control', 'private, no-store').header('content-disposition', `inline; filename="${req.params.id}.pdf"`).send(pdf);
  });
};
