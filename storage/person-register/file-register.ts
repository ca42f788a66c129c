import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { REGISTER_HEADER, RegisterImportError } from './import.ts';
import { GRADERINGER, type Gradering, type PersonRegister, type RegisterEntry } from './person-register.ts';

/** Parses one register line (the same rules as the import's checks); throws with the line number. */
export function parseRegisterLine(line: string, lineNo: number): RegisterEntry {
  const f = line.split(',');
  const fail = (what: string) => {
    throw new RegisterImportError(`linje ${lineNo}: ${what}`);
  };
  if (f.length !== 6) fail(`har ${f.length} felt, ventet 6 (${REGISTER_HEADER})`);
  const [ident, gradering, gtKommune, gtBydel, gtLand, skjermet] = f.map((v) => v.trim().replace(/^"(.*)"$/, '$1')) as [string, string, string, string, string, string];
  if (!/^\d{11}$/.test(ident)) fail('ident er ikke 11 siffer');
  const g = (gradering || 'UGRADERT') as Gradering;
  if (!GRADERINGER.includes(g)) fail('gradering er ikke STRENGT_FORTROLIG, STRENGT_FORTROLIG_UTLAND, FORTROLIG eller UGRADERT');
  if (gtKommune && !/^\d{4}$/.test(gtKommune)) fail('gtKommune er ikke et kommunenummer på fire siffer');
  if (gtBydel && !/^\d{6}$/.test(gtBydel)) fail('gtBydel er ikke et bydelsnummer på seks siffer');
  if (gtLand && !/^[A-Z]{2,3}$/.test(gtLand)) fail('gtLand er ikke en landkode (ISO 3166)');
  if (skjermet !== 'true' && skjermet !== 'false') fail('skjermet er ikke true eller false');
  return { ident, gradering: g, gtKommune: gtKommune || null, gtBydel: gtBydel || null, gtLand: gtLand || null, skjermet: skjermet === 'true' };
}

/** Every entry of register CSV text (header first). */
export function parseRegisterCsv(text: string): RegisterEntry[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if ((lines[0] ?? '').trim() !== REGISTER_HEADER) throw new RegisterImportError(`første linje må være «${REGISTER_HEADER}»`);
  const out: RegisterEntry[] = [];
  for (let i = 1; i < lines.length; i++) if (lines[i]!.trim()) out.push(parseRegisterLine(lines[i]!, i + 1));
  return out;
}

/** The register file in memory, for `intake classify --register FILE.csv` (no database). */
export class FileRegister implements PersonRegister {
  readonly kind = 'file' as const;
  private constructor(private readonly byId: Map<string, RegisterEntry>) {}

  static fromEntries(entries: RegisterEntry[]): FileRegister {
    return new FileRegister(new Map(entries.map((e) => [e.ident, e])));
  }

  static async load(file: string): Promise<FileRegister> {
    const byId = new Map<string, RegisterEntry>();
    let n = 0;
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      n++;
      if (n === 1) {
        if (line.replace(/^\uFEFF/, '').trim() !== REGISTER_HEADER) throw new RegisterImportError(`${file}: første linje må være «${REGISTER_HEADER}»`);
        continue;
      }
      if (!line.trim()) continue;
      const e = parseRegisterLine(line, n);
      byId.set(e.ident, e);
    }
    return new FileRegister(byId);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Synchronous look-up: the dry run's classification asks one id at a time. */
  get(ident: string): RegisterEntry | null {
    return this.byId.get(ident) ?? null;
  }

  async lookup(idents: readonly string[]): Promise<Map<string, RegisterEntry>> {
    const out = new Map<string, RegisterEntry>();
    for (const id of idents) {
      const e = this.byId.get(id);
      if (e) out.set(id, e);
    }
    return out;
  }
}
