import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ingestRaw, listBatches, newBatch, reconcileBatch, uploadFiles } from '../../services/batches.service.ts';
import { InvalidInputError } from '../../services/errors.ts';
import type { IncomingFile } from '../../services/ingest.service.ts';
import { batchSummaryFor } from '../../services/summary.service.ts';
import { actorOf, only } from '../auth/plugin.ts';
import { BatchBody, BatchSummaryBody, IngestReportBody, NewBatchBody, paged, ReconciliationBody } from './bodies.ts';
import { BatchId, bearerAuth, errors, PageQuery, pageOf, TooLargeError, type RouteOptions } from './common.ts';

const IngestQuery = z.object({
  filename: z.string().min(1).max(255).regex(/^[^/\\]+$/, 'a file name without folders'),
  batchName: z.string().min(1).max(200).optional(),
  /** Add to an existing batch instead of opening a new one. */
  batchId: BatchId.optional(),
});

const UploadFields = z.object({ batchId: BatchId.optional(), batchName: z.string().min(1).max(200).optional() });

/** Bodies that are files: documented for the OpenAPI document, read as streams (never parsed as JSON). */
const RawFile = z.any().meta({ type: 'string', format: 'binary', description: 'the file\'s bytes' });
const UploadForm = z.any().meta({
  type: 'object',
  properties: {
    batchId: { type: 'string', pattern: '^B\\d+$', description: 'add to this open batch' },
    batchName: { type: 'string', description: 'name of a new batch' },
    files: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'scans (PDF, TIFF, PNG, JPEG) or vendor zips' },
  },
  required: ['files'],
});

export const batchRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const tags = ['mail room'];

  app.get('/api/batches', {
    config: only('operator', 'admin'),
    schema: { tags, summary: 'Batches, newest first, with counts per state', security: bearerAuth, querystring: PageQuery, response: { 200: paged(BatchBody), ...errors } },
  }, async (req) => listBatches(ctx, actorOf(req), pageOf(req.query)));

  app.post('/api/batches', {
    config: only('operator', 'admin'),
    schema: { tags, summary: 'Opens an empty batch to upload files into', security: bearerAuth, body: z.object({ name: z.string().min(1).max(200) }), response: { 201: NewBatchBody, ...errors } },
  }, async (req, reply) => reply.code(201).send(await newBatch(ctx, actorOf(req), req.body.name, 'api')));

  app.get('/api/batches/:id', {
    config: only('operator', 'admin'),
    schema: { tags, summary: 'Reconciliation of a batch: received, processed, set aside, duplicates', security: bearerAuth, params: z.object({ id: BatchId }), response: { 200: ReconciliationBody, ...errors } },
  }, async (req) => reconcileBatch(ctx, actorOf(req), req.params.id));

  app.get('/api/batches/:id/summary', {
    config: only('operator', 'admin'),
    schema: { tags, summary: 'Where each document of a batch went (used by the demo)', security: bearerAuth, params: z.object({ id: BatchId }), response: { 200: BatchSummaryBody, ...errors } },
  }, async (req) => batchSummaryFor(ctx, actorOf(req), req.params.id));

  // Browser uploads: multipart, one or more files, into a new batch or an open one.
  app.post('/api/uploads', {
    config: only('operator'),
    schema: {
      tags, summary: 'Upload scanned files or vendor zips (multipart/form-data; fields batchId, batchName, then files)',
      security: bearerAuth, consumes: ['multipart/form-data'], body: UploadForm, response: { 201: IngestReportBody, ...errors, 413: errors[400], 415: errors[400] },
    },
  }, async (req, reply) => {
    if (!req.isMultipart()) throw new InvalidInputError('send filene som multipart/form-data');
    // MAX_UPLOAD_BYTES holds for the whole request, not for each file in it.
    const limit = ctx.config.MAX_UPLOAD_BYTES;
    if (Number(req.headers['content-length'] ?? 0) > limit + 64 * 1024) throw new TooLargeError(limit);
    const files: IncomingFile[] = [];
    const fields: Record<string, string> = {};
    let total = 0;
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          total += chunk.length;
          if (total > limit) throw new TooLargeError(limit);
          chunks.push(chunk);
        }
        if (part.file.truncated) throw new TooLargeError(limit);
        files.push({ name: part.filename.replace(/^.*[/\\]/, '') || 'fil', data: Buffer.concat(chunks) });
      } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
    }
    const opts = UploadFields.parse(fields);
    return reply.code(201).send(await uploadFiles(ctx, actorOf(req), files, opts));
  });

  // One file as the raw request body (scripts, the demo, a scanner station).
  app.post('/api/ingest', {
    config: only('operator'),
    bodyLimit: ctx.config.MAX_UPLOAD_BYTES,
    schema: { tags, summary: 'Upload one file as the raw body (application/octet-stream)', security: bearerAuth, consumes: ['application/octet-stream'], body: RawFile, querystring: IngestQuery, response: { 201: IngestReportBody, ...errors, 413: errors[400], 415: errors[400] } },
  }, async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const report = await ingestRaw(ctx, actorOf(req), { name: req.query.filename, data: body }, req.query);
    return reply.code(201).send(report);
  });
};
