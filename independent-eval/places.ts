/**
 * Where the register's people live: the municipalities (and city districts) the reference data
 * has NAV offices for, read from data/municipalities.json, with a postnummer and poststed each.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../schemas/config.ts';

export interface Place {
  number: string;
  town: string;
  postal: string;
  districts: string[];
}

const POST: Record<string, [string, string]> = {
  '0301': ['0450', 'OSLO'], '4601': ['5015', 'BERGEN'], '5001': ['7030', 'TRONDHEIM'], '1103': ['4014', 'STAVANGER'],
  '3201': ['1346', 'GJETTUM'], '3203': ['1383', 'ASKER'], '5501': ['9010', 'TROMSØ'], '1804': ['8012', 'BODØ'],
  '4204': ['4630', 'KRISTIANSAND S'], '3403': ['2315', 'HAMAR'], '3436': ['2647', 'SØR-FRON'], '3437': ['2647', 'SØR-FRON'],
  '3439': ['2630', 'RINGEBU'],
};

interface MunicipalityFile {
  municipalities: Array<{ number: string; name: string; districts?: Array<{ number: string }> }>;
}

const file = JSON.parse(readFileSync(path.join(ROOT, 'data', 'municipalities.json'), 'utf8')) as MunicipalityFile;

export const MUNICIPALITIES: Place[] = file.municipalities.map((m) => {
  const [postal, town] = POST[m.number] ?? ['0001', m.name.toUpperCase()];
  return { number: m.number, town, postal, districts: (m.districts ?? []).map((d) => d.number) };
});
