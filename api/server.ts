import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ingest } from '../services/ingest.service.ts';
import { createBatch } from '../storage/repositories/batches.repository.ts';
import { batchSummary } from '../services/summary.service.ts';
import { lookupStatus, NotFoundError } from '../services/status.service.ts';
import type { Context } from '../workers/context.ts';

const IngestQuery = z.object({
  filename: z.string().min(1).max(255).regex(/^[^/\\]+$/, 'a file name without folders'),
  batchName: z.string().min(1).max(200).optional(),
  /** Add to an existing batch instead of opening a new one. */
  batchId: z.string().regex(/^B\d+$/).optional(),
});
const StatusQuery = z.object({ purpose: z.string().min(3).max(200) });
const Actor = z.string().min(1).max(100).default('api');

/** The HTTP API: no SQL here, only calls into services. */
export function buildApi(ctx: Context): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: ctx.config.MAX_UPLOAD_BYTES,
  });
  // Uploads are the file's bytes as they are; the type is read from the bytes, not the header.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof NotFoundError) return reply.code(404).send({ error: 'not-found', message: err.message });
    if (err instanceof z.ZodError) {
      return reply.code(400).send({ error: 'bad-request', message: err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    }
    if (err.statusCode === 413) return reply.code(413).send({ error: 'too-large', message: `upload larger than ${ctx.config.MAX_UPLOAD_BYTES} bytes` });
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: 'bad-request', message: err.message });
    ctx.log.error({ err: err.message }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });

  app.get('/api/health', async () => ({ ok: true }));

  app.post('/api/ingest', async (req, reply) => {
    const q = IngestQuery.parse(req.query);
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) return reply.code(400).send({ error: 'bad-request', message: 'empty upload' });
    const report = await ingest(ctx, [{ name: q.filename, data: body }], { batchName: q.batchName ?? q.filename, batchId: q.batchId, source: 'api' });
    return reply.code(201).send(report);
  });

  app.get('/api/status/:id', async (req) => {
    const { id } = z.object({ id: z.string().min(1).max(40) }).parse(req.params);
    const { purpose } = StatusQuery.parse(req.query);
    const actor = Actor.parse(req.headers['x-intake-user']);
    return lookupStatus(ctx, id, { actor, purpose });
  });

  app.get('/api/batches/:id/summary', async (req) => {
    const { id } = z.object({ id: z.string().regex(/^B\d+$/) }).parse(req.params);
    return batchSummary(ctx, id);
  });

  app.post('/api/batches', async (req, reply) => {
    const { name } = z.object({ name: z.string().min(1).max(200) }).parse(req.body ?? {});
    return reply.code(201).send(await createBatch(ctx.db, name, 'api'));
  });

  app.get('/api/queues', async () => ctx.queues.counts());

  return app;
}
