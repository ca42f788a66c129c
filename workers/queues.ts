import { Queue, type ConnectionOptions } from 'bullmq';
import type { Config } from '../schemas/config.ts';
import { STAGES, type JobData, type Stage } from '../pipeline/stages.ts';

/** Connection options from REDIS_URL; BullMQ opens (and closes) its own connections with them. */
export function redisOptions(url: string): ConnectionOptions {
  // Workers block on Redis; they need unlimited retries per request.
  return { url, maxRetriesPerRequest: null };
}

/** The background deviation sweep's queue (a repeatable job; see workers/deviation-sweep.ts). */
export const DEVIATIONS_QUEUE = 'deviations';

/** One queue per stage, with retry and backoff for technical failures. */
export class Queues {
  readonly byStage: Record<Stage, Queue>;
  readonly deviations: Queue;

  constructor(
    readonly connection: ConnectionOptions,
    readonly config: Pick<Config, 'QUEUE_PREFIX' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>,
  ) {
    this.byStage = Object.fromEntries(
      STAGES.map((s) => [s, new Queue(s, { connection, prefix: config.QUEUE_PREFIX })]),
    ) as Record<Stage, Queue>;
    this.deviations = new Queue(DEVIATIONS_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
  }

  /** Adds a stage job; the job id is derived from the payload, so adding twice is harmless. */
  async enqueue<S extends Stage>(stage: S, data: JobData[S]): Promise<void> {
    const page = 'pageNo' in data ? `-p${(data as { pageNo: number }).pageNo}` : '';
    await this.byStage[stage].add(stage, data, {
      jobId: `${stage}-${data.documentId}${page}`,
      attempts: this.config.JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.JOB_BACKOFF_MS },
      removeOnComplete: { age: 24 * 3600, count: 100_000 },
      removeOnFail: false,
    });
  }

  async counts(): Promise<Record<Stage, Record<string, number>>> {
    const entries = await Promise.all(
      STAGES.map(async (s) => [s, await this.byStage[s].getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')] as const),
    );
    return Object.fromEntries(entries) as Record<Stage, Record<string, number>>;
  }

  async close(): Promise<void> {
    await Promise.all([...STAGES.map((s) => this.byStage[s].close()), this.deviations.close()]);
  }
}
