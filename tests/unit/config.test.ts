import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../schemas/config.ts';
import { readInputPath } from '../../services/ingest.service.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({}, { fresh: true });
    expect(c.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(c.S3_ENDPOINT).toBeUndefined();
    expect(c.WORKER_CONCURRENCY).toBeGreaterThanOrEqual(1);
  });
  it('names every bad setting', () => {
    expect(() => loadConfig({ API_PORT: 'eighty', REDIS_URL: 'not a url' }, { fresh: true })).toThrow(/API_PORT[\s\S]*REDIS_URL|REDIS_URL[\s\S]*API_PORT/);
    expect(() => loadConfig({ WORKER_CONCURRENCY: '0' }, { fresh: true })).toThrow(/WORKER_CONCURRENCY/);
  });
});

describe('reading an input path', () => {
  it('takes every file under a folder, sorted, skipping hidden files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'intake-in-'));
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'b.pdf'), '%PDF-b');
    await writeFile(path.join(dir, 'a.png'), 'png');
    await writeFile(path.join(dir, '.DS_Store'), 'x');
    await writeFile(path.join(dir, 'sub', 'c.tif'), 'tif');
    expect((await readInputPath(dir)).map((f) => f.name)).toEqual(['a.png', 'b.pdf', 'sub/c.tif']);
    expect((await readInputPath(path.join(dir, 'b.pdf')))[0]?.data.toString()).toBe('%PDF-b');
  });
  it('says when the path does not exist', async () => {
    await expect(readInputPath('/no/such/thing')).rejects.toThrow(/no such file or folder/);
  });
});
