import path from 'node:path';
import type { Command } from 'commander';
import { createContext } from '../app/context.ts';
import { loadConfig } from '../schemas/config.ts';
import { importRegister, RegisterImportError } from '../storage/person-register/import.ts';
import { formatReconciliation, listReconciliations, runReconciliation } from '../services/reconciliation.service.ts';
import { readFile } from 'node:fs/promises';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

/** `intake register …`: the person register (issue 10). */
export function register(program: Command): void {
  const reg = program.command('register').description('the person register (standalone: a table loaded from a file)');
  reg
    .command('import')
    .description('load a register file into the register table (header: ident,gradering,gtKommune,gtBydel,gtLand,skjermet); all rows or none')
    .argument('<file>', 'CSV file, values as PDL names them (gradering STRENGT_FORTROLIG, …; skjermet true/false)')
    .action(async (file: string) => {
      await readFile(file, { flag: 'r' }).catch(() => {
        throw new Error(`no such file: ${file}`);
      });
      const config = loadConfig();
      const ctx = await createContext(config, 'register-import');
      try {
        const r = await importRegister(ctx.db, file, {
          actor: config.INTAKE_USER,
          name: path.basename(file),
          onProgress: (p) => process.stderr.write(`  ${p.phase.padEnd(5)} ${mb(p.bytes)} of ${mb(p.totalBytes)}\n`),
        });
        console.log(`register: ${r.rows} row(s) read, ${r.inserted} new, ${r.updated} changed, in ${(r.ms / 1000).toFixed(1)} s`);
      } catch (err) {
        if (!(err instanceof RegisterImportError)) throw err;
        console.error(`intake register import: ${err.message}`);
        process.exitCode = 2;
      } finally {
        await ctx.close();
      }
    });
}

/** `intake avstemming`: reconciliation against the vendor's daily file. */
export function registerAvstemming(program: Command): void {
  program
    .command('avstemming')
    .description("reconcile the vendor's daily file of delivered references with what was received; prints what is missing (exit code 3)")
    .argument('[file]', 'the avstemmingsfil (default: the expected day\'s file in AVSTEMMING_DIR)')
    .option('--today <date>', 'run as on this day (YYYY-MM-DD), e.g. to catch up')
    .option('--list', 'show the latest reconciliations instead')
    .option('--json', 'print JSON')
    .action(async (file: string | undefined, opts: { today?: string; list?: boolean; json?: boolean }) => {
      const config = loadConfig();
      const ctx = await createContext(config, 'avstemming');
      try {
        if (opts.list) {
          const rows = await listReconciliations(ctx);
          console.log(opts.json ? JSON.stringify(rows, null, 2) : rows.map(formatReconciliation).join('\n') || 'ingen avstemminger ennå');
          return;
        }
        const r = await runReconciliation(ctx, {
          file: file ? { name: path.basename(file), data: await readFile(file) } : undefined,
          today: opts.today, actor: config.INTAKE_USER,
        });
        console.log(opts.json ? JSON.stringify(r, null, 2) : formatReconciliation(r));
        if (r.status === 'missing' || r.status === 'no-file') process.exitCode = 3;
      } finally {
        await ctx.close();
      }
    });
}
