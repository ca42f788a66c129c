import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listLookups } from '../../services/audit.service.ts';
import { listTrainingCorrections } from '../../services/admin.service.ts';
import { activePolicyView, loadPolicy, policyFiles, policyHistory, policyVersions, switchPolicy } from '../../services/policy.service.ts';
import { adminListUsers, adminSaveUser } from '../../services/users.service.ts';
import { modelsView, retrainNow, rollbackModel } from '../../services/learning.service.ts';
import { listFailedLetters, retryFailedLetter, type FailedLetterView } from '../../services/letters.service.ts';
import { actorOf, only } from '../auth/plugin.ts';
import { ModelsBody, RetrainBody } from './bodies.ts';
import { ActivePolicyBody, CorrectionBody, LoadPolicyBody, LookupBody, paged, PolicyFileBody, PolicySwitchBody, PolicyVersionBody, UserBody } from './bodies.ts';
import { bearerAuth, DocumentId, errors, PageQuery, pageOf, UnitId, type RouteOptions } from './common.ts';

const UserInput = z.object({
  name: z.string().min(2).max(200),
  role: z.enum(['operator', 'caseworker', 'status-reader', 'admin']),
  units: z.array(UnitId).max(50).default([]),
  active: z.boolean().default(true),
});
const UserId = z.string().regex(/^[A-Za-z0-9_.-]{2,100}$/);

const FailedLetterBody = z.object({
  id: z.number().int(), documentId: z.string(), caseId: z.string(), language: z.enum(['nb', 'nn', 'en']),
  items: z.number().int().describe('missing attachments the letter names'), attempts: z.number().int(),
  reason: z.string().describe('what went wrong, in Norwegian'), createdAt: z.string(), failedAt: z.string(),
}) satisfies z.ZodType<FailedLetterView>;

const LoadPolicy = z.object({
  policy: z.record(z.string(), z.unknown()).optional().describe('a routing policy document (validated with PolicySchema)'),
  file: z.string().regex(/^[a-z0-9][a-z0-9-]*\.json$/).optional().describe('or the name of a policy file shipped in data/policies'),
  activate: z.boolean().default(true).describe('switch to it at once'),
});

export const adminRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const tags = ['administration'];
  const config = only('admin');

  app.get('/api/admin/users', {
    config,
    schema: { tags, summary: 'Users, their roles and units', security: bearerAuth, querystring: PageQuery, response: { 200: paged(UserBody), ...errors } },
  }, async (req) => adminListUsers(ctx, actorOf(req), pageOf(req.query)));

  app.post('/api/admin/users', {
    config,
    schema: { tags, summary: 'Adds a user (NAV ident) with a role and units', security: bearerAuth, body: UserInput.extend({ id: UserId }), response: { 201: UserBody, ...errors } },
  }, async (req, reply) => reply.code(201).send(await adminSaveUser(ctx, actorOf(req), req.body, false)));

  app.put('/api/admin/users/:id', {
    config,
    schema: { tags, summary: 'Changes a user\'s name, role, units or access', security: bearerAuth, params: z.object({ id: UserId }), body: UserInput, response: { 200: UserBody, ...errors } },
  }, async (req) => adminSaveUser(ctx, actorOf(req), { ...req.body, id: req.params.id }, true));

  app.get('/api/admin/access-log', {
    config,
    schema: {
      tags, summary: 'Look-ups of persons\' documents and cases, per user or per person', security: bearerAuth,
      querystring: PageQuery.extend({ userId: z.string().min(1).max(100).optional(), personId: z.string().regex(/^\d{11}$/).optional() }),
      response: { 200: paged(LookupBody), ...errors },
    },
  }, async (req) => listLookups(ctx, actorOf(req), req.query, pageOf(req.query)));

  app.get('/api/admin/corrections', {
    config,
    schema: {
      tags, summary: 'The mail room\'s corrections of the machine reading (classifier training data)', security: bearerAuth,
      querystring: PageQuery.extend({ documentId: DocumentId.optional() }), response: { 200: paged(CorrectionBody), ...errors },
    },
  }, async (req) => listTrainingCorrections(ctx, actorOf(req), req.query.documentId, pageOf(req.query)));

  app.get('/api/admin/policy', {
    config,
    schema: { tags, summary: 'The routing policy in force, rule by rule, and who switched to it when', security: bearerAuth, response: { 200: ActivePolicyBody, ...errors } },
  }, async (req) => activePolicyView(ctx, actorOf(req)));

  app.put('/api/admin/policy', {
    config,
    schema: {
      tags, summary: 'Switches the routing policy in force to a loaded version (null: back to the configured ROUTING_POLICY)', security: bearerAuth,
      body: z.object({ version: z.number().int().positive().nullable() }), response: { 200: ActivePolicyBody, ...errors },
    },
  }, async (req) => switchPolicy(ctx, actorOf(req), req.body.version));

  app.get('/api/admin/policy/history', {
    config,
    schema: { tags, summary: 'Every switch of the routing policy: who and when, newest first', security: bearerAuth, querystring: PageQuery, response: { 200: paged(PolicySwitchBody), ...errors } },
  }, async (req) => policyHistory(ctx, actorOf(req), pageOf(req.query)));

  app.get('/api/admin/policies', {
    config,
    schema: { tags, summary: 'Routing policies loaded so far (each version kept)', security: bearerAuth, querystring: PageQuery, response: { 200: paged(PolicyVersionBody), ...errors } },
  }, async (req) => policyVersions(ctx, actorOf(req), pageOf(req.query)));

  app.post('/api/admin/policies', {
    config,
    bodyLimit: 512 * 1024,
    schema: {
      tags, summary: 'Loads a routing policy (a document, or a shipped file by name), validated; by default switches to it', security: bearerAuth,
      body: LoadPolicy, response: { 201: LoadPolicyBody, ...errors },
    },
  }, async (req, reply) => reply.code(201).send(await loadPolicy(ctx, actorOf(req), { document: req.body.policy, file: req.body.file, activate: req.body.activate })));

  app.get('/api/admin/policy-files', {
    config,
    schema: { tags, summary: 'Routing policy files shipped with the application (data/policies), each checked', security: bearerAuth, querystring: PageQuery, response: { 200: paged(PolicyFileBody), ...errors } },
  }, async (req) => policyFiles(actorOf(req), pageOf(req.query)));

  app.get('/api/admin/models', {
    config,
    schema: { tags, summary: 'Classifier models built from the corrections: scores, promoted or refused, the one in force and every switch', security: bearerAuth, querystring: PageQuery, response: { 200: ModelsBody, ...errors } },
  }, async (req) => modelsView(ctx, actorOf(req), pageOf(req.query)));

  app.post('/api/admin/models/retrain', {
    config,
    schema: {
      tags, summary: 'Retrains the classifier now from the corrections; the candidate replaces the model in force only if it is not worse on the held-out corrections and the independent set',
      security: bearerAuth, response: { 200: RetrainBody, ...errors },
    },
  }, async (req) => retrainNow(ctx, actorOf(req)));

  app.get('/api/admin/letters/failed', {
    config,
    schema: {
      tags, summary: 'Letters to persons given up after their last hand-over attempt (LETTER_MAX_ATTEMPTS); strictly confidential documents\' letters are not listed',
      security: bearerAuth, querystring: PageQuery, response: { 200: paged(FailedLetterBody), ...errors },
    },
  }, async (req) => listFailedLetters(ctx, actorOf(req), pageOf(req.query)));

  app.post('/api/admin/letters/:id/retry', {
    config,
    schema: {
      tags, summary: 'Sends a failed letter again: back to the queue with its attempts starting over, tried at once', security: bearerAuth,
      params: z.object({ id: z.coerce.number().int().min(1) }),
      response: { 200: z.object({ id: z.number().int(), status: z.enum(['queued', 'sending', 'sent', 'failed']) }), ...errors },
    },
  }, async (req) => retryFailedLetter(ctx, actorOf(req), req.params.id));

  app.put('/api/admin/models/active', {
    config,
    schema: {
      tags, summary: 'Rolls back to a model that was in force before (0: the shipped model)', security: bearerAuth,
      body: z.object({ version: z.number().int().min(0) }), response: { 200: ModelsBody, ...errors },
    },
  }, async (req) => rollbackModel(ctx, actorOf(req), req.body.version));
};
