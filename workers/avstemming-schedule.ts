import { Queue, Worker } from 'bullmq';
import { runReconciliation } from '../services/reconciliation.service.ts';
import type { Context } from '../app/context.ts';
import { redisOptions } from './queues.ts';

export const AVSTEMMING_QUEUE = 'avstemming';

/**
 * The daily reconciliation as a BullMQ job scheduler (cron AVSTEMMING_CRON, Europe/Oslo), like
 * the deviation sweep: one repeatable job however many worker processes upsert it.
 */
export function startAvstemming(ctx: Context): { close(): Promise<void> } {
  const connection = redisOptions(ctx.config.REDIS_URL);
  const queue = new Queue(AVSTEMMING_QUEUE, { connection, prefix: ctx.config.QUEUE_PREFIX });
  queue.upsertJobScheduler('avstemming-daily', { pattern: ctx.config.AVSTEMMING_CRON, tz: 'Europe/Oslo' }, {
    name: 'avstem', data: {}, opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: { count: 60 }, removeOnFail: { count: 60 } },
  }).catch((err: Error) => ctx.log.error({ err: err.message }, 'could not schedule reconciliation'));
  const worker = new Worker(AVSTEMMING_QUEUE, async () => { await runReconciliation(ctx, { actor: 'avstemming (scheduled)' }); }, { connection, prefix: ctx.config.QUEUE_PREFIX, concurrency: 1 });
  worker.on('failed', (job, err) => ctx.log.warn({ queue: AVSTEMMING_QUEUE, jobId: job?.id, err: err.message }, 'reconciliation failed'));
  return { async close() { await worker.close(); await queue.close(); } };
}
