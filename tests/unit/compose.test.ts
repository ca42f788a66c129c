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
  it('runs Redis as BullMQ asks: append-only persistence and noeviction', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    const redis = text.slice(text.indexOf('\n  redis:'), text.indexOf('\n  worker:'));
    expect(redis).toMatch(/"--appendonly", "yes"/);
    expect(redis).toMatch(/"--maxmemory-policy", "noeviction"/);
    // scripts/ensure-services.sh starts its own Redis the same way.
    const script = await readFile(path.join(ROOT, 'scripts', 'ensure-services.sh'), 'utf8');
    const start = script.split('\n').filter((l) => /^\s*redis-server /.test(l)).join(' ');
    expect(start).toMatch(/--appendonly yes/);
    expect(script).toMatch(/--maxmemory-policy noeviction/);
    expect(start).not.toMatch(/--appendonly no/);
  });
});
