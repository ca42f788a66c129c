import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../schemas/config.ts';
import { STAGES, type Stage } from '../pipeline/stages.ts';
import { createContext } from '../app/context.ts';
import { register as registerIdentifyCommands } from './identify-commands.ts';
import { register as registerFormatsCommands, registerAvstemming } from './formats-commands.ts';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
};

const stageList = (v: string): Stage[] => {
  const stages = v.split(',').map((s) => s.trim());
  for (const s of stages) if (!(STAGES as readonly string[]).includes(s)) throw new InvalidArgumentError(`unknown stage ${s} (${STAGES.join(', ')})`);
  return stages as Stage[];
};

/** Stops on SIGINT/SIGTERM after the work in flight is done. */
function onShutdown(fn: () => Promise<void>): void {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await fn().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Each command imports what it runs when it runs: a worker process never loads the API, the
// demo's generators or the tools (issue 14: an idle worker's memory).
const program = new Command('intake').description("NAV central mail room: scanned post in, routed cases out").showHelpAfterError();

program
  .command('ingest')
  .description('take a file, a folder or a vendor batch zip into a new batch')
  .argument('<paths...>', 'PDF, TIFF, PNG, JPEG, batch zip, or a folder of them')
  .option('--name <name>', 'batch name (default: the first path)')
  .action(async (paths: string[], opts: { name?: string }) => {
    const { ingest, readInputPath } = await import('../services/ingest.service.ts');
    const ctx = await createContext(loadConfig(), 'ingest');
    try {
      const files = (await Promise.all(paths.map(readInputPath))).flat();
      const report = await ingest(ctx, files, {
        batchName: opts.name ?? paths[0]!,
        source: 'cli',
        onProgress: (e) => process.stderr.write(`  ${e.outcome.padEnd(9)} ${e.file}  ${e.detail}\n`),
      });
      console.log(`batch ${report.batchId}: ${report.documents.length} document(s) queued, ${report.duplicates.length} duplicate(s), ${report.setAside.length} set aside`);
      console.log(`follow it with: ./intake status ${report.batchId}`);
    } finally {
      await ctx.close();
    }
  });

program
  .command('worker')
  .description('run the pipeline stages (start several to scale out)')
  .option('-c, --concurrency <n>', 'jobs in flight per stage (OCR workers)', positiveInt)
  .option('--stages <list>', `only these stages (${STAGES.join(',')})`, stageList)
  .option('--sweep', 'also run the deviation sweep and the reconciliation schedule (always on without --stages)')
  .action(async (opts: { concurrency?: number; stages?: Stage[]; sweep?: boolean }) => {
    const config = loadConfig();
    const concurrency = opts.concurrency ?? config.WORKER_CONCURRENCY;
    const [{ startWorkers }, { startOpsServer }, { handlerOf }] = await Promise.all([import('../workers/worker.ts'), import('../app/ops-server.ts'), import('../workers/runner.ts')]);
    const ctx = await createContext(config, 'worker', { ocrSize: concurrency });
    if (!opts.stages || opts.stages.includes('ocr')) await ctx.ocr(); // load language data before taking jobs
    // This worker's stage modules too (only those: runner.ts), so no job waits for a module to load.
    await Promise.all((opts.stages ?? STAGES).map((s) => handlerOf(s)));
    const running = startWorkers(ctx, { concurrency, stages: opts.stages, ...(opts.sweep ? { deviations: true } : {}) });
    ctx.log.info({ concurrency, stages: opts.stages ?? STAGES }, 'worker started');
    const ops = config.OPS_PORT ? await startOpsServer(ctx, { port: config.OPS_PORT, host: config.OPS_HOST }) : null;
    onShutdown(async () => {
      await ops?.close();
      await running.close();
      await ctx.close();
    });
  });

program
  .command('api')
  .description('serve the HTTP API')
  .option('-p, --port <port>', 'port (default API_PORT)', (v) => Number(v))
  .action(async (opts: { port?: number }) => {
    const config = loadConfig();
    const [{ buildApi }, { startOpsServer }, { registerManualQueue }, { documentsPerStage }] = await Promise.all([
      import('../api/server.ts'), import('../app/ops-server.ts'), import('../app/metrics.ts'), import('../storage/repositories/overview.repository.ts'),
    ]);
    const ctx = await createContext(config, 'api');
    const app = buildApi(ctx);
    const address = await app.listen({ host: config.API_HOST, port: opts.port ?? config.API_PORT });
    ctx.log.info({ address }, 'api listening');
    // The manual queue's size is the API's to report (one query per scrape, not one per worker).
    registerManualQueue(ctx.metrics, () => documentsPerStage(ctx.db));
    const ops = config.OPS_PORT ? await startOpsServer(ctx, { port: config.OPS_PORT, host: config.OPS_HOST }) : null;
    onShutdown(async () => {
      await ops?.close();
      await app.close();
      await ctx.close();
    });
  });

program
  .command('status')
  .description('where a document (JP…), batch (B…) or case (SAK…) is, with its history; --stuck: the whole system per day and what nothing moves')
  .argument('[id]')
  .option('--json', 'print JSON')
  .option('--purpose <why>', 'why you look (recorded in the access log)', 'status look-up')
  .option('--stuck', `per day: received, delivered, manual, set aside, still moving; and every document older than NO_JOB_AFTER_MINUTES with no live job (exit code 3 when there is one)`)
  .option('--days <n>', 'days back with --stuck', positiveInt, 14)
  .action(async (id: string | undefined, opts: { json?: boolean; purpose: string; stuck?: boolean; days: number }) => {
    const config = loadConfig();
    if (!opts.stuck && !id) program.error('give an id (JP…, B…, SAK…) or --stuck');
    const [{ formatStatus, lookupStatus, NotFoundError }, { formatSystemReconciliation, reconcileSystem }] = await Promise.all([
      import('../services/status.service.ts'), import('../services/system-reconciliation.service.ts'),
    ]);
    const ctx = await createContext(config, 'status');
    try {
      if (opts.stuck) {
        // Ids, stages and counts only: no person or content, so nothing for the access log.
        const r = await reconcileSystem(ctx, { days: opts.days, protectedToo: true });
        console.log(opts.json ? JSON.stringify(r, null, 2) : formatSystemReconciliation(r, { colour: process.stdout.isTTY }));
        if (r.stuck.length > 0) process.exitCode = 3;
        return;
      }
      const report = await lookupStatus(ctx, id!, { actor: config.INTAKE_USER, purpose: opts.purpose });
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatStatus(report));
    } catch (err) {
      if (err instanceof NotFoundError) {
        console.error(err.message);
        process.exitCode = 2;
      } else throw err;
    } finally {
      await ctx.close();
    }
  });

program
  .command('migrate')
  .description('create the database, apply migrations and load reference data')
  .action(async () => {
    const ctx = await createContext(loadConfig(), 'migrate');
    await ctx.close();
    console.log('database ready');
  });

program
  .command('demo')
  .description('start API and workers, generate a sample mail batch, ingest it and print where each document went')
  .option('--once', 'exit after the summary instead of serving')
  .option('--count <n>', 'documents in the sample batch', positiveInt, 24)
  .option('--seed <n>', 'sample generator seed (default: new each run)', positiveInt)
  .option('--workers <n>', 'worker processes', positiveInt, 1)
  .option('-c, --concurrency <n>', 'OCR jobs per worker process', positiveInt)
  .action(async (opts: { once?: boolean; count: number; seed?: number; workers: number; concurrency?: number }) => {
    await (await import('../scripts/demo.ts')).runDemo(opts);
  });

registerIdentifyCommands(program);
registerFormatsCommands(program);
registerAvstemming(program);

program.parseAsync().catch((err: Error) => {
  console.error(`intake: ${err.message}`);
  process.exit(1);
});
