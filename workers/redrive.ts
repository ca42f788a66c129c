import { Worker, type Queue } from 'bullmq';
import { redrive } from '../services/lifecycle.service.ts';
import type { Context } from '../app/context.ts';
import { scheduleDeviationSweep } from './deviation-sweep.ts';
import { REDRIVE_QUEUE, redisOptions } from './queues.ts';

export const REDRIVE_SCHEDULER_ID = 'redrive';

/** The re-drive as a BullMQ job scheduler: one run per interval however many workers upsert it. */
export async function scheduleRedrive(queue: Queue, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(REDRIVE_SCHEDULER_ID, { every: everyMs }, {
    name: 'redrive',
    data: {},
    opts: { attempts: 1, removeOnComplete: { count: 20 }, removeOnFail: { count: 20 } },
  });
}

export interface RunningRedrive {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Runs the re-drive once now (a worker that starts picks up what nobody queued), then as a
 * repeatable job. Redis emptied (restart without persistence, a flushed queue) loses the
 * schedules too, so each worker process upserts them again every interval: the re-drive's
 * own, and the deviation sweep's when this process runs it.
 */
export function startRedrive(ctx: Context, opts: { everyMs?: number; sweepMs?: number } = {}): RunningRedrive {
  const everyMs = opts.everyMs ?? ctx.config.REDRIVE_EVERY_MS;
  const warn = (what: string) => (err: Error) => ctx.log.warn({ err: err.message }, what);
  const ensure = () => {
    scheduleRedrive(ctx.queues.redrive, everyMs).catch(warn('could not schedule the re-drive'));
    if (opts.sweepMs) scheduleDeviationSweep(ctx.queues.deviations, opts.sweepMs).catch(warn('could not schedule the deviation sweep'));
  };
  redrive(ctx, { graceMs: 0 }).catch(warn('re-drive at start failed'));
  ensure();
  const timer = setInterval(ensure, everyMs);
  timer.unref();
  const worker = new Worker(REDRIVE_QUEUE, async () => redrive(ctx), {
    connection: redisOptions(ctx.config.REDIS_URL),
    prefix: ctx.config.QUEUE_PREFIX,
    concurrency: 1,
  });
  worker.on('error', (err) => ctx.log.error({ queue: REDRIVE_QUEUE, err: err.message }, 'worker error'));
  return {
    worker,
    async close() {
      clearInterval(timer);
      await worker.close();
    },
  };
}
