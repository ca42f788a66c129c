import { Worker, type Job } from 'bullmq';
import { cappedBackoff } from '../pipeline/outcome.ts';
import { STAGES, type Stage } from '../pipeline/stages.ts';
import type { Context } from '../app/context.ts';
import { DEFAULT_SWEEP_MS, startDeviationSweep } from './deviation-sweep.ts';
import { startAvstemming } from './avstemming-schedule.ts';
import { CAPPED_BACKOFF, redisOptions } from './queues.ts';
import { startRedrive } from './redrive.ts';
import { processorOf } from './runner.ts';
import { startLearning } from './learning-schedule.ts';

export interface WorkerOptions {
  /** Jobs in flight per stage; OCR uses this many tesseract workers. @defaultValue WORKER_CONCURRENCY */
  concurrency?: number;
  /** Only these stages, to scale OCR apart from the rest. @defaultValue every stage */
  stages?: Stage[];
  /** Run the background deviation sweep here too. @defaultValue true unless `stages` is given */
  deviations?: boolean;
  /** How often the deviation sweep runs. @defaultValue 5 minutes */
  deviationSweepMs?: number;
  /** Run the re-drive here (at start, and its repeatable job). @defaultValue true */
  redrive?: boolean;
  /** How often the re-drive runs. @defaultValue REDRIVE_EVERY_MS */
  redriveMs?: number;
}

/** The processor with the stage's metrics: latency, jobs by outcome (done, manual, wait, error), pages read. */
function measured(ctx: Context, stage: Stage, run: (job: Job) => Promise<string>): (job: Job) => Promise<string> {
  return async (job) => {
    const done = ctx.metrics.stageSeconds.startTimer({ stage });
    try {
      const kind = await run(job);
      ctx.metrics.stageJobs.inc({ stage, outcome: kind });
      if (stage === 'ocr') ctx.metrics.pages.inc({ stage });
      return kind;
    } catch (err) {
      ctx.metrics.stageJobs.inc({ stage, outcome: 'error' });
      throw err;
    } finally {
      done();
    }
  };
}

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * Starts one BullMQ worker per stage in this process (workers/runner.ts runs each job), the
 * re-drive, and unless `stages` is given the deviation sweep. Outages retry with capped backoff.
 */
export function startWorkers(ctx: Context, opts: WorkerOptions = {}): RunningWorkers {
  const concurrency = opts.concurrency ?? ctx.config.WORKER_CONCURRENCY;
  const workers = (opts.stages ?? [...STAGES]).map((stage) => {
    const worker = new Worker(
      stage,
      measured(ctx, stage, processorOf(ctx, stage)),
      {
        connection: redisOptions(ctx.config.REDIS_URL),
        prefix: ctx.config.QUEUE_PREFIX,
        // OCR and making page images are CPU-bound: one job per core asked for. Other stages mostly wait on I/O.
        concurrency: stage === 'ocr' || stage === 'header' || stage === 'page' ? concurrency : Math.max(4, concurrency),
        lockDuration: ctx.config.JOB_LOCK_MS,
        stalledInterval: Math.max(1000, Math.floor(ctx.config.JOB_LOCK_MS / 2)),
        maxStalledCount: 3,
        // Exponential from JOB_BACKOFF_MS, capped: an outage of an hour is retried every JOB_BACKOFF_MAX_MS.
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string) =>
            type === CAPPED_BACKOFF ? cappedBackoff(attemptsMade, ctx.config.JOB_BACKOFF_MS, ctx.config.JOB_BACKOFF_MAX_MS) : ctx.config.JOB_BACKOFF_MS,
        },
      },
    );
    worker.on('failed', (job, err) => {
      // Error messages of our own code carry no personal data; ids and stage identify the job.
      ctx.log.warn({ stage, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed');
    });
    worker.on('error', (err) => ctx.log.error({ stage, err: err.message }, 'worker error'));
    return worker;
  });
  const sweeps = opts.deviations ?? !opts.stages;
  if (sweeps) workers.push(startDeviationSweep(ctx, opts.deviationSweepMs));
  const redrive = opts.redrive === false ? null : startRedrive(ctx, { everyMs: opts.redriveMs, sweepMs: sweeps ? opts.deviationSweepMs ?? DEFAULT_SWEEP_MS : undefined });
  // The vendor's daily reconciliation, where its files arrive (AVSTEMMING_DIR).
  const avstemming = (opts.deviations ?? !opts.stages) && ctx.config.AVSTEMMING_DIR ? startAvstemming(ctx) : null;
  // The scheduled retraining of the classifier (issue 13), where the background jobs run.
  const learning = sweeps ? startLearning(ctx) : null;
  return {
    workers,
    async close() {
      await avstemming?.close();
      await redrive?.close();
      await learning?.close();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
