import { Queue, type ConnectionOptions } from 'bullmq';
import type { Config } from '../schemas/config.ts';
import { jobIdOf, ocrPriority, STAGES, type JobData, type Stage } from '../pipeline/stages.ts';

/** Connection options from REDIS_URL; BullMQ opens (and closes) its own connections with them. */
export function redisOptions(url: string): ConnectionOptions {
  // Workers block on Redis; they need unlimited retries per request.
  return { url, maxRetriesPerRequest: null };
}

/** The background deviation sweep's queue (a repeatable job; see workers/deviation-sweep.ts). */
export const DEVIATIONS_QUEUE = 'deviations';
/** The re-drive's queue (a repeatable job; see workers/redrive.ts). */
export const REDRIVE_QUEUE = 'redrive';

/**
 * Technical failures retry with capped exponential backoff for as long as they are outages;
 * any other error gives up after JOB_ATTEMPTS (workers/runner.ts), so this only bounds the absurd.
 */
export const OUTAGE_ATTEMPTS = 1_000_000;
/** Name of the backoff strategy the workers define (capped exponential, pipeline/outcome.ts). */
export const CAPPED_BACKOFF = 'capped';

/** One queue per stage, with retry and backoff for technical failures. */
export class Queues {
  readonly byStage: Record<Stage, Queue>;
  readonly deviations: Queue;
  readonly redrive: Queue;

  constructor(
    readonly connection: ConnectionOptions,
    readonly config: Pick<Config, 'QUEUE_PREFIX' | 'JOB_BACKOFF_MS' | 'ENQUEUE_TIMEOUT_MS'>,
    onError: (err: Error) => void = () => {},
  ) {
    this.byStage = Object.fromEntries(
      STAGES.map((s) => [s, new Queue(s, { connection, prefix: config.QUEUE_PREFIX })]),
    ) as Record<Stage, Queue>;
    this.deviations = new Queue(DEVIATIONS_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
    this.redrive = new Queue(REDRIVE_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
    // Redis unreachable: said once per error, never an unhandled 'error' event.
    for (const q of this.all()) q.on('error', onError);
  }

  all(): Queue[] {
    return [...STAGES.map((s) => this.byStage[s]), this.deviations, this.redrive];
  }

  /**
   * Adds a stage job. The job id is derived from the step (jobIdOf), so adding twice is one job.
   * Waits at most ENQUEUE_TIMEOUT_MS for Redis: the step is in PostgreSQL already, and the
   * re-drive queues it when Redis is back (the add itself may still land then: same id, no harm).
   */
  async enqueue<S extends Stage>(stage: S, data: JobData[S], run = 1): Promise<void> {
    const pageNo = 'pageNo' in data ? (data as { pageNo: number }).pageNo : 0;
    const queue = this.byStage[stage];
    const jobId = jobIdOf({ documentId: data.documentId, stage, pageNo }, run);
    const add = this.clearFinished(queue, jobId).then(() => this.byStage[stage].add(stage, data, {
      jobId,
      attempts: OUTAGE_ATTEMPTS,
      backoff: { type: CAPPED_BACKOFF, delay: this.config.JOB_BACKOFF_MS },
      removeOnComplete: { age: 24 * 3600, count: 100_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
      // Pages 1-2 route the document: their full-text jobs go before every later page's.
      ...(stage === 'ocr' && ocrPriority(pageNo) ? { priority: ocrPriority(pageNo) } : {}),
    }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not take the job within ${this.config.ENQUEUE_TIMEOUT_MS} ms`)), this.config.ENQUEUE_TIMEOUT_MS);
    });
    add.catch(() => {}); // a late failure after the time-out is the re-drive's to mend
    try {
      await Promise.race([add, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * An open step never has a finished job under its id (a step opened again gets the next run's
   * id), so a finished one is another database's: a database made anew on the same Redis prefix
   * starts again at JP1, and BullMQ would take the add for a duplicate and never run the step.
   */
  private async clearFinished(queue: Queue, jobId: string): Promise<void> {
    const state = await queue.getJobState(jobId);
    if (state === 'completed' || state === 'failed') await queue.remove(jobId);
  }

  async counts(): Promise<Record<Stage, Record<string, number>>> {
    const entries = await Promise.all(
      STAGES.map(async (s) => [s, await this.byStage[s].getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')] as const),
    );
    return Object.fromEntries(entries) as Record<Stage, Record<string, number>>;
  }

  /** Closes the connections; with Redis unreachable, gives up waiting after a few seconds. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closing = Promise.all(this.all().map((q) => q.close())).catch(() => {});
    await Promise.race([closing, new Promise((r) => { timer = setTimeout(r, 5_000); })]);
    clearTimeout(timer);
  }
}
