/**
 * The simulated mail-room stream of issue 13 (benchmarks/learning-simulate.ts): generated documents
 * from fixtures/claim-content.ts as text with OCR-like damage, with their truth.
 */
import { benefitName, claimPages, type ClaimKind } from '../fixtures/claim-content.ts';
import { mixSeed, type Rng } from '../fixtures/random.ts';
import { navForms } from '../fixtures/sample-batch.ts';
import type { LabelledDoc } from '../pipeline/learning/score.ts';
import type { DocumentKind } from '../schemas/reference.ts';
import { personRegister, type RegisterPerson } from '../storage/seed/person-register.ts';

export const persons = personRegister(60);
export const known = new Set(persons.map((p) => p.id));
const forms = navForms();
const TEMAS = ['DAG', 'AAP', 'UFO', 'ENF', 'BID', 'BAR', 'PEN', 'HJE', 'SYK', 'FOR', 'KON', 'MED'];

/** What OCR does to text, at three strengths: confusable letters, lost diacritics, joined words, lost words. */
// How people in the mail room's letters call a benefit in their own words: names the generated
// training corpus and the benefit-name rules do not know (the corrections teach them).
const EVERYDAY: Record<string, string[]> = {
  DAG: ['ledighetstrygd', 'arbeidsledighetstrygd', 'ledighetspenger'], AAP: ['avklaringspengene', 'attføringspenger'],
  UFO: ['uførepensjon', 'uførestønad'], ENF: ['enslig-støtte', 'alenemorstøtte'], BID: ['farspengene', 'morspengene'],
  BAR: ['barnetrygda', 'barnepengene'], PEN: ['pensjonspengene', 'folketrygdpensjon'], HJE: ['rullatorstøtte', 'rullestolstøtte'],
  SYK: ['sykelønn', 'sykelønna'], FOR: ['pappaperm', 'mammaperm'], KON: ['kontantstøtta', 'barnehagepengene'], MED: ['trygdemedlemskap', 'trygdedekningen'],
};

/** Benefit names in the text replaced by the everyday name the writer uses. */
export function everyday(r: Rng, text: string, tema: string, benefit: string): string {
  const words = EVERYDAY[tema];
  return words ? text.split(benefit).join(r.pick(words)) : text;
}

export function damage(r: Rng, text: string, level: number): string {
  if (level === 0) return text;
  const swap: Record<string, string> = { ø: 'o', å: 'a', æ: 'ae', l: '1', o: '0', e: 'c', i: 'l', h: 'b', m: 'rn', '0': 'O', '1': 'l', '5': 'S' };
  const p = level === 1 ? 0.01 : 0.04;
  return text.split('\n').filter(() => !r.chance(level === 2 ? 0.08 : 0.02)).join('\n')
    .replace(/./g, (c) => (swap[c] && r.chance(p) ? swap[c]! : c))
    .replace(/ /g, (c) => (r.chance(p) ? '' : c));
}

export interface StreamDoc extends LabelledDoc {
  person: RegisterPerson;
}

/** One generated document: a form, an ettersendelse or a letter without a form number. */
export function makeDoc(r: Rng, seed: number, n: number): StreamDoc {
  const person = r.pick(persons);
  const plan = r.pick(['form', 'form', 'form', 'nave', 'letter', 'letter', 'letter', 'letter', 'follow-up-letter', 'attachment'] as const);
  let tema = r.pick(TEMAS);
  const ofTema = forms.filter((f) => f.tema === tema);
  const form = r.pick(ofTema.filter((f) => /^Søknad/.test(f.title)).length ? ofTema.filter((f) => /^Søknad/.test(f.title)) : ofTema);
  let formNumber: string | null = form.formNumber;
  let claimKind: ClaimKind = 'claim';
  let kind: DocumentKind = 'claim';
  if (plan === 'nave') { formNumber = form.formNumber.replace(/^NAV /, 'NAVe '); claimKind = 'follow-up'; kind = 'attachment'; }
  else if (plan === 'letter') { formNumber = null; claimKind = r.pick<ClaimKind>(['complaint', 'complaint', 'follow-up', 'other', 'claim']); kind = claimKind === 'follow-up' ? 'attachment' : (claimKind as DocumentKind); }
  else if (plan === 'attachment') { claimKind = kind = 'attachment'; }
  else if (plan === 'follow-up-letter') { tema = r.pick(['AAP', 'DAG', 'SYK', 'ENF']); formNumber = null; claimKind = 'follow-up'; kind = 'attachment'; }
  const pages = claimPages({ formNumber, title: form.title, tema, person, kind: claimKind, pages: r.int(1, 2), seed: mixSeed(seed, n) });
  const level = r.pick([0, 1, 1, 2]);
  // Half the letters call the benefit by an everyday name.
  const own = !formNumber && r.chance(0.5);
  const texts = pages.map((pg) => damage(r, own ? everyday(r, pg.lines.map((l) => l.text).join('\n'), tema, benefitName(tema)) : pg.lines.map((l) => l.text).join('\n'), level));
  return {
    id: `S${seed}-${n}`, person, pageTexts: texts, knownPersons: known,
    truth: { tema, kind, personId: person.id, formNumber: formNumber ? formNumber.replace(/^NAVe /, 'NAV ') : null },
    names: [person.name, person.address],
  };
}

