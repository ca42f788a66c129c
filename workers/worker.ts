import { Worker, type Job } from 'bullmq';
import { STAGES, type JobData, type Stage } from '../pipeline/stages.ts';
import type { Context } from '../app/context.ts';
import { archiveJob } from './jobs/archive.job.ts';
import { attachJob } from './jobs/attach.job.ts';
import { identifyJob } from './jobs/identify.job.ts';
import { headerJob, ocrJob } from './jobs/ocr.job.ts';
import { routeJob } from './jobs/route.job.ts';
import { splitJob } from './jobs/split.job.ts';
import { startDeviationSweep } from './deviation-sweep.ts';
import { startAvstemming } from './avstemming-schedule.ts';
import { redisOptions } from './queues.ts';

const HANDLERS: { [S in Stage]: (ctx: Context, data: JobData[S]) => Promise<void> } = {
  split: splitJob,
  header: headerJob,
  ocr: ocrJob,
  identify: identifyJob,
  attach: attachJob,
  route: routeJob,
  archive: archiveJob,
};

export interface WorkerOptions {
  /** Jobs in flight per stage; OCR uses this many tesseract workers. @defaultValue WORKER_CONCURRENCY */
  concurrency?: number;
  /** Only these stages, to scale OCR apart from the rest. @defaultValue every stage */
  stages?: Stage[];
  /** Run the background deviation sweep here too. @defaultValue true unless `stages` is given */
  deviations?: boolean;
  /** How often the deviation sweep runs. @defaultValue 5 minutes */
  deviationSweepMs?: number;
}

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

/** Starts one BullMQ worker per stage in this process. Errors retry with backoff (see Queues). */
export function startWorkers(ctx: Context, opts: WorkerOptions = {}): RunningWorkers {
  const concurrency = opts.concurrency ?? ctx.config.WORKER_CONCURRENCY;
  const workers = (opts.stages ?? [...STAGES]).map((stage) => {
    const worker = new Worker(
      stage,
      async (job: Job) => {
        await HANDLERS[stage](ctx, job.data as never);
      },
      {
        connection: redisOptions(ctx.config.REDIS_URL),
        prefix: ctx.config.QUEUE_PREFIX,
        // OCR is CPU-bound: one job per tesseract worker. Other stages mostly wait on I/O.
        concurrency: stage === 'ocr' || stage === 'header' ? concurrency : Math.max(4, concurrency),
        lockDuration: ctx.config.JOB_LOCK_MS,
        stalledInterval: Math.max(1000, Math.floor(ctx.config.JOB_LOCK_MS / 2)),
        maxStalledCount: 3,
      },
    );
    worker.on('failed', (job, err) => {
      // Error messages of our own code carry no personal data; ids and stage identify the job.
      ctx.log.warn({ stage, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed');
    });
    worker.on('error', (err) => ctx.log.error({ stage, err: err.message }, 'worker error'));
    return worker;
  });
  if (opts.deviations ?? !opts.stages) workers.push(startDeviationSweep(ctx, opts.deviationSweepMs));
  // The vendor's daily reconciliation, where its files arrive (AVSTEMMING_DIR).
  const avstemming = (opts.deviations ?? !opts.stages) && ctx.config.AVSTEMMING_DIR ? startAvstemming(ctx) : null;
  return {
    workers,
    async close() {
      await avstemming?.close();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
