/**
 * What the independent set's documents say and where it stands on the page: NAV claim forms
 * (from the real form catalogue), NAVe follow-up submissions, letters (claims, complaints,
 * messages, a few in English) and follow-up letters. Written for this set alone: its own
 * layouts and wording, nothing taken from fixtures/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../schemas/config.ts';
import type { DocumentKind } from '../schemas/reference.ts';
import { completeId, type PopulationPerson } from './register.ts';
import type { Rng } from './rng.ts';

/** Drawing operations in millimetres from the page's top-left corner; text sizes in points. */
export type Op =
  | { t: 'text'; x: number; y: number; text: string; size: number; bold?: boolean; align?: 'left' | 'right' | 'center'; hand?: boolean }
  | { t: 'box'; x: number; y: number; w: number; h: number; lw: number }
  | { t: 'rule'; x: number; y: number; w: number; lw: number }
  | { t: 'shade'; x: number; y: number; w: number; h: number; grey: number }
  | { t: 'comb'; x: number; y: number; text: string; cell: number; size: number }
  | { t: 'check'; x: number; y: number; checked: boolean };

export interface PageSpec {
  ops: Op[];
}

export type DocType = 'form' | 'nave' | 'letter' | 'follow-up-letter';

export interface DocSpec {
  type: DocType;
  tema: string;
  kind: DocumentKind;
  /** Catalogue form number (NAV, never NAVe) or null for letters. */
  formNumber: string | null;
  language: 'nb' | 'en';
  pages: PageSpec[];
}

// ---- the form catalogue ----
interface CatalogueForm {
  number: string;
  tema: string;
  title: string;
}

let catalogue: CatalogueForm[] | null = null;
/** Claim forms ("Søknad om …", "Krav om …") of the benefits the set covers. */
export function claimForms(): CatalogueForm[] {
  if (catalogue) return catalogue;
  const rows = readFileSync(path.join(ROOT, 'data', 'nav-forms.tsv'), 'utf8').trim().split('\n').slice(1);
  catalogue = rows
    .map((l) => l.split('\t'))
    .map(([number, tema, title]) => ({ number: number!, tema: tema!, title: title! }))
    .filter((f) => /^(Søknad om|Krav om)/.test(f.title) && TEMA_WORDS[f.tema]);
  return catalogue;
}

/** How a person names each benefit in a letter (several ways), and one English phrase. */
export const TEMA_WORDS: Record<string, { nb: string[]; en?: string }> = {
  DAG: { nb: ['dagpenger', 'dagpenger under arbeidsløshet'], en: 'unemployment benefit (dagpenger)' },
  SYK: { nb: ['sykepenger'], en: 'sickness benefit (sykepenger)' },
  AAP: { nb: ['arbeidsavklaringspenger', 'arbeidsavklaringspenger (AAP)'] },
  UFO: { nb: ['uføretrygd'] },
  ENF: { nb: ['overgangsstønad', 'stønad til enslig mor eller far'] },
  BID: { nb: ['barnebidrag', 'bidrag til barna'] },
  BAR: { nb: ['barnetrygd', 'utvidet barnetrygd'], en: 'child benefit (barnetrygd)' },
  KON: { nb: ['kontantstøtte'] },
  FOR: { nb: ['foreldrepenger', 'svangerskapspenger'], en: 'parental benefit (foreldrepenger)' },
  PEN: { nb: ['alderspensjon'], en: 'retirement pension (alderspensjon)' },
  HJE: { nb: ['hjelpemidler', 'et hjelpemiddel'] },
  GRU: { nb: ['grunnstønad', 'hjelpestønad'] },
  MED: { nb: ['medlemskap i folketrygden'], en: 'membership of the National Insurance Scheme (medlemskap i folketrygden)' },
  TSO: { nb: ['tilleggsstønad'] },
  BIL: { nb: ['stønad til bil', 'bilstønad'] },
  EYB: { nb: ['barnepensjon'] },
  EYO: { nb: ['omstillingsstønad'] },
  GRA: { nb: ['gravferdsstønad'] },
  YRK: { nb: ['yrkesskadeerstatning', 'godkjenning av yrkesskade'] },
};

const LETTER_TEMA = Object.keys(TEMA_WORDS);
const CHILD_TEMA = new Set(['BAR', 'KON', 'ENF', 'BID', 'FOR', 'EYB']);
const MONTHS = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'];
const TOWNS = ['Oslo', 'Bergen', 'Trondheim', 'Stavanger', 'Bærum', 'Asker', 'Tromsø', 'Bodø', 'Kristiansand', 'Hamar', 'Vinstra', 'Otta', 'Ringebu'];
const KIDS = ['Tiril', 'Aksel', 'Idun', 'Sverre', 'Vilja', 'Storm', 'Ylva', 'Brage'];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A child's id (Test Norge) for documents that name children: another person's id on the page. */
function childId(r: Rng): string {
  for (;;) {
    const y = r.int(2010, 2024);
    const id = completeId(`${pad(r.int(1, 28))}${pad(r.int(1, 12) + 80)}${pad(y % 100)}${pad(r.int(500, 999), 3)}`);
    if (id) return id;
  }
}

/** How the id is printed: plain, grouped as on NAV's forms, or with a space after the birth date. */
function showId(r: Rng, id: string): string {
  const s = r.next();
  return s < 0.6 ? id : s < 0.85 ? `${id.slice(0, 6)} ${id.slice(6)}` : `${id.slice(0, 6)}-${id.slice(6)}`;
}

function dateText(r: Rng, style: 'short' | 'long'): string {
  const d = r.int(1, 28);
  const m = r.int(1, 12);
  return style === 'short' ? `${pad(d)}.${pad(m)}.2026` : `${d}. ${MONTHS[m - 1]} 2026`;
}

function phone(r: Rng): string {
  return `${r.pick(['4', '9'])}${r.int(0, 9)}${r.int(0, 9)} ${r.int(10, 99)} ${r.int(100, 999)}`;
}

function account(r: Rng): string {
  return `${r.int(1200, 9800)}.${pad(r.int(10, 99))}.${r.int(10000, 99999)}`;
}

/** A page being laid out top-down. */
class Layout {
  readonly ops: Op[] = [];
  y: number;
  private lastTop = 0;
  constructor(
    readonly left: number,
    readonly right: number,
    top: number,
  ) {
    this.y = top;
  }
  get width(): number {
    return 210 - this.left - this.right;
  }
  text(text: string, size: number, o: { bold?: boolean; x?: number; gap?: number; align?: 'left' | 'right' | 'center'; hand?: boolean; same?: boolean } = {}): void {
    if (!o.same) this.y += (o.gap ?? 0) + size * 0.3528 * 1.35;
    const x = o.align === 'right' ? 210 - this.right : o.align === 'center' ? 105 : (o.x ?? this.left);
    this.ops.push({ t: 'text', x, y: this.y, text, size, bold: o.bold, align: o.align, hand: o.hand });
  }
  /** Wraps a paragraph to the text width (approximate advance of 0.5 em per character). */
  para(text: string, size: number, gap = 1.5, charEm = 0.6): void {
    const perLine = Math.floor(this.width / (size * 0.3528 * charEm));
    const words = text.split(' ');
    let line = '';
    let first = true;
    for (const w of words) {
      if ((line + ' ' + w).trim().length > perLine && line) {
        this.text(line, size, { gap: first ? gap : 0 });
        first = false;
        line = w;
      } else line = `${line} ${w}`.trim();
    }
    if (line) this.text(line, size, { gap: first ? gap : 0 });
  }
  rule(lw = 0.3, gap = 2): void {
    this.y += gap;
    this.ops.push({ t: 'rule', x: this.left, y: this.y, w: this.width, lw });
  }
  /** A labelled field box with its value inside, as on NAV's forms. */
  field(label: string, value: string, r: Rng, o: { w?: number; x?: number; same?: boolean; comb?: boolean; valueSize?: number } = {}): void {
    const x = o.x ?? this.left;
    const w = o.w ?? this.width;
    if (!o.same) this.y += 2.5;
    const top = o.same ? this.lastTop : this.y;
    this.lastTop = top;
    this.ops.push({ t: 'box', x, y: top, w, h: 11, lw: 0.25 });
    this.ops.push({ t: 'text', x: x + 1.5, y: top + 3.6, text: label, size: 7.5 });
    if (o.comb) this.ops.push({ t: 'comb', x: x + 1.5, y: top + 4.6, text: value.replace(/\D/g, ''), cell: 5.2, size: 11 });
    else this.ops.push({ t: 'text', x: x + 2, y: top + 9.2, text: value, size: o.valueSize ?? r.pick([10, 10.5, 11]) });
    if (!o.same) this.y = top + 11;
  }
}

function navHead(L: Layout, r: Rng, formNumber: string, footerNumber: boolean): void {
  // A plain "NAV" word mark and the agency's name: forms are printed in black and white.
  L.ops.push({ t: 'shade', x: L.left, y: 10, w: 22, h: 11, grey: r.pick([0.15, 0.35, 0.55]) });
  L.ops.push({ t: 'text', x: L.left + 11, y: 18.6, text: 'NAV', size: 17, bold: true, align: 'center' });
  L.ops.push({ t: 'text', x: L.left + 26, y: 15, text: 'Arbeids- og velferdsetaten', size: 9 });
  if (!footerNumber || r.chance(0.5)) L.ops.push({ t: 'text', x: 210 - L.right, y: 15, text: formNumber, size: r.pick([9, 10, 11]), align: 'right', bold: r.chance(0.4) });
  L.y = 24;
}

function footer(L: Layout, formNumber: string | null, page: number, of: number, withNumber: boolean): void {
  const y = 287;
  L.ops.push({ t: 'rule', x: L.left, y: y - 5, w: L.width, lw: 0.2 });
  if (withNumber && formNumber) L.ops.push({ t: 'text', x: L.left, y, text: `${formNumber}  Godkjent ${pad((page * 7) % 28 + 1)}.0${(page % 9) + 1}.2025`, size: 7.5 });
  L.ops.push({ t: 'text', x: 210 - L.right, y, text: `Side ${page} av ${of}`, size: 7.5, align: 'right' });
}

function personBlock(L: Layout, r: Rng, p: PopulationPerson, comb: boolean): void {
  L.text('1  Opplysninger om deg', 11, { bold: true, gap: 5 });
  const half = (L.width - 3) / 2;
  const [first, ...rest] = p.name.split(' ');
  L.field('Fornavn', first!, r, { w: half });
  L.field('Etternavn', rest.join(' '), r, { w: half, x: L.left + half + 3, same: true });
  L.field(r.pick(['Fødselsnummer (11 siffer)', 'Fødselsnummer/D-nummer', 'Fødselsnummer']), comb ? p.id : showId(r, p.id), r, { comb, w: comb ? 64 : half });
  L.field('Telefonnummer', phone(r), r, { w: half, x: L.left + half + 3, same: true });
  L.field('Adresse', p.street, r, { w: half });
  L.field('Postnummer og poststed', p.postal || 'Utlandet', r, { w: half, x: L.left + half + 3, same: true });
}

const QUESTIONS = [
  'Har du vært i arbeid de siste tolv månedene?',
  'Bor du sammen med ektefelle, partner eller samboer?',
  'Har du opphold i utlandet i perioden du søker for?',
  'Mottar du andre ytelser fra NAV eller fra andre?',
  'Ønsker du å få utbetalt til kontonummeret under?',
  'Har du barn under 18 år som bor hos deg?',
  'Har du tidligere søkt om denne ytelsen?',
];

function questions(L: Layout, r: Rng, n: number): void {
  for (const q of r.shuffle(QUESTIONS).slice(0, n)) {
    L.text(q, 10, { gap: 3 });
    const ja = r.chance(0.5);
    L.ops.push({ t: 'check', x: L.left + 2, y: L.y + 1.5, checked: ja });
    L.ops.push({ t: 'text', x: L.left + 8, y: L.y + 5, text: 'Ja', size: 10 });
    L.ops.push({ t: 'check', x: L.left + 22, y: L.y + 1.5, checked: !ja });
    L.ops.push({ t: 'text', x: L.left + 28, y: L.y + 5, text: 'Nei', size: 10 });
    L.y += 6;
  }
}

function childBlock(L: Layout, r: Rng): void {
  L.text('Barn du søker for', 11, { bold: true, gap: 5 });
  const half = (L.width - 3) / 2;
  L.field('Barnets navn', `${r.pick(KIDS)}`, r, { w: half });
  L.field('Barnets fødselsnummer', childId(r), r, { w: half, x: L.left + half + 3, same: true });
}

function signature(L: Layout, r: Rng, p: PopulationPerson): void {
  L.text('Jeg bekrefter at opplysningene er riktige og fullstendige.', 10, { gap: 6 });
  L.field('Sted og dato', `${r.pick(TOWNS)}, ${dateText(r, 'short')}`, r, { w: 60 });
  L.ops.push({ t: 'text', x: L.left + 70, y: L.y - 2, text: p.name, size: 16, hand: true });
  L.ops.push({ t: 'rule', x: L.left + 66, y: L.y, w: 80, lw: 0.25 });
  L.text('Underskrift', 7.5, { x: L.left + 66 });
}

function formDoc(r: Rng, p: PopulationPerson, f: CatalogueForm, nPages: number): DocSpec {
  const pages: PageSpec[] = [];
  const footerNumber = r.chance(0.6);
  const comb = r.chance(0.3);
  for (let i = 0; i < nPages; i++) {
    const L = new Layout(r.int(15, 22), r.int(15, 20), 12);
    if (i === 0) {
      navHead(L, r, f.number, footerNumber);
      L.text(f.title, r.pick([14, 15, 16]), { bold: true, gap: 6 });
      if (r.chance(0.5)) L.para('Les veiledningen før du fyller ut skjemaet. Skriv tydelig med blokkbokstaver.', 9, 2);
      personBlock(L, r, p, comb);
      if (CHILD_TEMA.has(f.tema) && r.chance(0.5)) childBlock(L, r);
      L.text('2  Om søknaden', 11, { bold: true, gap: 6 });
      questions(L, r, r.int(2, 4));
      L.field('Kontonummer for utbetaling', account(r), r, { w: 70 });
    } else {
      L.y = 14;
      L.text(`${i + 2}  Tilleggsopplysninger`, 11, { bold: true, gap: 4 });
      L.para(r.pick([
        'Her kan du gi opplysninger som du mener er viktige for saken, og som ikke passer inn andre steder i skjemaet.',
        'Beskriv kort situasjonen din og hva du søker om. Legg ved dokumentasjon som viser inntekt og arbeidsforhold.',
      ]), 10, 2);
      questions(L, r, r.int(2, 3));
      signature(L, r, p);
    }
    footer(L, f.number, i + 1, nPages, footerNumber || i > 0);
    pages.push({ ops: L.ops });
  }
  return { type: 'form', tema: f.tema, kind: 'claim', formNumber: f.number, language: 'nb', pages };
}

const ENCLOSURES = ['Kopi av arbeidsavtale', 'Lønnsslipper for de tre siste månedene', 'Legeerklæring', 'Bekreftelse fra arbeidsgiver', 'Kopi av husleiekontrakt', 'Dokumentasjon på utgifter', 'Skattemelding for 2025', 'Fødselsattest'];

function naveDoc(r: Rng, p: PopulationPerson, f: CatalogueForm): DocSpec {
  const L = new Layout(r.int(16, 22), 18, 12);
  const number = f.number.replace(/^NAV /, 'NAVe ');
  navHead(L, r, number, false);
  L.text('Ettersendelse til søknad', 15, { bold: true, gap: 6 });
  L.text(f.title, 11, { gap: 1 });
  personBlock(L, r, p, false);
  L.text('Dokumenter som ettersendes', 11, { bold: true, gap: 6 });
  for (const e of r.shuffle(ENCLOSURES).slice(0, r.int(2, 4))) {
    L.ops.push({ t: 'check', x: L.left + 2, y: L.y + 2, checked: true });
    L.text(e, 10, { x: L.left + 8, gap: 1.5 });
  }
  L.text(`Dato: ${dateText(r, 'short')}`, 10, { gap: 8 });
  footer(L, number, 1, 1, true);
  return { type: 'nave', tema: f.tema, kind: 'attachment', formNumber: f.number, language: 'nb', pages: [{ ops: L.ops }] };
}

type LetterKind = 'claim' | 'complaint' | 'other';

function letterHead(L: Layout, r: Rng, p: PopulationPerson, english: boolean): void {
  const size = r.pick([10, 11, 12]);
  L.text(p.name, size);
  L.text(p.street, size);
  if (p.postal) L.text(p.postal, size);
  const label = english ? r.pick(['National identity number:', 'Norwegian ID no.:', 'D-number:']) : r.pick(['Fødselsnummer:', 'Fødselsnr.', 'Fnr:', 'Personnummer:', 'f.nr.']);
  L.text(`${label} ${showId(r, p.id)}`, size, { gap: 1 });
  if (r.chance(0.4)) L.text(`${english ? 'Phone' : 'Tlf.'} ${phone(r)}`, size);
  L.text(`${r.pick(TOWNS)}, ${dateText(r, 'long')}`, size, { align: 'right', gap: 6 });
  L.text('NAV', size, { gap: 4 });
  L.text(r.pick(['Postboks 6600 Etterstad', 'Postboks 1400', 'NAV Skanning']), size);
  L.text(r.pick(['0607 OSLO', '0109 OSLO', '6804 FØRDE']), size);
}

function letterBody(r: Rng, kind: LetterKind, tema: string, english: boolean): { subject: string; paras: string[] } {
  const words = TEMA_WORDS[tema]!;
  const b = english && words.en ? words.en : r.pick(words.nb);
  if (english) {
    if (kind === 'complaint') return { subject: `Appeal against the decision on ${b}`, paras: [`I hereby appeal against your decision of ${dateText(r, 'long')} concerning my ${b}.`, 'I believe that my income abroad has not been taken into account correctly, and I ask you to consider the case again.', 'Please find enclosed the documents that show my employment.'] };
    if (kind === 'claim') return { subject: `Application for ${b}`, paras: [`I would like to apply for ${b}. I moved back to Norway this year and have lived here since the spring.`, 'My previous employer in Sweden has confirmed the period of employment; the confirmation is enclosed.'] };
    return { subject: `Change of address - ${b}`, paras: [`I receive ${b} and wish to inform you that I have a new address from next month.`, 'Please send all letters to the address above.'] };
  }
  if (kind === 'complaint') {
    return {
      subject: r.pick([`Klage på vedtak om ${b}`, `Klage - ${b}`, `Anke over avslag på ${b}`]),
      paras: r.shuffle([
        `Jeg klager med dette på vedtaket av ${dateText(r, 'long')} om ${b}.`,
        'Jeg mener at dere ikke har tatt hensyn til alle opplysningene jeg sendte inn, og ber om at saken vurderes på nytt.',
        'Jeg har lagt ved ny dokumentasjon som viser at jeg oppfyller vilkårene.',
        'Dersom dere trenger flere opplysninger, kan dere ringe meg på dagtid.',
      ]).slice(0, 3),
    };
  }
  if (kind === 'claim') {
    return {
      subject: r.pick([`Søknad om ${b}`, `Søker ${b}`]),
      paras: [
        `Jeg søker herved om ${b} fra og med ${r.pick(MONTHS)} i år.`,
        r.pick(['Jeg har fått et skjema, men fant det ikke igjen, så jeg skriver heller et brev.', 'Situasjonen min har endret seg, og jeg ønsker derfor å søke.']),
        'Vedlagt følger kopi av de papirene jeg har.',
      ],
    };
  }
  return {
    subject: r.pick([`Melding om endring - ${b}`, `Nytt kontonummer for ${b}`, `Spørsmål om ${b}`]),
    paras: [
      `Jeg mottar ${b} og vil melde fra om at ${r.pick(['jeg har flyttet', 'jeg har fått nytt kontonummer', 'inntekten min har endret seg'])}.`,
      `Nytt kontonummer er ${account(r)}.`,
      'Ta gjerne kontakt hvis noe er uklart.',
    ],
  };
}

function letterDoc(r: Rng, p: PopulationPerson, tema: string, kind: LetterKind, english: boolean, nPages: number): DocSpec {
  const pages: PageSpec[] = [];
  const L = new Layout(r.int(20, 28), r.int(18, 25), r.int(14, 30));
  letterHead(L, r, p, english);
  const { subject, paras } = letterBody(r, kind, tema, english);
  const size = r.pick([10, 11, 11, 12]);
  L.text(subject, size + 1, { bold: true, gap: 9 });
  for (const para of paras) L.para(para, size, 3.5);
  if (CHILD_TEMA.has(tema) && r.chance(0.4)) L.para(`${english ? 'My child' : 'Barnet mitt'} ${r.pick(KIDS)} har fødselsnummer ${childId(r)}.`, size, 3.5);
  L.text(english ? 'Yours sincerely' : r.pick(['Med vennlig hilsen', 'Vennlig hilsen', 'Mvh']), size, { gap: 8 });
  L.text(p.name, 18, { hand: true, gap: 3 });
  L.text(p.name, size, { gap: 1 });
  pages.push({ ops: L.ops });
  for (let i = 1; i < nPages; i++) {
    const P = new Layout(24, 22, 20);
    P.text(english ? 'Enclosure' : 'Vedlegg', 13, { bold: true, gap: 6 });
    P.para(r.pick([
      'Oversikt over inntekt og utgifter de siste tre månedene. Beløpene er hentet fra kontoutskriftene.',
      'Kopi av brev fra arbeidsgiver om at arbeidsforholdet er avsluttet.',
    ]), 11, 3);
    for (let k = 0; k < 6; k++) P.text(`${MONTHS[k]}   ${r.int(1000, 40000)},-`, 11, { gap: 1.5, x: 30 });
    pages.push({ ops: P.ops });
  }
  return { type: 'letter', tema, kind, formNumber: null, language: english ? 'en' : 'nb', pages };
}

const FOLLOW_UP = [
  'Jeg har vært på det første møtet med arbeidsgiveren i arbeidstreningen, og det gikk fint.',
  'Kurset i regnskap som står i aktivitetsplanen min er ferdig, og kursbeviset er lagt ved.',
  'Jeg kan ikke komme på oppfølgingssamtalen neste tirsdag fordi jeg skal til legen. Kan vi finne en ny tid?',
  'Veilederen min ba meg gi en kort beskrivelse av hvordan det går med jobbsøkingen.',
  'Jeg har søkt på fem stillinger den siste måneden og har fått ett intervju.',
];

function followUpDoc(r: Rng, p: PopulationPerson, tema: string): DocSpec {
  const L = new Layout(r.int(20, 26), 22, r.int(16, 26));
  letterHead(L, r, p, false);
  const size = r.pick([10, 11, 12]);
  L.text(r.pick(['Oppfølging og aktivitetsplan', 'Til veilederen min ved NAV-kontoret', 'Om aktivitetsplanen']), size + 1, { bold: true, gap: 9 });
  L.para(`Jeg får ${r.pick(TEMA_WORDS[tema]!.nb)} og følges opp av NAV-kontoret der jeg bor.`, size, 3.5);
  for (const s of r.shuffle(FOLLOW_UP).slice(0, 3)) L.para(s, size, 3.5);
  L.text('Hilsen', size, { gap: 8 });
  L.text(p.name, 18, { hand: true, gap: 3 });
  return { type: 'follow-up-letter', tema, kind: 'follow-up', formNumber: null, language: 'nb', pages: [{ ops: L.ops }] };
}

/** One document for a person; `type` decides the kind of paper. */
export function documentFor(r: Rng, p: PopulationPerson, type: DocType, maxPages: number): DocSpec {
  if (type === 'form' || type === 'nave') {
    // Benefit first, then one of its forms: the catalogue has far more forms for some benefits.
    const tema = r.pick([...new Set(claimForms().map((f) => f.tema))]);
    const f = r.pick(claimForms().filter((x) => x.tema === tema));
    return type === 'form' ? formDoc(r, p, f, Math.min(maxPages, r.int(1, 2))) : naveDoc(r, p, f);
  }
  if (type === 'follow-up-letter') return followUpDoc(r, p, r.pick(['AAP', 'DAG', 'SYK', 'ENF']));
  const english = r.chance(0.1);
  const tema = english ? r.pick(Object.keys(TEMA_WORDS).filter((t) => TEMA_WORDS[t]!.en)) : r.pick(LETTER_TEMA);
  const kind = r.pick<LetterKind>(['complaint', 'complaint', 'claim', 'other']);
  return letterDoc(r, p, tema, kind, english, Math.min(maxPages, r.chance(0.25) ? 2 : 1));
}
