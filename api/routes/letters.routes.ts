import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { documentLetters, letterPdf, retryDocumentLetter, type LetterView } from '../../services/letters.service.ts';
import { actorOf, only } from '../auth/plugin.ts';
import { binary } from './bodies.ts';
import { bearerAuth, DocumentId, errors, Purpose, type RouteOptions } from './common.ts';

const LetterBody = z.object({
  id: z.number().int(), language: z.enum(['nb', 'nn', 'en']).describe("the cover sheet's language"),
  status: z.enum(['queued', 'sending', 'sent', 'failed']).describe('failed: given up after LETTER_MAX_ATTEMPTS hand-overs; an administrator sends it again'),
  createdAt: z.string(), sentAt: z.string().nullable(),
  attempts: z.number().int().describe('hand-overs to the letter adapter tried'), failedAt: z.string().nullable(),
  deadline: z.string().describe('last day to send what is missing'), followUpSheet: z.string().describe('løpenummer of the pre-filled ettersendelse cover sheet'),
  items: z.array(z.object({ name: z.string(), arrivedIn: z.string().nullable().describe('the document it came in') })),
  waitingFor: z.number().int().describe('items the letter named that have not come'),
}) satisfies z.ZodType<LetterView>;

/** Letters to the person about a document (the letter about missing attachments): read like the document itself. */
export const letterRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const tags = ['letters'];
  const guard = only('operator', 'caseworker');

  app.get('/api/documents/:id/letters', {
    config: guard,
    schema: { tags, summary: 'Letters sent to the person about this document, with what is still awaited (recorded in the access log)', security: bearerAuth, params: z.object({ id: DocumentId }), querystring: z.object({ purpose: Purpose }), response: { 200: z.object({ letters: z.array(LetterBody) }), ...errors } },
  }, async (req) => documentLetters(ctx, actorOf(req), req.params.id, req.query.purpose));

  app.post('/api/documents/:id/letters/:letterId/retry', {
    config: only('caseworker'),
    schema: {
      tags, summary: 'Sends a failed letter again (given up after LETTER_MAX_ATTEMPTS): its attempts start over, tried at once (recorded in the access log)', security: bearerAuth,
      params: z.object({ id: DocumentId, letterId: z.coerce.number().int().min(1) }), querystring: z.object({ purpose: Purpose }),
      response: { 200: z.object({ id: z.number().int(), status: z.enum(['queued', 'sending', 'sent', 'failed']) }), ...errors },
    },
  }, async (req) => retryDocumentLetter(ctx, actorOf(req), req.params.id, req.params.letterId, req.query.purpose));

  app.get('/api/documents/:id/letters/:letterId/pdf', {
    config: guard,
    schema: {
      tags, summary: 'The letter as it was sent (PDF; recorded in the access log)', security: bearerAuth,
      params: z.object({ id: DocumentId, letterId: z.coerce.number().int().min(1) }), querystring: z.object({ purpose: Purpose }),
      response: { 200: binary('application/pdf', 'the letter and its ettersendelse cover sheet'), ...errors },
    },
  }, async (req, reply) => {
    const pdf = await letterPdf(ctx, actorOf(req), req.params.id, req.params.letterId, req.query.purpose);
    return reply.type('application/pdf').header('cache-control', 'private, no-store').header('content-disposition', `inline; filename="brev-${req.params.letterId}.pdf"`).send(pdf);
  });
};
