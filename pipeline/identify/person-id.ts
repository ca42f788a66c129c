import { idnr } from '@navikt/fnrvalidator';
import { hasValidFnrCheckDigits } from './check-digits.ts';

export type PersonRole = 'applicant' | 'other' | 'unlabelled';

export interface PersonIdHit {
  id: string;
  index: number;
  /** Characters between the id and the nearest "fødselsnummer"-like label before it. */
  labelDistance: number;
  /** Whose id it looks like from the words before it: the applicant's, someone else's (child, doctor), or unknown. */
  role: PersonRole;
  /** The digits were corrected (a confusable character or one misread digit) to pass the checksum. */
  corrected: boolean;
  /** One digit was changed because exactly one person in the register fits (not a confusable letter). */
  repaired: boolean;
}

const LABEL_RE = /(f[øo0]d(sels|s|e)?\s*\.?\s*(nr|nummer)|f[øo0]dselsnummer|d-?\s?nummer|personnummer|\bf\.?\s?nr|\bfnr|identitetsnummer|national identity number)/gi;
// Words before an id that make it someone else's: children, partners, doctors, employers.
const OTHER_RE = /(barn|andre personer|ektefelle|samboer|forelder|lege|behandler|arbeidsgiver|org\.?\s?nr|avdøde|gjenlevende)/i;
const APPLICANT_RE = /(søker|bruker|personopplysninger|gjelder:|undertegnede)/i;

// 11 digits, allowing "DDMMYY NNNNN" (or "DDMMYY-NNNNN"), up to two OCR-inserted spaces anywhere ("16868921 157") and
// letters OCR confuses with digits. Zero-width, so candidates may overlap: a phone number just
// before an id cannot swallow its first digits.
// A blot: a mark OCR makes of one digit it cannot read ("0482109759%"); the check digits decide it.
const BLOT = '%$#&?*§';
const ID_CHAR = `[0-9OoDIl|SB${BLOT}]`;
const ID_RE = new RegExp(`(?<![0-9A-Za-z])(?=(${ID_CHAR}(?:[ .-]?${ID_CHAR}){10})(?![0-9A-Za-z]))`, 'g');
const MAX_SEPARATORS = 2;

/** The 11 id characters of a candidate, or null when OCR split it more than a scan plausibly does. */
function candidateChars(m: RegExpMatchArray): string | null {
  const seps = m[1]!.replace(/[^ .-]/g, '').length;
  // Digits printed one per box ("2 6 8 6 1 0 5 3 3 3 3") come out with a space between each.
  if (seps > MAX_SEPARATORS && !/^\d(?: \d){10}$/.test(m[1]!)) return null;
  return m[1]!.replace(/[ .-]/g, '');
}
// Eleven digits with box walls, slashes or commas OCR made of a boxed field between them
// ("0|2|9 0|8 7 1/5/2/3 6"). Taken only when the register knows the result.
const LOOSE_RE = /(?<![0-9])(?=(\d(?:[ |/\\,.'`:;_!-]{0,3}\d){10})(?![0-9]))/g;

/** Valid ids in the text, also with box walls between the digits (taken only where the register knows them). */
export function idsWithBoxWalls(text: string): string[] {
  return [...new Set([...findPersonIds(text).map((h) => h.id), ...looseIds(text).map((h) => h.id)])];
}

function looseIds(text: string): Array<{ id: string; index: number }> {
  const out: Array<{ id: string; index: number }> = [];
  for (const m of text.matchAll(LOOSE_RE)) {
    const id = m[1]!.replace(/\D/g, '');
    if (isValidPersonId(id)) out.push({ id, index: m.index ?? 0 });
  }
  return out;
}

const DIGIT_OF: Record<string, string> = { O: '0', o: '0', D: '0', I: '1', l: '1', '|': '1', S: '5', B: '8' };

export function isValidPersonId(id: string): boolean {
  return /^\d{11}$/.test(id) && idnr(id).status === 'valid';
}

// Digits a scan misreads as each other; one swap is tried only when the register can confirm the result.
const SIMILAR: Record<string, string> = { '0': '689', '1': '47', '2': '7', '3': '89', '4': '1', '5': '6', '6': '058', '7': '12', '8': '3609', '9': '08' };

function oneDigitRepairs(raw: string, isKnown: (id: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    for (const alt of SIMILAR[raw[i]!] ?? '') {
      const v = raw.slice(0, i) + alt + raw.slice(i + 1);
      if (hasValidFnrCheckDigits(v) && isValidPersonId(v) && isKnown(v)) out.push(v);
    }
  }
  return out;
}

/**
 * The one id that fills a single unreadable character of an otherwise read id: the two mod-11
 * check digits leave at most one digit for any one position, and the register must know the
 * result. Null when there is no blot, more than one, or no known id fits.
 */
export function completeBlot(raw: string, isKnown: (id: string) => boolean): string | null {
  const blots = [...raw].filter((c) => BLOT.includes(c)).length;
  if (blots !== 1 || raw.length !== 11) return null;
  const fits: string[] = [];
  for (let d = 0; d <= 9; d++) {
    const v = raw.replace(/[^0-9]/, String(d));
    if (hasValidFnrCheckDigits(v) && isValidPersonId(v) && isKnown(v)) fits.push(v);
  }
  return fits.length === 1 ? fits[0]! : null;
}

function roleOf(text: string, index: number, labelDistance: number): PersonRole {
  // The words just before the id: its line and the two lines above.
  const start = Math.max(0, index - 160);
  const lines = text.slice(start, index).split('\n');
  const near = lines.slice(-3).join('\n');
  const sameLine = lines[lines.length - 1] ?? '';
  if (OTHER_RE.test(sameLine)) return 'other';
  if (labelDistance <= 40) return 'applicant';
  if (OTHER_RE.test(near)) return 'other';
  if (APPLICANT_RE.test(near)) return 'applicant';
  return 'unlabelled';
}

export interface FindOptions {
  /** Register look-up: enables one-digit repairs of misread ids (only ids the register knows). */
  isKnown?: (id: string) => boolean;
}

/** Checksum-valid ids in the text, the applicant's first (labelled, nearest label), then unlabelled, then others'. */
export function findPersonIds(text: string, opts: FindOptions = {}): PersonIdHit[] {
  const labels = [...text.matchAll(LABEL_RE)].map((m) => (m.index ?? 0) + m[0].length);
  const hits: PersonIdHit[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(ID_RE)) {
    const chars = candidateChars(m);
    if (!chars) continue;
    const raw = chars.replace(/[^0-9]/g, (c) => DIGIT_OF[c] ?? c);
    const confusable = /[^0-9]/.test(chars);
    let id: string | null = isValidPersonId(raw) ? raw : null;
    let corrected = confusable;
    let repaired = false;
    if (!id && opts.isKnown && /[^0-9]/.test(raw)) {
      id = completeBlot(raw, opts.isKnown);
      repaired = corrected = id !== null;
    } else if (!id && opts.isKnown) {
      const repairs = oneDigitRepairs(raw, opts.isKnown);
      if (repairs.length === 1) {
        id = repairs[0]!;
        corrected = true;
        repaired = true;
      }
    }
    // Mostly letters is a word, not a misread number.
    if (!id || chars.replace(/[^0-9]/g, '').length < 7 || seen.has(id)) continue;
    seen.add(id);
    const index = m.index ?? 0;
    const before = labels.filter((l) => l <= index).map((l) => index - l);
    const labelDistance = before.length ? Math.min(...before) : Number.POSITIVE_INFINITY;
    hits.push({ id, index, labelDistance, role: roleOf(text, index, labelDistance), corrected, repaired });
  }
  if (opts.isKnown) {
    for (const { id, index } of looseIds(text)) {
      if (seen.has(id) || !opts.isKnown(id)) continue;
      seen.add(id);
      const before = labels.filter((l) => l <= index).map((l) => index - l);
      const labelDistance = before.length ? Math.min(...before) : Number.POSITIVE_INFINITY;
      hits.push({ id, index, labelDistance, role: roleOf(text, index, labelDistance), corrected: true, repaired: false });
    }
  }
  const rank: Record<PersonRole, number> = { applicant: 0, unlabelled: 1, other: 2 };
  return hits.sort((a, b) => rank[a.role] - rank[b.role] || a.labelDistance - b.labelDistance || a.index - b.index);
}

/**
 * Every id a register look-up could confirm for this text: checksum-valid readings and their
 * one-digit repairs. Lets a job ask the register once, then run the pure identification.
 */
export function possibleIds(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(ID_RE)) {
    const chars = candidateChars(m);
    if (!chars) continue;
    const raw = chars.replace(/[^0-9]/g, (c) => DIGIT_OF[c] ?? c);
    if (isValidPersonId(raw)) out.add(raw);
    if (/[^0-9]/.test(raw)) {
      const v = completeBlot(raw, () => true);
      if (v) out.add(v);
    } else for (const v of oneDigitRepairs(raw, () => true)) out.add(v);
  }
  for (const { id } of looseIds(text)) out.add(id);
  return [...out];
}

/**
 * The text has a fødselsnummer label but no checksum-valid id: the id is there on paper but was
 * misread (digits in boxes, a stamp over them). OCR then reads the page a second way.
 */
export function labelWithoutId(text: string): boolean {
  // A NAV form's heading counts too: NAV's forms always ask for the id.
  return (hasIdLabel(text) || /arbeids-?\s*og\s*velferds/i.test(text)) && findPersonIds(text).length === 0;
}

/** The text holds a fødselsnummer label, also as OCR may garble it ("Fcdselsnummer", "Fødsclsnr"). */
export function hasIdLabel(text: string): boolean {
  LABEL_RE.lastIndex = 0;
  const labelled = LABEL_RE.test(text) || /\bf\S{0,2}ds\S{0,4}\s?n(?:r|um)/i.test(text);
  LABEL_RE.lastIndex = 0;
  return labelled;
}
