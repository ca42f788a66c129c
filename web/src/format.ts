export const TEMA_NAVN: Record<string, string> = {
  DAG: 'Dagpenger', SYK: 'Sykepenger', SYM: 'Sykmelding', AAP: 'Arbeidsavklaringspenger', UFO: 'Uføretrygd', ENF: 'Enslig forsørger',
  BID: 'Bidrag', BAR: 'Barnetrygd', KON: 'Kontantstøtte', FOR: 'Foreldrepenger', PEN: 'Pensjon', GRU: 'Grunn- og hjelpestønad',
  HJE: 'Hjelpemidler', HEL: 'Helsetjenester', BIL: 'Bil', GRA: 'Gravferdsstønad', TSO: 'Tilleggsstønad', TSR: 'Tilleggsstønad arbeidssøkere',
  IND: 'Tiltakspenger', EYO: 'Omstillingsstønad', EYB: 'Barnepensjon', MED: 'Medlemskap', OPP: 'Oppfølging', GEN: 'Generell', UKJ: 'Ukjent', KOM: 'Kommunale tjenester',
};

export const KIND_NAVN: Record<string, string> = {
  claim: 'Søknad/krav', attachment: 'Vedlegg', 'follow-up': 'Oppfølging', 'report-card': 'Meldekort', complaint: 'Klage', other: 'Annet',
};

export const STATUS_NAVN: Record<string, string> = {
  processing: 'Under behandling', manual: 'Manuell kø', delivered: 'Levert', archived: 'Arkivert',
};

export const ROLE_NAVN: Record<string, string> = {
  operator: 'Skanneoperatør', caseworker: 'Saksbehandler', 'status-reader': 'Statusleser', admin: 'Administrator',
};

export const DEVIATION_NAVN: Record<string, string> = {
  misrouted: 'Feilrutet', bounced: 'Sendt mellom enheter', 'missing-attachment': 'Mangler vedlegg', stuck: 'Står fast',
};

export const tema = (code: string | null) => (code ? `${code} ${TEMA_NAVN[code] ?? ''}`.trim() : '—');

const dateFmt = new Intl.DateTimeFormat('nb-NO', { day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('nb-NO', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const date = (iso: string | null) => (iso ? dateFmt.format(new Date(iso)) : '—');
export const dateTime = (iso: string | null) => (iso ? timeFmt.format(new Date(iso)) : '—');

export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} t`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
