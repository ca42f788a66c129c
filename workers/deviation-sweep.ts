import { Worker, type Queue } from 'bullmq';
import { runDeviationSweep } from '../services/deviation-sweep.service.ts';
import type { Context } from '../app/context.ts';
import { DEVIATIONS_QUEUE, redisOptions } from './queues.ts';

export const SWEEP_SCHEDULER_ID = 'deviation-sweep';
export const DEFAULT_SWEEP_MS = 5 * 60_000;

/**
 * The sweep as a BullMQ job scheduler: one repeatable job however many worker processes upsert it,
 * and upserting again with another interval just changes the interval.
 */
export async function scheduleDeviationSweep(queue: Queue, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: everyMs }, {
    name: 'sweep',
    data: {},
    opts: { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  });
}

/** Schedules the sweep and processes it in this (worker) process, one run at a time. */
export function startDeviationSweep(ctx: Context, everyMs = DEFAULT_SWEEP_MS): Worker {
  scheduleDeviationSweep(ctx.queues.deviations, everyMs).catch((err: Error) => ctx.log.error({ err: err.message }, 'could not schedule the deviation sweep'));
  const worker = new Worker(DEVIATIONS_QUEUE, async () => runDeviationSweep(ctx), {
    connection: redisOptions(ctx.config.REDIS_URL),
    prefix: ctx.config.QUEUE_PREFIX,
    concurrency: 1,
  });
  worker.on('failed', (job, err) => ctx.log.warn({ queue: DEVIATIONS_QUEUE, jobId: job?.id, err: err.message }, 'deviation sweep failed'));
  worker.on('error', (err) => ctx.log.error({ queue: DEVIATIONS_QUEUE, err: err.message }, 'worker error'));
  return worker;
}
