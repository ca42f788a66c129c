import Holidays from 'date-holidays';

/**
 * The vendor's daily reconciliation file (avstemmingsfil, e.g. `04.01.2024_avstemmingsfil_1.txt`):
 * one delivered reference (the pair's PDF file name, NAV's eksternReferanseId) per line. Blank
 * lines and repeats are dropped (NAV reads it into a set as well).
 */
export function parseAvstemmingsfil(text: string): string[] {
  return [...new Set(text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean))];
}

/** The day a file covers, from its name's `dd.MM.yyyy` prefix (as NAV's parseDatoFraFilnavn); null when absent. */
export function dayOfFileName(name: string): string | null {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})/.exec(name.replace(/^.*[\\/]/, ''));
  if (!m) return null;
  const iso = `${m[3]}-${m[2]}-${m[1]}`;
  return Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) ? null : iso;
}

export const fileNamePrefix = (day: string) => `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}`;

// Norway's public holidays (helligdager: fixed and Easter-based) from date-holidays' data, not a table of ours.
const norway = new Holidays('NO');

/** A Norwegian public holiday (not Sundays as such; see isWorkingDay). */
export function isPublicHoliday(day: string): string | null {
  const h = norway.isHoliday(new Date(`${day}T12:00:00Z`));
  const pub = Array.isArray(h) ? h.find((x) => x.type === 'public') : null;
  return pub ? pub.name : null;
}

export function isWorkingDay(day: string): boolean {
  const dow = new Date(`${day}T12:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6 && !isPublicHoliday(day);
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Today's date in Oslo, as the vendor and NAV count days. */
export function osloToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * Which delivery day this morning's run reconciles, and whether a file is expected at all: NAV
 * reconciles the previous day (Friday on a Monday); after a public holiday or a weekend there was
 * no delivery, so no file is expected and its absence is no deviation.
 */
export function expectedDelivery(today: string): { day: string; expected: boolean; why?: string } {
  const dow = new Date(`${today}T12:00:00Z`).getUTCDay();
  const day = addDays(today, dow === 1 ? -3 : -1);
  const holiday = isPublicHoliday(day);
  // Dates in words are Norwegian (dd.MM.yyyy): the reason is shown to the mail room as it is.
  if (holiday) return { day, expected: false, why: `${fileNamePrefix(day)} var helligdag (${holiday})` };
  const d = new Date(`${day}T12:00:00Z`).getUTCDay();
  if (d === 0 || d === 6) return { day, expected: false, why: `${fileNamePrefix(day)} var helg` };
  return { day, expected: true };
}

export interface Comparison {
  expected: number;
  filed: string[];
  setAside: string[];
  missing: string[];
}

/** What the vendor says it delivered against what we hold: filed, set aside (received, not filed), missing. */
export function compareReferences(delivered: string[], filed: Set<string>, setAside: Set<string>): Comparison {
  const out: Comparison = { expected: delivered.length, filed: [], setAside: [], missing: [] };
  for (const ref of delivered) {
    if (filed.has(ref)) out.filed.push(ref);
    else if (setAside.has(ref)) out.setAside.push(ref);
    else out.missing.push(ref);
  }
  return out;
}
