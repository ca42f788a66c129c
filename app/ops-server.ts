import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from './context.ts';

/**
 * The operations endpoints of one process (API or worker), on their own port so they never pass
 * the API's sign-in and are never published with it (the platform probes and scrapes the pod):
 *
 *   GET /metrics        Prometheus text format (app/metrics.ts)
 *   GET /health/live    200 while the process runs and is not shutting down
 *   GET /health/ready   200 when PostgreSQL, Redis and the object store answer, else 503 naming which
 *
 * Answers carry check names and "ok"/"feil" only: no addresses, no error texts.
 */
export interface OpsServer {
  port: number;
  /** Readiness turns false at once (the platform stops sending work), the server closes. */
  close(): Promise<void>;
}

type Check = () => Promise<unknown>;

function within(ms: number, check: Check): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    check().then(() => true, () => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer));
}

export function readinessChecks(ctx: Pick<Context, 'db' | 'queues' | 'store'>): Record<string, Check> {
  return {
    postgres: () => ctx.db.query('SELECT 1'),
    redis: async () => {
      // BullMQ's own connection (an ioredis client), so the check sees what the queues see.
      const redis = (await ctx.queues.byStage.split.backend.client) as unknown as { ping(): Promise<string> };
      if ((await redis.ping()) !== 'PONG') throw new Error('no PONG');
    },
    // A key that never exists: the store answers "no" when it is reachable.
    store: () => ctx.store.exists('health/ready-check'),
  };
}

export async function startOpsServer(
  ctx: Pick<Context, 'db' | 'queues' | 'store' | 'metrics' | 'log'>,
  opts: { port: number; host: string; timeoutMs?: number },
): Promise<OpsServer> {
  const checks = readinessChecks(ctx);
  let stopping = false;
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: string, type = 'application/json; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      if (req.method !== 'GET') return send(405, JSON.stringify({ status: 'feil' }));
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics') return send(200, await ctx.metrics.registry.metrics(), ctx.metrics.registry.contentType);
      if (path === '/health/live') return send(stopping ? 503 : 200, JSON.stringify({ status: stopping ? 'stopper' : 'ok' }));
      if (path === '/health/ready') {
        if (stopping) return send(503, JSON.stringify({ status: 'stopper' }));
        const names = Object.keys(checks);
        const results = await Promise.all(names.map((n) => within(opts.timeoutMs ?? 2000, checks[n]!)));
        const body = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'ok' : 'feil']));
        const ok = results.every(Boolean);
        return send(ok ? 200 : 503, JSON.stringify({ status: ok ? 'ok' : 'feil', ...body }));
      }
      return send(404, JSON.stringify({ status: 'ukjent' }));
    } catch {
      return send(500, JSON.stringify({ status: 'feil' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  ctx.log.info({ port }, 'operations endpoints listening');
  return {
    port,
    async close() {
      stopping = true;
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
