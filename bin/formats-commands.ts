import path from 'node:path';
import type { Command } from 'commander';
import { createContext } from '../app/context.ts';
import { loadConfig } from '../schemas/config.ts';
import { importRegister, RegisterImportError } from '../storage/person-register/import.ts';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

/** `intake register …`: the person register (issue 10). */
export function register(program: Command): void {
  const reg = program.command('register').description('the person register (standalone: a table loaded from a file)');
  reg
    .command('import')
    .description('load a register file into the register table (header: ident,gradering,gtKommune,gtBydel,gtLand,skjermet); all rows or none')
    .argument('<file>', 'CSV file, values as PDL names them (gradering STRENGT_FORTROLIG, …; skjermet true/false)')
    .action(async (file: string) => {
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
