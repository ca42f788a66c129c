/**
 * The intake CLI as child processes: worker processes under a supervisor (a killed one is started
 * again, as systemd or Kubernetes would), and ingest runs that an impatient operator may abort.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../schemas/config.ts';

const CLI = ['--import', 'tsx', path.join(ROOT, 'bin', 'intake.ts')];

function spawnCli(args: string[], env: Record<string, string>, log: WriteStream): ChildProcess {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  return child;
}

const exited = (c: ChildProcess): Promise<void> =>
  c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', () => r()));

export class WorkerPool {
  private readonly children: Array<ChildProcess | null>;
  private stopping = false;
  private next = 0;
  /** Worker processes started again after they died (killed or crashed). */
  restarts = 0;
  kills = 0;
  private readonly log: WriteStream;

  constructor(private readonly env: Record<string, string>, count: number, logFile: string) {
    this.children = Array.from({ length: count }, () => null);
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  start(): void {
    for (let i = 0; i < this.children.length; i++) this.spawn(i);
  }

  private spawn(i: number): void {
    const child = spawnCli(['worker', '--concurrency', '1'], this.env, this.log);
    this.children[i] = child;
    child.once('exit', (code, signal) => {
      this.log.write(`[chaos] worker ${i} pid ${child.pid} exited code=${code} signal=${signal}\n`);
      if (this.children[i] !== child) return;
      this.children[i] = null;
      if (this.stopping) return;
      this.restarts++;
      setTimeout(() => { if (!this.stopping && !this.children[i]) this.spawn(i); }, 1000);
    });
  }

  /** kill -9 of one worker process (in turn); the supervisor starts it again a second later. */
  killOne(): void {
    for (let n = 0; n < this.children.length; n++) {
      const i = (this.next + n) % this.children.length;
      const child = this.children[i];
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        this.kills++;
        this.next = i + 1;
        return;
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const alive = this.children.filter((c): c is ChildProcess => c !== null);
    for (const c of alive) c.kill('SIGKILL');
    await Promise.all(alive.map(exited));
    await new Promise((r) => this.log.end(r));
  }
}

export interface IngestRun {
  code: number | null;
  timedOut: boolean;
  output: string;
}

/** `intake ingest DIR`; after `timeoutMs` or on `signal` the operator gives up (SIGINT, then SIGKILL). */
export async function runIngest(env: Record<string, string>, dir: string, logFile: string, opts: { name: string; timeoutMs: number; signal?: AbortSignal }): Promise<IngestRun> {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawnCli(['ingest', dir, '--name', opts.name], env, log);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  let timedOut = false;
  const giveUp = () => {
    timedOut = true;
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  };
  const timer = setTimeout(giveUp, opts.timeoutMs);
  opts.signal?.addEventListener('abort', giveUp, { once: true });
  await exited(child);
  clearTimeout(timer);
  opts.signal?.removeEventListener('abort', giveUp);
  await new Promise((r) => log.end(r));
  return { code: child.exitCode, timedOut, output };
}
