import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../schemas/config.ts';

const run = promisify(execFile);
let dir: string;
let clone: string;

// `npx intake …` as an npm user calls it, from a fresh clone of what is committed (node_modules
// linked from this checkout: installing again would take minutes and the network).
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-clone-'));
  clone = path.join(dir, 'intake');
  await run('git', ['clone', '-q', '--no-hardlinks', ROOT, clone]);
  await symlink(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const npx = (args: string[], env: Record<string, string> = {}) =>
  // A private npm cache: npx links the clone there, and it goes away with the clone.
  run('npx', ['--yes', 'intake', ...args], { cwd: clone, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_cache: path.join(dir, 'npm-cache'), ...env }, maxBuffer: 16 << 20 });

describe('npx intake, from a fresh clone', () => {
  it('runs the CLI', async () => {
    const { stdout } = await npx(['--help']);
    expect(stdout).toMatch(/Usage: intake/);
    expect(stdout).toMatch(/register/);
  }, 60_000);

  it('classify prints one JSON line per pair it would set aside, beside the documents', async () => {
    const zip = path.join(clone, 'tests', 'fixtures', 'nav', 'skanmotovrig', 'OVRIG-20200529-1.zip');
    const { stdout } = await npx(['classify', '--json', '-c', '1', zip]);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    const aside = lines.filter((l) => l.setAside);
    expect(aside.map((l) => [l.file, l.entry])).toEqual([
      ['OVRIG-20200529-1.zip', 'OVRIG-20200529-1-4.xml'],
      ['OVRIG-20200529-1.zip', 'OVRIG-20200529-1-5.pdf'],
      ['OVRIG-20200529-1.zip', 'OVRIG-20200529-1-6.xml'],
      ['OVRIG-20200529-1.zip', 'OVRIG-20200529-1-6.pdf'],
    ]);
    for (const l of aside) expect(Object.keys(l)).toEqual(['file', 'entry', 'setAside', 'reason']);
    expect(lines.filter((l) => !l.setAside).map((l) => l.file)).toEqual([1, 2, 3].map((n) => `OVRIG-20200529-1.zip:OVRIG-20200529-1-${n}.pdf`));
  }, 120_000);
});
