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
  processing: 'Under behandling', manual: 'Venter på manuell behandling', delivered: 'Levert', archived: 'Arkivert',
};

/** Where in the pipeline a document is (the stage column). */
export const STAGE_NAVN: Record<string, string> = {
  received: 'Mottatt', split: 'Deles i sider', header: 'Leser toppen av siden', ocr: 'Leses (OCR)', identify: 'Identifiseres',
  attach: 'Knyttes til sak', route: 'Rutes', archive: 'Arkiveres', done: 'Ferdig', merged: 'Slått sammen', manual: 'Manuell behandling', inbox: 'Innboks',
};

export const ROLE_NAVN: Record<string, string> = {
  operator: 'Skanneoperatør', caseworker: 'Saksbehandler', 'status-reader': 'Statusleser', admin: 'Administrator',
};

export const DEVIATION_NAVN: Record<string, string> = {
  misrouted: 'Feilrutet', bounced: 'Sendt mellom enheter', 'missing-attachment': 'Mangler vedlegg', stuck: 'Står fast',
};

export const SOURCE_NAVN: Record<string, string> = {
  web: 'lastet opp i nettleseren', api: 'sendt inn maskinelt', cli: 'lest inn fra kommandolinjen', demo: 'demo', test: 'test',
};

export const CHANNEL_NAVN: Record<string, string> = { web: 'Nettleser', api: 'Maskinelt (API)', cli: 'Kommandolinje' };
export const OUTCOME_NAVN: Record<string, string> = { granted: 'Gitt', denied: 'Avvist', 'not-found': 'Ikke funnet' };

/** The access log's actions in words. */
export const ACTION_NAVN: Record<string, string> = {
  'document:read': 'Åpnet dokument', 'document:page': 'Så sidebilde', 'document:pdf': 'Åpnet arkiv-PDF',
  'status:document': 'Statusoppslag på journalpost', 'status:case': 'Statusoppslag på sak', 'status:batch': 'Statusoppslag på bunke', 'status:person': 'Statusoppslag på person',
  'inbox:list': 'Så innboks', 'inbox:take': 'Tok sak', 'inbox:return': 'Sendte tilbake som feilrutet',
  'manual:list': 'Så manuell kø', 'manual:read': 'Åpnet i manuell kø', 'manual:resolve': 'Behandlet manuelt', 'manual:split': 'Delte dokument', 'manual:merge': 'Slo sammen dokumenter',
  'batch:summary': 'Så sammendrag av bunke', 'foersteside:read': 'Så førsteside', 'foersteside:pdf': 'Skrev ut førsteside', 'foersteside:create': 'Bestilte førsteside',
  'deviation:list': 'Så avvik', 'letter:list': 'Så brev til bruker', 'letter:pdf': 'Åpnet brev til bruker', 'letter:retry': 'Sendte brev til bruker på nytt',
  'corrections:list': 'Så rettelser', 'audit:person': 'Kontrollerte oppslag på person', 'deviation:close': 'Lukket avvik', route: 'Ble avvist (rolle)',
};

export const PROTECTION_NAVN: Record<string, string> = {
  'strengt-fortrolig': 'Strengt fortrolig adresse', fortrolig: 'Fortrolig adresse', skjermet: 'Skjermet (NAV-ansatt)',
};

export const tema = (code: string | null) => (code ? `${code} ${TEMA_NAVN[code] ?? ''}`.trim() : '—');
export const kind = (code: string | null) => (code ? KIND_NAVN[code] ?? 'Annet' : '—');
export const stage = (code: string | null) => (code ? STAGE_NAVN[code] ?? 'I arbeid' : '—');
export const percent = (p: number | null) => (p === null ? '—' : `${Math.round(p * 100)} %`);

const dateFmt = new Intl.DateTimeFormat('nb-NO', { day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('nb-NO', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const date = (iso: string | null) => (iso ? dateFmt.format(new Date(iso)) : '—');
export const dateTime = (iso: string | null) => (iso ? timeFmt.format(new Date(iso)) : '—');

export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1).replace('.', ',')} t`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}
