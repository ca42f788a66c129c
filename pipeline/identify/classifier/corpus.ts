#!/usr/bin/env -S npx tsx
/**
 * Generates the Norwegian training corpus for the content classifier (letters and attachments
 * without a form number): data/classifier/corpus.jsonl, one {tema, kind, text} per line.
 * Deterministic (seeded), so the committed file can be regenerated and reviewed:
 *   npm run classifier:corpus
 * Phrasing is written here on purpose and not taken from the test fixtures, so that the
 * evaluation (which uses the fixtures' documents) is not scored on its own training text.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../../schemas/config.ts';
import type { DocumentKind } from '../../../schemas/reference.ts';
import { mulberry32 } from '../../../fixtures/random.ts';


export interface CorpusRow {
  tema: string;
  kind: DocumentKind;
  text: string;
}

interface Topic {
  names: string[]; // what the benefit is called in a letter
  words: string[]; // circumstances people write about
  attachments: string[]; // documents that typically come with it
}

export const TOPICS: Record<string, Topic> = {
  DAG: { names: ['dagpenger', 'dagpengene', 'dagpenger under arbeidsløshet', 'dagpenger ved permittering'], words: ['jeg ble permittert', 'jeg er arbeidsledig', 'jeg ble sagt opp', 'arbeidsgiveren gikk konkurs', 'jeg er registrert som arbeidssøker', 'bedriften nedbemannet', 'jeg mistet jobben', 'permitteringen varer fortsatt'], attachments: ['bekreftelse på permittering', 'oppsigelsesbrev', 'arbeidsavtale', 'lønnsslipper for de siste månedene'] },
  SYK: { names: ['sykepenger', 'sykepengene', 'sykepenger som selvstendig næringsdrivende'], words: ['jeg er sykmeldt', 'sykmeldingen fra legen', 'arbeidsgiverperioden er over', 'jeg har vært borte fra jobb på grunn av sykdom', 'egenmeldingsdagene', 'fraværet skyldes sykdom'], attachments: ['sykmelding', 'inntektsmelding fra arbeidsgiver', 'oversikt over fravær'] },
  AAP: { names: ['arbeidsavklaringspenger', 'AAP', 'arbeidsavklaringspengene'], words: ['arbeidsevnen min er nedsatt', 'jeg er under behandling', 'jeg deltar i arbeidsrettet tiltak', 'sykepengene er brukt opp', 'jeg trenger avklaring av arbeidsevnen', 'jeg følger behandlingsopplegget'], attachments: ['legeerklæring om arbeidsevne', 'epikrise fra sykehuset', 'uttalelse fra psykolog'] },
  UFO: { names: ['uføretrygd', 'uføretrygden', 'uføretrygd fra folketrygden'], words: ['inntektsevnen er varig nedsatt', 'jeg søker om uføregrad på 100 prosent', 'jeg har vært syk i mange år', 'jeg klarer ikke å arbeide', 'all behandling er forsøkt', 'jeg har gradert uføretrygd i dag'], attachments: ['legeerklæring ved krav om uføretrygd', 'spesialisterklæring', 'epikrise'] },
  ENF: { names: ['overgangsstønad', 'stønad til enslig mor eller far', 'stønad til barnetilsyn', 'stønad til skolepenger'], words: ['jeg er enslig forsørger', 'jeg bor alene med barna', 'etter samlivsbruddet', 'jeg har aleneomsorg for barnet', 'barnefaren har flyttet ut', 'barnemoren bor ikke lenger sammen med oss'], attachments: ['bekreftelse på samlivsbrudd', 'faktura fra SFO', 'dokumentasjon på utdanning'] },
  BID: { names: ['barnebidrag', 'bidrag', 'bidragsforskudd', 'fastsettelse av barnebidrag'], words: ['den andre forelderen betaler ikke', 'samværet er endret', 'bidragspliktig har fått ny inntekt', 'barnet bor fast hos meg', 'vi er uenige om samværet', 'bidraget bør endres'], attachments: ['samværsavtale', 'skattemelding', 'lønnsslipp'] },
  BAR: { names: ['barnetrygd', 'utvidet barnetrygd', 'barnetrygden'], words: ['barnet er født', 'barnet bor fast hos meg', 'vi har flyttet til Norge', 'jeg er alene om omsorgen', 'barnet har fått norsk fødselsnummer'], attachments: ['fødselsattest', 'bekreftelse på bosted', 'oppholdstillatelse'] },
  KON: { names: ['kontantstøtte', 'kontantstøtten'], words: ['barnet har ikke barnehageplass', 'barnet går i barnehage deltid', 'barnehagen starter i august', 'vi har redusert barnehagetiden', 'barnet er mellom ett og to år'], attachments: ['bekreftelse fra barnehagen', 'avtale om barnehageplass'] },
  FOR: { names: ['foreldrepenger', 'svangerskapspenger', 'engangsstønad', 'foreldrepengene'], words: ['termindatoen er', 'barnet ble født', 'jeg skal ta ut fedrekvoten', 'mødrekvoten', 'fellesperioden', 'jeg må slutte å jobbe under svangerskapet', 'utsettelse av uttaket', 'permisjonen'], attachments: ['terminbekreftelse', 'tilretteleggingsbehov fra arbeidsgiver', 'bekreftelse på permisjon'] },
  PEN: { names: ['alderspensjon', 'pensjon', 'avtalefestet pensjon', 'alderspensjonen'], words: ['jeg fyller 67 år', 'jeg ønsker å ta ut pensjon', 'uttaksgraden', 'pensjonen fra utlandet', 'jeg vil endre uttaksgrad', 'pensjonsopptjening'], attachments: ['oversikt over pensjon fra utlandet', 'kontoutskrift'] },
  HJE: { names: ['hjelpemidler', 'hjelpemiddel', 'hjelpemidler fra hjelpemiddelsentralen'], words: ['jeg trenger en rullator', 'elektrisk rullestol', 'høreapparatet', 'seng med motor', 'ergoterapeuten har vurdert', 'tilrettelegging av boligen', 'synshjelpemidler'], attachments: ['funksjonsvurdering fra ergoterapeut', 'uttalelse fra fysioterapeut'] },
  GRU: { names: ['grunnstønad', 'hjelpestønad', 'forhøyet hjelpestønad'], words: ['ekstrautgifter på grunn av sykdom', 'særskilt tilsyn og pleie', 'fordyret kosthold', 'ekstra slitasje på klær', 'barnet trenger tilsyn hele døgnet'], attachments: ['legeerklæring om ekstrautgifter', 'kvitteringer'] },
  MED: { names: ['medlemskap i folketrygden', 'medlemskap', 'frivillig medlemskap'], words: ['jeg skal arbeide i utlandet', 'opphold i utlandet', 'jeg er utsendt av arbeidsgiveren', 'studier i utlandet', 'trygdedekning under oppholdet'], attachments: ['arbeidskontrakt fra utlandet', 'bekreftelse på utsending', 'opptaksbrev fra universitet'] },
  KOM: { names: ['økonomisk sosialhjelp', 'sosialhjelp', 'kvalifiseringsprogrammet', 'kvalifiseringsstønad', 'nødhjelp'], words: ['jeg har ikke penger til mat', 'husleien er ikke betalt', 'strømregningen', 'jeg har ingen inntekt denne måneden', 'kommunen må hjelpe meg'], attachments: ['husleiekontrakt', 'strømregning', 'kontoutskrift'] },
  TSO: { names: ['tilleggsstønad', 'tilleggsstønader', 'stønad til daglig reise'], words: ['reiseutgifter til tiltaket', 'jeg deltar på kurs', 'læremidler', 'utgifter til pass av barn under tiltak', 'boutgifter ved tiltak'], attachments: ['kvitteringer for reiser', 'bekreftelse fra tiltaksarrangør'] },
  BIL: { names: ['stønad til bil', 'bilstønad', 'spesialtilpasset kassebil'], words: ['jeg trenger bil for å komme meg til jobb', 'bilen må tilpasses', 'jeg kan ikke bruke offentlig transport', 'førerkortet'], attachments: ['legeerklæring om behov for bil', 'tilbud fra bilforhandler'] },
  EYB: { names: ['barnepensjon', 'barnepensjonen'], words: ['barnets far døde', 'barnets mor døde', 'etter dødsfallet', 'barnet har mistet en forelder'], attachments: ['dødsattest', 'skifteattest'] },
  EYO: { names: ['omstillingsstønad', 'omstillingsstønaden'], words: ['min ektefelle døde', 'jeg er gjenlevende', 'etter dødsfallet har jeg', 'min samboer gikk bort'], attachments: ['dødsattest', 'bekreftelse på samboerskap'] },
  GRA: { names: ['gravferdsstønad', 'stønad til båretransport'], words: ['utgiftene til begravelsen', 'begravelsesbyrået', 'gravferden', 'båretransporten'], attachments: ['faktura fra begravelsesbyrå', 'dødsattest'] },
  YRK: { names: ['yrkesskade', 'yrkessykdom', 'yrkesskadedekning'], words: ['ulykken skjedde på jobb', 'skademeldingen', 'arbeidsulykke', 'jeg skadet meg på arbeidsplassen'], attachments: ['skademelding', 'rapport fra arbeidsgiver'] },
};

// Sentences by kind; {b} is a benefit name, {w} a circumstance, {a} an attachment.
export const KIND: Record<DocumentKind, { subjects: string[]; body: string[] }> = {
  claim: {
    subjects: ['Søknad om {b}', 'Krav om {b}', 'Søker {b}', 'Ang. søknad om {b}', 'Jeg vil søke om {b}'],
    body: ['Jeg søker herved om {b}.', 'Jeg ønsker å søke om {b} fra og med neste måned.', 'Bakgrunnen for søknaden er at {w}.', 'Jeg fant ikke skjemaet på nett og skriver derfor et brev.', 'Jeg har lagt ved {a}.', 'Jeg ber om at søknaden blir behandlet raskt.', 'Jeg mener jeg har rett til {b} fordi {w}.', 'Søknaden gjelder fra den datoen {w}.'],
  },
  attachment: {
    subjects: ['{A}', 'Vedlegg: {a}', 'Dokumentasjon til søknad om {b}', 'Erklæring', 'Bekreftelse', 'Uttalelse til NAV', 'Ettersender dokumenter til søknaden om {b}', 'Ettersending: {a}'],
    body: ['Undertegnede bekrefter at opplysningene stemmer.', 'Dette er dokumentasjon til søknaden om {b}.', 'Det bekreftes herved at {w}.', 'Erklæringen er skrevet etter ønske fra pasienten.', 'Vedlagt følger {a} som NAV har bedt om.', 'Vi bekrefter at vedkommende har vært ansatt hos oss.', 'Pasienten har vært til undersøkelse og behandling.', 'Diagnose og funksjonsnivå er beskrevet nedenfor.', 'Kopi av originalen er beholdt hos oss.', 'Her kommer papirene som manglet i saken min om {b}.', 'Dere etterlyste {a}, og den ligger ved dette brevet.'],
  },
  'follow-up': {
    subjects: ['Oppfølging', 'Oppfølgingsplan', 'Aktivitetsplan', 'Status i aktiviteten', 'Referat fra oppfølgingsmøte', 'Svar på innkalling til møte med veileder'],
    body: ['Jeg viser til møtet med veilederen min på NAV-kontoret.', 'Her er status for aktivitetene i aktivitetsplanen.', 'Jeg har startet i arbeidsutprøving og det går bra.', 'Oppfølgingsplanen er oppdatert sammen med arbeidsgiver.', 'Jeg kan ikke komme på oppfølgingsmøtet og ber om ny tid.', 'Tiltaket er avsluttet og jeg søker jobber.', 'Veilederen ba meg sende en oppdatering om situasjonen.', 'Jeg deltar fortsatt i kurset som avtalt i aktivitetsplanen.', 'Dialogmøtet med arbeidsgiver og lege ble holdt forrige uke.'],
  },
  'report-card': {
    subjects: ['Meldekort', 'Meldekort for perioden', 'Melding om arbeidstimer', 'Meldekort uke {n} og {n2}'],
    body: ['Jeg har arbeidet {h} timer i perioden.', 'Jeg har ikke vært syk i perioden.', 'Jeg har vært arbeidssøker hele perioden.', 'Jeg ønsker fortsatt å stå registrert som arbeidssøker.', 'Mandag {h} timer, tirsdag {h} timer, onsdag 0 timer.', 'Jeg deltok på tiltak to dager.', 'Ferie: ingen dager.', 'Meldekortet sendes på papir fordi innloggingen ikke virker.'],
  },
  complaint: {
    subjects: ['Klage på vedtak om {b}', 'Klage', 'Anke over vedtak', 'Jeg klager på avslaget', 'Klage på avslag om {b}', 'Innsigelse mot vedtak'],
    body: ['Jeg klager på vedtaket om {b}.', 'Jeg er uenig i avslaget og ber om at saken vurderes på nytt.', 'Vedtaket bygger på feil opplysninger.', 'Jeg mener NAV har lagt for liten vekt på at {w}.', 'Klagen sendes innen klagefristen.', 'Jeg ber om innsyn i saksdokumentene.', 'Jeg ønsker at klagen sendes til Trygderetten hvis vedtaket opprettholdes.', 'Beslutningen er urimelig og jeg påklager den.'],
  },
  other: {
    subjects: ['Spørsmål om {b}', 'Melding om ny adresse', 'Endring av kontonummer', 'Spørsmål om saken min', 'Henvendelse', 'Melding om endring'],
    body: ['Jeg har flyttet og har fått ny adresse.', 'Kan dere si hvor lang saksbehandlingstiden er for {b}?', 'Jeg har fått nytt kontonummer.', 'Jeg lurer på hvorfor utbetalingen av {b} er forsinket.', 'Jeg ønsker å få tilsendt kopi av vedtaket.', 'Jeg gir min datter fullmakt til å snakke med NAV på mine vegne.', 'Gi meg beskjed om dere trenger noe mer.', 'Jeg har ikke hørt noe siden jeg sendte inn søknaden.'],
  },
};

const FIRST = ['Kari', 'Ola', 'Per', 'Anne', 'Ali', 'Maria', 'Jonas', 'Ingrid', 'Ahmed', 'Linn', 'Trond', 'Siri', 'Piotr', 'Mona', 'Knut', 'Hege'];
const LAST = ['Berg', 'Hansen', 'Moe', 'Vik', 'Nilsen', 'Haugen', 'Khan', 'Nowak', 'Aas', 'Lie', 'Solheim', 'Eide'];
const PLACES = ['Oslo', 'Bergen', 'Tromsø', 'Hamar', 'Bodø', 'Skien', 'Molde', 'Alta', 'Drammen', 'Lillehammer'];
const SENDERS_ATT = ['Legekontoret', 'Sykehuset', 'Regnskapskontoret', 'Personalavdelingen', 'Barnehagen', 'Ergoterapitjenesten', 'Begravelsesbyrået', 'Skolen'];

// What OCR does to text: confusable letters, lost diacritics, joined and broken words.
const OCR_SWAPS: Array<[RegExp, string]> = [[/ø/g, 'o'], [/å/g, 'a'], [/æ/g, 'ae'], [/l/g, '1'], [/o/g, '0'], [/rn/g, 'm'], [/e/g, 'c'], [/i/g, 'l'], [/h/g, 'b'], [/ /g, '']];

export function generateCorpus(perCell = 14, seed = 20240611): CorpusRow[] {
  const r = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const int = (a: number, b: number) => a + Math.floor(r() * (b - a + 1));
  const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');
  const rows: CorpusRow[] = [];
  for (const [tema, topic] of Object.entries(TOPICS)) {
    for (const [kind, k] of Object.entries(KIND) as Array<[DocumentKind, (typeof KIND)[DocumentKind]]>) {
      for (let n = 0; n < perCell; n++) {
        const b = pick(topic.names);
        const a = pick(topic.attachments);
        const fill = (s: string) =>
          s.replaceAll('{b}', b).replaceAll('{w}', pick(topic.words)).replaceAll('{a}', a)
            .replaceAll('{A}', a[0]!.toUpperCase() + a.slice(1)).replaceAll('{h}', String(int(0, 8)))
            .replaceAll('{n2}', String(int(2, 52))).replaceAll('{n}', String(int(1, 51)));
        const name = `${pick(FIRST)} ${pick(LAST)}`;
        const lines: string[] = [];
        if (kind === 'attachment' && r() < 0.7) lines.push(pick(SENDERS_ATT), `Org.nr. ${digits(3)} ${digits(3)} ${digits(3)}`);
        else lines.push(name, `${pick(['Storgata', 'Kirkeveien', 'Fjellveien', 'Skolegata'])} ${int(1, 90)}`, `${digits(4)} ${pick(PLACES)}`);
        if (r() < 0.8) lines.push(`${pick(['Fødselsnummer', 'Fnr.', 'Fødselsnr', 'D-nummer'])}: ${digits(6)} ${digits(5)}`);
        if (r() < 0.6) lines.push(`${pick(PLACES)}, ${int(1, 28)}.${int(1, 12)}.20${int(20, 27)}`);
        if (r() < 0.7) lines.push(pick(['Til NAV', 'NAV', 'NAV Skanning', 'Til NAV-kontoret']));
        lines.push(fill(pick(k.subjects)));
        const body = [...k.body].sort(() => r() - 0.5).slice(0, int(2, 5)).map(fill);
        // The circumstance words carry the benefit even when its name is not repeated.
        const w = pick(topic.words);
        if (r() < 0.7) body.splice(int(0, body.length), 0, `${w[0]!.toUpperCase()}${w.slice(1)}.`);
        lines.push(body.join(' '));
        lines.push(pick(['Med vennlig hilsen', 'Hilsen', 'Vennlig hilsen', '']), kind === 'attachment' ? pick(['Lege ' + name, 'For ' + pick(SENDERS_ATT), name]) : name);
        let text = lines.join('\n');
        // A third of the rows look like noisy OCR output.
        if (r() < 0.35) {
          for (let s = 0; s < int(1, 4); s++) {
            const [re, to] = pick(OCR_SWAPS);
            text = text.replace(re, (m) => (r() < 0.08 ? to : m));
          }
        }
        rows.push({ tema, kind, text });
      }
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = generateCorpus();
  const file = path.join(ROOT, 'data', 'classifier', 'corpus.jsonl');
  writeFileSync(file, rows.map((x) => JSON.stringify(x)).join('\n') + '\n');
  process.stderr.write(`wrote ${rows.length} rows to ${path.relative(ROOT, file)}\n`);
}
