/**
 * npm run chaos -- [--docs 220] [--scanned-every 10] [--outage-s 120] [--idle-s 90] [--only a,b] [--label before]
 *
 * Starts a PRIVATE PostgreSQL (initdb in /tmp, own port), a private Redis (own port) and an S3
 * server on loopback, runs one system with two supervised worker processes through every fault
 * of chaos/scenarios.ts in turn (each with its slice of the batch), and writes one line per
 * fault to chaos/results-<label>.md (and prints it).
 * The shared PostgreSQL and Redis of the machine are never touched.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ROOT } from '../schemas/config.ts';
import { chaosCorpus } from './corpus.ts';
import { ChaosSystem, type PhaseResult } from './harness.ts';
import { SCENARIOS } from './scenarios.ts';
import { PrivatePostgres, PrivateRedis, PrivateS3 } from './services.ts';

const { values: a } = parseArgs({
  options: {
    docs: { type: 'string', default: '220' },
    'scanned-every': { type: 'string', default: '10' },
    'outage-s': { type: 'string', default: '120' },
    'idle-s': { type: 'string', default: '90' },
    'max-drain-s': { type: 'string', default: '300' },
    only: { type: 'string' },
    label: { type: 'string', default: 'run' },
    seed: { type: 'string', default: '1' },
  },
});

const log = (line: string) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function row(r: PhaseResult): string {
  const stuckAt = Object.entries(r.stuckAt).map(([k, v]) => `${v} ${k}`).join(', ');
  const drain = r.drainS === null ? 'not drained' : `${r.drainS} s`;
  return `| ${r.scenario} | ${r.files} | ${r.documents} | ${r.lost} | ${r.doubled} | ${r.stuck}${stuckAt ? ` (${stuckAt})` : ''} | ${drain} | ${r.notes.join('; ')} |`;
}

async function main(): Promise<void> {
  const docs = Number(a.docs);
  const scenarios = a.only ? SCENARIOS.filter((s) => a.only!.split(',').includes(s.name)) : SCENARIOS;
  if (scenarios.length === 0) throw new Error(`no scenario named ${a.only}`);
  const root = await mkdtemp(path.join(os.tmpdir(), 'intake-chaos-'));
  const pg = await PrivatePostgres.create(root);
  const redis = await PrivateRedis.create(root);
  await redis.start({ persistent: true, fresh: true });
  const s3 = await PrivateS3.create(root);
  log(`private PostgreSQL :${pg.port}, Redis :${redis.port}, S3 :${s3.port} under ${root}`);
  const started = Date.now();
  const results: PhaseResult[] = [];
  const commit = execFileSync('git', ['-C', ROOT, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim();
  const out = path.join(ROOT, 'chaos', `results-${a.label}.md`);
  const perPhase = Math.ceil(docs / scenarios.length);
  const write = async () => {
    const lines = [
      `## ${a.label}: ${commit}`,
      '',
      `${new Date().toISOString()}; ${perPhase * scenarios.length} documents, ${perPhase} per fault (every ${a['scanned-every']}th a 1-page 200 dpi scan through OCR, the rest born-digital 1-page PDFs); one system through every fault in turn; 2 worker processes (concurrency 1) under a supervisor; outages ${a['outage-s']} s; retry and lock settings at their defaults (JOB_BACKOFF_MS 2000, JOB_LOCK_MS 30 s); a phase is given up ${a['idle-s']} s after its last progress; load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${Math.round((Date.now() - started) / 60_000)} min.`,
      '',
      '| fault | files | documents | lost | doubled | stuck (where) | drain after the fault | notes |',
      '| --- | ---: | ---: | ---: | ---: | --- | --- | --- |',
      ...results.map(row),
      '',
    ];
    await writeFile(out, lines.join('\n'));
  };
  let system: ChaosSystem | undefined;
  // Ctrl-C: the private servers and worker processes go too.
  const interrupted = () => {
    log('interrupted: stopping the private servers');
    void (async () => {
      await system?.stop().catch(() => {});
      await redis.destroy().catch(() => {});
      await pg.destroy().catch(() => {});
      await s3.destroy().catch(() => {});
      process.exit(130);
    })();
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const files = await chaosCorpus(perPhase * scenarios.length, { scannedEvery: Number(a['scanned-every']), seed: Number(a.seed) });
    system = await ChaosSystem.start({
      pg, redis, s3, workDir: root, workers: 2, outageMs: Number(a['outage-s']) * 1000, idleMs: Number(a['idle-s']) * 1000,
      maxDrainMs: Number(a['max-drain-s']) * 1000, baseEnv: { LOG_LEVEL: 'warn' }, log,
    });
    for (const [i, scenario] of scenarios.entries()) {
      const r = await system.phase(scenario, files.slice(i * perPhase, (i + 1) * perPhase));
      results.push(r);
      await write();
      if (r.details.length) log(`${scenario.name}: ${r.details.slice(0, 10).join(' | ')}`);
    }
    // The whole batch once more at the end: a later fault may have hit an earlier slice.
    const all = await system.phase({ name: 'all-at-the-end', fault: 'every document of the run, after the last fault', needs: [], run: async () => {} }, files);
    results.push(all);
    await write();
    log(`results in ${path.relative(process.cwd(), out)}`);
    process.stdout.write(`${results.map(row).join('\n')}\n`);
  } finally {
    await system?.stop();
    await s3.destroy().catch(() => {});
    await redis.destroy().catch(() => {});
    if (!process.env.CHAOS_KEEP) {
      await pg.destroy().catch(() => {});
      await rm(root, { recursive: true, force: true });
    } else {
      await pg.stop().catch(() => {});
      log(`kept: ${root} (logs/, pg/)`);
    }
  }
}

main().then(() => process.exit(0), (err) => {
  log(`failed: ${(err as Error).stack}`);
  process.exit(1);
});
