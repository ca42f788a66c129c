import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../app/context.ts';
import { redisOptions } from '../../workers/queues.ts';
import { closeTestContext, testConfig, waitFor } from '../helpers/services.ts';

// Found with the demo on a fresh database beside an older one's Redis keys: document ids started
// again at JP1, every add was taken for a duplicate of the old, finished job, and each step waited
// for the 30 s re-drive (48 pages in 173 s instead of 26 s).
describe('a step whose job id a finished job already holds (another database on the same Redis prefix)', () => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = await createContext(testConfig(), 'test');
  }, 60_000);
  afterAll(async () => {
    await Promise.all(ctx?.queues.all().map((q) => q.obliterate({ force: true })) ?? []).catch(() => {});
    await closeTestContext(ctx);
  });

  it('is queued to run, not taken for a duplicate of the finished job', async () => {
    const queue = ctx.queues.byStage.attach;
    // The old database's job under the same id: run and completed.
    await queue.add('attach', { documentId: 'JP1' }, { jobId: 'attach-JP1' });
    const worker = new Worker('attach', async () => 'old', { connection: redisOptions(ctx.config.REDIS_URL), prefix: ctx.config.QUEUE_PREFIX });
    await waitFor(async () => (await queue.getJobState('attach-JP1')) === 'completed', 20_000, 'the old job to complete');
    await worker.close();

    await ctx.queues.enqueue('attach', { documentId: 'JP1' });
    expect(await queue.getJobState('attach-JP1')).toBe('waiting');
    // A live job is one job, as before: adding again changes nothing.
    await ctx.queues.enqueue('attach', { documentId: 'JP1' });
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });
});
