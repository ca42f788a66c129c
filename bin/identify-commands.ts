import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { renderSeparatorPdf } from '../pipeline/foersteside/cover-sheet.ts';
import { readDocumentFile, type ClassifyOutput } from '../pipeline/identify/read-document.ts';
import { OcrEngine } from '../pipeline/ocr/ocr-engine.ts';
import { loadPolicy, loadReference } from '../pipeline/reference.ts';
import { simulate, UnitDirectory, type RoutingInput, type RoutingPerson } from '../pipeline/route/route.ts';
import { loadConfig } from '../schemas/config.ts';
import type { DocumentKind } from '../schemas/reference.ts';
import { CoverSheetError, orderCoverSheet } from '../services/foersteside.service.ts';
import { personRegister } from '../storage/seed/person-register.ts';
import { FileRegister } from '../storage/person-register/file-register.ts';
import { toRoutingPerson } from '../storage/person-register/person-register.ts';
import { loadPrivateKey } from '../pipeline/ingest/pgp.ts';
import { getPerson } from '../storage/repositories/persons.repository.ts';
import { createContext } from '../app/context.ts';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The synthetic person register as routing facts: what `classify` uses instead of the database. */
export function offlineRegister(): (id: string) => RoutingPerson | null {
  const byId = new Map(personRegister().map((p) => [p.id, p]));
  return (id) => {
    const p = byId.get(id);
    return p ? { addressProtection: p.addressProtection, skjermet: p.skjermet, abroad: p.abroad, municipality: p.municipality, district: p.district } : null;
  };
}

function summaryLine(o: ClassifyOutput): string {
  const units = o.route.destinations.map((d) => `${d.unitType}:${d.unitId}`).join('+');
  return `${o.file} p${o.pageRange[0]}-${o.pageRange[1]}  ${(o.formNumber ?? '-').padEnd(13)} ${o.tema} ${o.documentKind.padEnd(11)} ${o.confidence.toFixed(2)} ${o.needsManual ? 'MANUAL ' : ''}${o.route.rule} -> ${units}`;
}

export function register(program: Command): void {
  program
    .command('classify')
    .description('dry run without services: read, split, identify and route files; one JSON object per document with --json')
    .argument('<files...>', 'PDF, TIFF, PNG, JPEG or zip files')
    .option('--json', 'print one JSON object per line (format: docs/classify-format.md)')
    .option('--text', 'read every page in full and add each document\'s OCR text and page turns ("text", "pageTurns")')
    .option('--policy <file>', 'routing policy (default ROUTING_POLICY)')
    .option('-c, --concurrency <n>', 'OCR workers', positiveInt, 2)
    .option('--register <file>', 'person register file (ident,gradering,gtKommune,gtBydel,gtLand,skjermet); default: the built-in synthetic register')
    .action(async (files: string[], opts: { json?: boolean; text?: boolean; policy?: string; concurrency: number; register?: string }) => {
      const config = loadConfig();
      let person = offlineRegister();
      if (opts.register) {
        const register = await FileRegister.load(opts.register);
        process.stderr.write(`intake classify: ${register.size} person(s) in ${path.basename(opts.register)}\n`);
        person = (id) => {
          const e = register.get(id);
          return e ? toRoutingPerson(e) : null;
        };
      }
      const pgp = config.PGP_PRIVATE_KEY_FILE
        ? await loadPrivateKey(await readFile(config.PGP_PRIVATE_KEY_FILE), config.PGP_PASSPHRASE_FILE ? (await readFile(config.PGP_PASSPHRASE_FILE, 'utf8')).trim() : config.PGP_PASSPHRASE)
        : null;
      const reference = loadReference();
      const policy = loadPolicy(opts.policy ?? config.ROUTING_POLICY);
      const ocr = await OcrEngine.create({ langs: config.OCR_LANGS, size: opts.concurrency, langPath: config.OCR_LANG_PATH });
      const deps = {
        ocr, reference, policy,
        directory: new UnitDirectory(reference.units, reference.municipalities),
        person,
        pgp,
        // Pairs ingest would set aside: one line each, so nothing in a batch goes unmentioned.
        onSetAside: (s: { file: string; entry: string; setAside: true; reason: string }) =>
          process.stdout.write(`${opts.json ? JSON.stringify(s) : `${s.file}:${s.entry}  SET ASIDE  ${s.reason}`}\n`),
        // No database here: a cover sheet's metadata is unknown, so its page is read like any other.
        coverSheet: () => null,
        withText: Boolean(opts.text),
      };
      try {
        for (const file of files) {
          let docs: ClassifyOutput[];
          try {
            docs = await readDocumentFile(deps, path.basename(file), await readFile(file));
          } catch (err) {
            process.stderr.write(`intake classify: ${file}: ${(err as Error).message}\n`);
            process.exitCode = 1;
            continue;
          }
          for (const d of docs) process.stdout.write(`${opts.json ? JSON.stringify(d) : summaryLine(d)}\n`);
        }
      } finally {
        await ocr.close();
      }
    });

  program
    .command('foersteside')
    .description('create a cover sheet (førsteside): stores its metadata and writes a printable PDF with the løpenummer barcode')
    .option('--tema <code>', 'tema, e.g. DAG')
    .option('--form <number>', 'form number, e.g. "NAV 04-01.03"')
    .option('--follow-up', 'ettersendelse to an earlier claim (NAVe)')
    .option('--title <text>', 'title (default: the form\'s title in the catalogue)')
    .option('--person <id>', 'the user\'s fødselsnummer or D-number')
    .option('--attachment <name>', 'an expected attachment (repeat for several)', collect, [])
    .option('--unit <id>', 'receiving unit (enhetsnummer)')
    .option('--language <code>', 'nb, nn or en', 'nb')
    .option('--separator', 'write a separator sheet (skilleark) instead; needs no database')
    .option('-o, --out <file>', 'PDF file to write')
    .action(async (opts: { tema?: string; form?: string; followUp?: boolean; title?: string; person?: string; attachment: string[]; unit?: string; language: string; separator?: boolean; out?: string }) => {
      if (opts.separator) {
        const out = opts.out ?? 'skilleark.pdf';
        await writeFile(out, await renderSeparatorPdf());
        console.log(`separator sheet written to ${out}`);
        return;
      }
      if (!opts.tema) throw new Error('--tema is required');
      const config = loadConfig();
      const ctx = await createContext(config, 'foersteside');
      try {
        const { sheet, pdf } = await orderCoverSheet(ctx, {
          tema: opts.tema, formNumber: opts.form, followUp: Boolean(opts.followUp), title: opts.title, personId: opts.person,
          attachments: opts.attachment, unit: opts.unit, language: opts.language as 'nb',
        }, config.INTAKE_USER);
        const out = opts.out ?? `foersteside-${sheet.loepenummer}.pdf`;
        await writeFile(out, pdf);
        console.log(`cover sheet ${sheet.loepenummer} (${sheet.tema}${sheet.formNumber ? `, ${sheet.formNumber}` : ''}, ${sheet.attachments.length} attachment(s)) written to ${out}`);
      } catch (err) {
        if (err instanceof CoverSheetError) {
          console.error(`intake foersteside: ${err.message}`);
          process.exitCode = 2;
        } else throw err;
      } finally {
        await ctx.close();
      }
    });

  const routeCmd = program.command('route').description('routing policies');
  routeCmd
    .command('simulate')
    .description('replay stored, identified documents under the current policy and others; volumes per unit side by side')
    .requiredOption('--policy <file>', 'policy file to compare (repeat for several)', collect, [])
    .option('--batch <id>', 'only documents of this batch')
    .action(async (opts: { policy: string[]; batch?: string }) => {
      const config = loadConfig();
      const policies = opts.policy.map((f) => loadPolicy(f));
      const ctx = await createContext(config, 'simulate');
      try {
        const { rows } = await ctx.db.query(
          `SELECT id, tema, document_kind, person_id, classification FROM documents
           WHERE identified_at IS NOT NULL AND ($1::text IS NULL OR batch_id = $1) ORDER BY id`,
          [opts.batch ?? null],
        );
        const inputs: RoutingInput[] = [];
        for (const r of rows) {
          inputs.push({
            tema: r.tema ?? 'UKJ',
            kind: (r.document_kind ?? 'other') as DocumentKind,
            person: r.person_id ? await getPerson(ctx.db, r.person_id) : null,
            needsManual: Boolean(r.classification?.needsManual),
          });
        }
        const all = [ctx.policy, ...policies];
        const table = simulate(inputs, all, ctx.directory);
        const w = Math.max(...all.map((p) => p.id.length), 8);
        console.log(`${inputs.length} stored document(s) replayed\n`);
        console.log(`${'unit'.padEnd(6)} ${'type'.padEnd(20)} ${'name'.padEnd(44)} ${all.map((p) => p.id.padStart(w)).join(' ')}`);
        for (const row of table) {
          console.log(`${row.unitId.padEnd(6)} ${row.unitType.padEnd(20)} ${row.name.slice(0, 44).padEnd(44)} ${row.counts.map((c) => String(c).padStart(w)).join(' ')}`);
        }
        const totals = all.map((_, i) => table.reduce((s, r) => s + r.counts[i]!, 0));
        console.log(`${'total deliveries'.padEnd(72)} ${totals.map((c) => String(c).padStart(w)).join(' ')}`);
      } finally {
        await ctx.close();
      }
    });
}
