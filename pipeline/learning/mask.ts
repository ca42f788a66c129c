/**
 * Personal data out of training text (issue 13). Before a text is learnt from, and before a
 * masked model reads it, everything that could name or find a person is replaced by nothing:
 * - every token holding a digit (fødselsnummer and D-nummer, postcodes, house numbers, dates,
 *   account and organisation numbers);
 * - street addresses ("Fjellveien 10", "Bygdøy allé 5") and "postcode place" lines;
 * - every capitalised word that is not one of the words the application itself writes or
 *   catalogues (the generated corpus's phrasing, the form catalogue's titles, tema names):
 *   names of persons and places are capitalised, the words that say what a letter is about are not;
 * - names the caller knows belong to the document (e.g. the register's name), in any case.
 * What is left is lower-case wording; the training also drops words seen in fewer documents
 * than a minimum (see trainModel), so a misspelt name that slipped through cannot stay either.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../schemas/config.ts';
import { KIND, TOPICS } from '../identify/classifier/corpus.ts';

const WORD = /[A-Za-zÆØÅæøåÄÖÜäöüÉé][A-Za-zÆØÅæøåÄÖÜäöüÉé'-]*/g;
const STREET = /\b[A-ZÆØÅ][a-zæøåé]+(?:[ -][A-ZÆØÅa-zæøå][a-zæøåé]+)?[ \t]*(?:veien|vegen|vei|veg|gata|gate|gaten|allé|alle|plass|stien|bakken|lia|svingen|tunet|haugen|ringen)[ \t]*\d+[ \t]*[A-Za-z]?\b/g;
const STREET_WORD = /^[A-ZÆØÅ][a-zæøåé]*(?:veien|vegen|vei|veg|gata|gate|gaten|allé|alle|plass|stien|bakken)$/;
const POSTCODE_PLACE = /\b\d{4}[ \t]+[A-ZÆØÅ][A-Za-zæøåÆØÅ-]+(?:[ \t]+[A-ZÆØÅ][A-Za-zæøåÆØÅ-]+)?/g;
const WITH_DIGIT = /\S*\d\S*/g;

let allowed: Set<string> | undefined;

/** Words the application itself writes: the corpus templates, the form catalogue's titles, tema names, and a few letter words. */
export function commonWords(): Set<string> {
  if (allowed) return allowed;
  const text: string[] = [];
  for (const t of Object.values(TOPICS)) text.push(...t.names, ...t.words, ...t.attachments);
  for (const k of Object.values(KIND)) text.push(...k.subjects, ...k.body);
  for (const file of ['nav-forms.tsv', 'tema.tsv']) {
    for (const line of readFileSync(path.join(ROOT, 'data', file), 'utf8').split('\n').slice(1)) text.push(line.split('\t').slice(1, 3).join(' '));
  }
  text.push('NAV Til Fra Dato Fødselsnummer Fødselsnr Fnr D-nummer Med vennlig hilsen Hilsen Vennlig Vedlegg Ang Søknad Krav Klage Jeg Vi Dere Det Den Dette Her Kopi Side Org Nr Lege Legekontoret Sykehuset Regnskapskontoret Personalavdelingen Barnehagen Ergoterapitjenesten Begravelsesbyrået Skolen Skanning Kontoret Mvh Vedr Emne Sak Saksnummer Navn Adresse Telefon Underskrift Sted Postnummer Poststed Norge Folketrygden');
  allowed = new Set(text.join(' ').toLowerCase().match(/[a-zæøåäöüé][a-zæøåäöüé'-]*/g) ?? []);
  return allowed;
}

export interface MaskOptions {
  /** Names known to belong to the document (the person's name from the register): removed in any case. */
  names?: string[];
}

/** The text with personal data removed (see the module comment). Pure, deterministic. */
export function maskPersonalData(text: string, opts: MaskOptions = {}): string {
  const common = commonWords();
  const known = new Set((opts.names ?? []).flatMap((n) => n.toLowerCase().split(/\s+/)).filter((w) => w.length > 1));
  return text
    .replace(STREET, ' ')
    .replace(POSTCODE_PLACE, ' ')
    .replace(WITH_DIGIT, ' ')
    .replace(WORD, (w) => {
      const lower = w.toLowerCase();
      if (known.has(lower)) return ' ';
      if (STREET_WORD.test(w)) return ' ';
      // Capitalised (or all capitals) and not a word of ours: a name of a person or a place.
      if (/^[A-ZÆØÅÄÖÜÉ]/.test(w) && !common.has(lower) && !lower.split('-').every((part) => common.has(part))) return ' ';
      return w;
    })
    .replace(/[ \t]+/g, ' ');
}
