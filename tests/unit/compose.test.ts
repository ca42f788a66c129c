import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../schemas/config.ts';

const run = promisify(execFile);
const dclint = path.join(ROOT, 'node_modules', '.bin', 'dclint');

// No Docker engine here: dclint checks the file against the Compose specification's schema.
describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', async () => {
    await expect(run(dclint, [path.join(ROOT, 'docker-compose.yml')])).resolves.toBeDefined();
  });
  it('the check does fail on an invalid file', async () => {
    const bad = path.join(os.tmpdir(), `bad-compose-${process.pid}.yml`);
    await writeFile(bad, 'services:\n  api:\n    image: x:1\n    portz: [1]\n');
    const err = await run(dclint, [bad]).then(() => null, (e: { stdout: string; code: number }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stdout).toMatch(/additional properties/);
  });
  it('describes postgres, redis, minio, api and workers', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const s of ['postgres', 'redis', 'minio', 'api', 'worker']) expect(text).toMatch(new RegExp(`^  ${s}:`, 'm'));
  });
});
