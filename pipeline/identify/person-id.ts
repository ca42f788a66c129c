import { idnr } from '@navikt/fnrvalidator';

export interface PersonIdHit {
  id: string;
  index: number;
  /** Characters between the id and the nearest "fødselsnummer"-like label before it. */
  labelDistance: number;
}

const LABEL_RE = /(f[øo]dsels\s*nr|f[øo]dselsnummer|d-?nummer|personnummer|f\.?\s?nr)/gi;
// 11 digits, allowing the common "DDMMYY NNNNN" split and OCR-inserted spaces.
const ID_RE = /(?<![0-9])(\d{6})\s?(\d{5})(?![0-9])/g;

export function isValidPersonId(id: string): boolean {
  return /^\d{11}$/.test(id) && idnr(id).status === 'valid';
}

/** Checksum-valid ids in the text, nearest to a fødselsnummer label first. */
export function findPersonIds(text: string): PersonIdHit[] {
  const labels = [...text.matchAll(LABEL_RE)].map((m) => (m.index ?? 0) + m[0].length);
  const hits: PersonIdHit[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(ID_RE)) {
    const id = m[1]! + m[2]!;
    const index = m.index ?? 0;
    if (seen.has(id) || !isValidPersonId(id)) continue;
    seen.add(id);
    const before = labels.filter((l) => l <= index).map((l) => index - l);
    hits.push({ id, index, labelDistance: before.length ? Math.min(...before) : Number.POSITIVE_INFINITY });
  }
  return hits.sort((a, b) => a.labelDistance - b.labelDistance || a.index - b.index);
}
