import { rm } from 'node:fs/promises';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Removes what one benchmark run made: its queue keys (its own prefix only: the shared Redis is
 * never flushed), its database and its store folder.
 */
export async function dropBenchRun(run: { redisUrl: string; prefix: string; dbUrl: string | URL; database: string; storeDir: string }): Promise<void> {
  const redis = new Redis(run.redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${run.prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
  const admin = new URL(run.dbUrl);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${run.database}" WITH (FORCE)`);
  await c.end();
  await rm(run.storeDir, { recursive: true, force: true });
}
