/**
 * Private servers for fault injection: a PostgreSQL cluster in /tmp on its own port, a Redis on
 * its own port, an S3 server (s3rver) on loopback. Never the shared 5432/6379: those belong to
 * everyone on this machine and must not be stopped, restarted or flushed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
// @ts-expect-error s3rver ships no types
import S3rver from '@20minutes/s3rver';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on loopback (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port });
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions[0]) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)');
  return path.join(root, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: then its commands run as the postgres user. */
const asPostgres = (cmd: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];

export class PrivatePostgres {
  private constructor(readonly dir: string, readonly port: number) {}

  static async create(root: string): Promise<PrivatePostgres> {
    const dir = path.join(root, 'pg');
    await mkdir(dir, { recursive: true });
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(root, Number(stdout.trim()), Number(gid.trim()));
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const [cmd, args] = asPostgres(path.join(pgBin(), 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    await run(cmd, args);
    const pg = new PrivatePostgres(dir, await freePort());
    await pg.start();
    return pg;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private async ctl(...args: string[]): Promise<void> {
    const [cmd, a] = asPostgres(path.join(pgBin(), 'pg_ctl'), ['-D', this.dir, ...args]);
    await run(cmd, a, { timeout: 120_000 });
  }

  async start(): Promise<void> {
    await this.ctl('-w', '-l', path.join(this.dir, 'server.log'), '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=64MB`, 'start');
  }

  /** Fast shutdown: open transactions are rolled back, connections cut. */
  async stop(): Promise<void> {
    await this.ctl('-w', '-m', 'fast', 'stop');
  }

  async restart(): Promise<void> {
    await this.ctl('-w', '-m', 'fast', '-l', path.join(this.dir, 'server.log'), 'restart');
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }
}

export class PrivateRedis {
  private child: ChildProcess | null = null;
  /** Whether the running server keeps an append-only file (a restart then keeps the jobs). */
  persistent = true;

  private constructor(readonly dir: string, readonly port: number) {}

  static async create(root: string): Promise<PrivateRedis> {
    const dir = path.join(root, 'redis');
    await mkdir(dir, { recursive: true });
    return new PrivateRedis(dir, await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server: with persistence as scripts/ensure-services.sh now runs it, or without as it used to. */
  async start(opts: { persistent?: boolean; fresh?: boolean } = {}): Promise<void> {
    if (this.child) throw new Error('redis already running');
    this.persistent = opts.persistent ?? this.persistent;
    if (opts.fresh) {
      await rm(this.dir, { recursive: true, force: true });
      await mkdir(this.dir, { recursive: true });
    }
    const child = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '',
      '--appendonly', this.persistent ? 'yes' : 'no', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction',
      '--logfile', path.join(this.dir, 'redis.log'),
    ], { stdio: 'ignore' });
    this.child = child;
    child.once('exit', () => { if (this.child === child) this.child = null; });
    for (let i = 0; i < 100; i++) {
      if (await portOpen(this.port)) return;
      await sleep(100);
    }
    throw new Error(`redis on ${this.port} did not start`);
  }

  /** kill -9: what survives is what the append-only file had (everysec), or nothing without it. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    this.child = null;
  }

  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(this.port), ...args]);
    return stdout.trim();
  }

  async destroy(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** s3rver on a fixed loopback port and folder, so it can be stopped and started again with its objects. */
export class PrivateS3 {
  private server: { close(): Promise<void> } | null = null;

  private constructor(readonly dir: string, readonly port: number) {}

  static async create(root: string): Promise<PrivateS3> {
    const dir = path.join(root, 's3');
    await mkdir(dir, { recursive: true });
    const s3 = new PrivateS3(dir, await freePort());
    await s3.start();
    return s3;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== null;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new S3rver({ address: '127.0.0.1', port: this.port, silent: true, directory: this.dir });
    await server.run();
    this.server = server;
  }

  /** Unavailable: connections are refused until start() again. */
  async stop(): Promise<void> {
    const s = this.server as { close(): Promise<void>; httpServer?: { closeAllConnections?(): void } } | null;
    this.server = null;
    if (!s) return;
    const closed = s.close();
    s.httpServer?.closeAllConnections?.(); // keep-alive connections would hold the port open
    await closed;
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
