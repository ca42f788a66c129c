import { Queue, Worker } from 'bullmq';
import { retrain } from '../services/learning.service.ts';
import type { Context } from '../app/context.ts';
import { redisOptions } from './queues.ts';

export const LEARNING_QUEUE = 'learning';

/**
 * The retraining of the classifier from the mail room's corrections (issue 13) as a BullMQ job
 * scheduler (cron LEARNING_CRON, Europe/Oslo), like the reconciliation: one repeatable job however
 * many worker processes upsert it. An administrator can also start a run at once (the API).
 */
export function startLearning(ctx: Context): { close(): Promise<void> } {
  const connection = redisOptions(ctx.config.REDIS_URL);
  const queue = new Queue(LEARNING_QUEUE, { connection, prefix: ctx.config.QUEUE_PREFIX });
  const scheduled = ctx.config.LEARNING_CRON.trim()
    ? queue.upsertJobScheduler('learning-retrain', { pattern: ctx.config.LEARNING_CRON, tz: 'Europe/Oslo' }, {
      name: 'retrain', data: {}, opts: { attempts: 2, backoff: { type: 'exponential', delay: 10 * 60_000 }, removeOnComplete: { count: 20 }, removeOnFail: { count: 20 } },
    })
    : queue.removeJobScheduler('learning-retrain');
  scheduled.catch((err: Error) => ctx.log.error({ err: err.message }, 'could not schedule the retraining'));
  const worker = new Worker(LEARNING_QUEUE, async () => { await retrain(ctx, 'schedule'); }, { connection, prefix: ctx.config.QUEUE_PREFIX, concurrency: 1 });
  worker.on('failed', (job, err) => ctx.log.warn({ queue: LEARNING_QUEUE, jobId: job?.id, err: err.message }, 'retraining failed'));
  return { async close() { await worker.close(); await queue.close(); } };
}
