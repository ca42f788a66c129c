import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, ensureDatabase, inTransaction, type Db } from '../../storage/db/pool.ts';
import { dropDatabase, testConfig } from '../helpers/services.ts';

const config = testConfig();
let db: Db;
let admin: pg.Client;

beforeAll(async () => {
  await ensureDatabase(config.DATABASE_URL);
  db = createPool(config.DATABASE_URL);
  admin = new pg.Client({ connectionString: config.DATABASE_URL });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await db?.end();
  await dropDatabase(config.DATABASE_URL);
});

describe('the connection pool when PostgreSQL goes away', () => {
  it('a connection cut in the middle of a transaction fails that transaction and does not crash the process', async () => {
    const uncaught: Error[] = [];
    const onUncaught = (e: Error) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const attempt = inTransaction(db, async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // What a fast shutdown or restart of the server does to every open connection.
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((r) => setTimeout(r, 300));
        await tx.query('SELECT 1');
      });
      await expect(attempt).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 300));
      expect(uncaught.map((e) => e.message)).toEqual([]);
      // The pool goes on with a new connection.
      expect((await db.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
