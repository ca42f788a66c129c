/**
 * Validation errors in words the reader uses: which field, and what it must look like. Zod's own
 * messages ("Invalid string: must match pattern /^\d{11}$/") never reach a person.
 */

interface Field {
  label: string;
  /** What a valid value looks like. */
  hint: string;
}

const FIELDS: Record<string, Field> = {
  personId: { label: 'fødselsnummer', hint: 'må være 11 siffer' },
  tema: { label: 'tema', hint: 'må være en temakode på tre store bokstaver, f.eks. DAG' },
  formNumber: { label: 'skjemanummer', hint: 'må være 3–30 tegn, f.eks. NAV 04-01.03' },
  kind: { label: 'dokumenttype', hint: 'må være søknad/krav, vedlegg, oppfølging, meldekort, klage eller annet' },
  id: { label: 'id', hint: 'har feil form' },
  otherId: { label: 'journalpost-id', hint: 'må se ut som JP123' },
  documentId: { label: 'journalpost-id', hint: 'må se ut som JP123' },
  batchId: { label: 'bunke', hint: 'må se ut som B12' },
  unitId: { label: 'enhetsnummer', hint: 'må være fire siffer' },
  unit: { label: 'enhetsnummer', hint: 'må være fire siffer' },
  units: { label: 'enheter', hint: 'må være enhetsnumre på fire siffer' },
  loepenummer: { label: 'løpenummer', hint: 'må være 14 siffer' },
  purpose: { label: 'formål', hint: 'må være 3–200 tegn' },
  page: { label: 'sidenummer', hint: 'må være 1 eller høyere' },
  pageSize: { label: 'antall per side', hint: 'må være 1–100' },
  pageNo: { label: 'sidenummer', hint: 'må være 1 eller høyere' },
  width: { label: 'bredde', hint: 'må være 40–4000 piksler' },
  fromPage: { label: 'del fra side', hint: 'må være side 2 eller senere' },
  filename: { label: 'filnavn', hint: 'må være et filnavn uten mapper' },
  batchName: { label: 'navn på bunken', hint: 'må være 1–200 tegn' },
  name: { label: 'navn', hint: 'må være 1–200 tegn' },
  role: { label: 'rolle', hint: 'må være skanneoperatør, saksbehandler, statusleser eller administrator' },
  reason: { label: 'årsak', hint: 'må være feil tema, feil enhet, feil bruker eller annet' },
  via: { label: 'hvordan det rutes på nytt', hint: 'må være etter reglene eller via postmottaket' },
  comment: { label: 'kommentar', hint: 'kan være høyst 500 tegn' },
  note: { label: 'merknad', hint: 'må være 3–500 tegn' },
  version: { label: 'versjon', hint: 'må være et versjonsnummer eller tomt' },
  file: { label: 'policyfil', hint: 'må være navnet på en policyfil, f.eks. ekspertgruppe-2010.json' },
  hours: { label: 'timer', hint: 'må være 1–336' },
  state: { label: 'visning', hint: 'må være nye, tatt eller alle' },
  kindFilter: { label: 'type', hint: 'har en ukjent verdi' },
  open: { label: 'åpne', hint: 'må være true eller false' },
  sort: { label: 'sortering', hint: 'har en ukjent verdi' },
  q: { label: 'søk', hint: 'må være høyst 100 tegn' },
  userId: { label: 'bruker', hint: 'må være en NAV-ident' },
  title: { label: 'tittel', hint: 'må være 3–200 tegn' },
  attachments: { label: 'vedlegg', hint: 'må være en liste med høyst 30 vedlegg' },
  language: { label: 'språk', hint: 'må være nb, nn eller en' },
  active: { label: 'aktiv', hint: 'må være ja eller nei' },
  activate: { label: 'ta i bruk', hint: 'må være ja eller nei' },
};

const CONTEXT: Record<string, string> = { body: 'innholdet i forespørselen', querystring: 'adressen', params: 'adressen', headers: 'forespørselen' };

export interface Issue {
  /** e.g. "/personId" or "/units/0" */
  path: string;
  /** zod's issue code */
  code: string;
  params?: Record<string, unknown>;
}

/** One issue in words: "fødselsnummer må være 11 siffer". */
export function explainIssue(issue: Issue, context?: string): string {
  const parts = issue.path.split('/').filter((p) => p && !/^\d+$/.test(p));
  const key = parts.at(-1);
  const field = key ? FIELDS[key] : undefined;
  const label = field?.label ?? (key ? `feltet «${key}»` : CONTEXT[context ?? ''] ?? 'forespørselen');
  const p = issue.params ?? {};
  if (issue.code === 'invalid_type' && p.input === undefined) return `${label} mangler`;
  if (issue.code === 'unrecognized_keys') return `${label} har felter som ikke brukes: ${(p.keys as string[] | undefined)?.join(', ') ?? ''}`.trim();
  if (field) return `${label} ${field.hint}`;
  switch (issue.code) {
    case 'too_small': return `${label} er for kort eller for lav`;
    case 'too_big': return `${label} er for lang eller for høy`;
    case 'invalid_value': return `${label} har en ukjent verdi`;
    case 'invalid_format': return `${label} har feil form`;
    case 'invalid_type': return `${label} har feil type`;
    default: return `${label} er ugyldig`;
  }
}

/** Every issue, each field once. */
export function explainIssues(issues: Issue[], context?: string): string {
  return [...new Set(issues.map((i) => explainIssue(i, context)))].join('; ');
}
