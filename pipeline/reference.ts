import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../schemas/config.ts';
import {
  FormRow, MunicipalitiesFile, PolicySchema, TemaRow, UnitsFile,
  type Municipality, type Policy, type Unit,
} from '../schemas/reference.ts';
import type { z } from 'zod';

const DATA = path.join(ROOT, 'data');

/** Parses a TSV with a header row into validated rows; errors name the file and line. */
export function parseTsv<T>(text: string, schema: z.ZodType<T>, file: string): T[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.split('\t');
  return lines.slice(1).map((line, i) => {
    const cells = line.split('\t');
    const row = Object.fromEntries(header.map((h, j) => [h, (cells[j] ?? '').trim()]));
    const parsed = schema.safeParse(row);
    if (!parsed.success) throw new Error(`${file}:${i + 2}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    return parsed.data;
  });
}

function parseJson<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
  }
  return parsed.data;
}

export interface Reference {
  forms: Map<string, FormRow>;
  tema: Map<string, TemaRow>;
  units: Unit[];
  municipalities: Municipality[];
}

let cached: Reference | undefined;

/** The validated reference tables shipped in data/. Read once per process. */
export function loadReference(): Reference {
  if (cached) return cached;
  const formsFile = path.join(DATA, 'nav-forms.tsv');
  const temaFile = path.join(DATA, 'tema.tsv');
  const forms = parseTsv(readFileSync(formsFile, 'utf8'), FormRow, formsFile);
  const tema = parseTsv(readFileSync(temaFile, 'utf8'), TemaRow, temaFile);
  const units = parseJson(path.join(DATA, 'units.json'), UnitsFile).units;
  const municipalities = parseJson(path.join(DATA, 'municipalities.json'), MunicipalitiesFile).municipalities;
  const temaCodes = new Set(tema.map((t) => t.tema));
  for (const f of forms) if (!temaCodes.has(f.tema)) throw new Error(`${formsFile}: ${f.skjemanummer} has unknown tema ${f.tema}`);
  const unitIds = new Set(units.map((u) => u.id));
  for (const m of municipalities) {
    for (const office of [m.navOffice, ...(m.districts ?? []).map((d) => d.navOffice)]) {
      if (office && !unitIds.has(office)) throw new Error(`municipalities.json: ${m.number} names unknown unit ${office}`);
    }
  }
  cached = {
    forms: new Map(forms.map((f) => [f.skjemanummer, f])),
    tema: new Map(tema.map((t) => [t.tema, t])),
    units,
    municipalities,
  };
  return cached;
}

export function loadPolicy(file: string): Policy {
  return parseJson(file, PolicySchema);
}
