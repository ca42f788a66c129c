import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
// @ts-expect-error s3rver ships no types
import S3rver from '@20minutes/s3rver';
import { loadConfig, type Config } from '../../schemas/config.ts';

export interface S3Server {
  endpoint: string;
  close(): Promise<void>;
}

/** An S3-compatible server on loopback (s3rver), in a temporary folder. */
export async function startS3(): Promise<S3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'intake-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const info = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${info.port}`,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A configuration with its own database and queue prefix, so test files never share state. */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  const id = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/intake');
  base.pathname = `/intake_test_${id}`;
  return loadConfig(
    {
      ...process.env,
      DATABASE_URL: base.toString(),
      QUEUE_PREFIX: `t_${id}`,
      STORE_DIR: path.join(os.tmpdir(), `intake-store-${id}`),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      JOB_BACKOFF_MS: '200',
      SYNTHETIC_PERSONS: 'true',
      ...overrides,
    },
    { fresh: true },
  );
}

export function s3Env(s3: S3Server): Partial<Record<keyof Config, string>> {
  return { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER', S3_BUCKET: `intake-${randomBytes(3).toString('hex')}` };
}

export async function dropDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Closes a test context and drops its private database. */
export async function closeTestContext(ctx: { close(): Promise<void>; config: Pick<Config, 'DATABASE_URL'> } | undefined): Promise<void> {
  if (!ctx) return;
  await ctx.close();
  await dropDatabase(ctx.config.DATABASE_URL);
}

/** Polls until `check` returns a value, or fails after `timeoutMs` with the last state. */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
