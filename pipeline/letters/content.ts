import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ROOT } from '../../schemas/config.ts';
import { COVER_LANGUAGES, type CoverLanguage } from '../foersteside/cover-sheet.ts';

/**
 * The letter that tells a person which attachments their claim lacked. Its wording is data
 * (data/letters/missing-attachments.json, one block per cover-sheet language); this module only
 * fills it in. Pure apart from reading that file once.
 */

const KEYS = ['sender', 'date', 'reference', 'addressNote', 'heading', 'received', 'deadline', 'how', 'otherwise', 'questions', 'closing', 'signature', 'noForm', 'attachmentNote'] as const;
type Key = (typeof KEYS)[number];

/** Placeholders each text must use, so a translation cannot silently drop the deadline or the list's context. */
export const REQUIRED_PLACEHOLDERS: Partial<Record<Key, string[]>> = {
  date: ['date'], reference: ['case'], received: ['title', 'form', 'received'], deadline: ['deadline'],
};

const Texts = z.object(Object.fromEntries(KEYS.map((k) => [k, z.string().min(1)])) as Record<Key, z.ZodString>).strict();
export type LetterTexts = z.infer<typeof Texts>;

const File = z.object({
  source: z.string().min(10),
  status: z.enum(['draft', 'reviewed']),
  languages: z.object(Object.fromEntries(COVER_LANGUAGES.map((l) => [l, Texts])) as Record<CoverLanguage, typeof Texts>).strict(),
}).strict().superRefine((f, ctx) => {
  for (const lang of COVER_LANGUAGES) {
    for (const [key, names] of Object.entries(REQUIRED_PLACEHOLDERS)) {
      const text = f.languages[lang][key as Key];
      for (const n of names!) if (!text.includes(`{${n}}`)) ctx.addIssue({ code: 'custom', path: ['languages', lang, key], message: `lacks {${n}}` });
    }
  }
});
export type LetterTextFile = z.infer<typeof File>;

export const LETTER_TEXTS_FILE = path.join(ROOT, 'data', 'letters', 'missing-attachments.json');

let cached: LetterTextFile | undefined;
/** The texts, validated (a broken file fails at start, naming the language and key). */
export function letterTexts(file = LETTER_TEXTS_FILE): LetterTextFile {
  if (file !== LETTER_TEXTS_FILE) return parseTexts(readFileSync(file, 'utf8'), file);
  cached ??= parseTexts(readFileSync(file, 'utf8'), file);
  return cached;
}

export function parseTexts(json: string, file = 'letter texts'): LetterTextFile {
  const parsed = File.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
  return parsed.data;
}

export interface MissingAttachmentsInput {
  language: CoverLanguage;
  /** The claim's title as the cover sheet gave it, and its form number (NAV 04-01.03) if any. */
  title: string;
  formNumber: string | null;
  caseId: string;
  /** When the claim was received, when the letter is written, and the last day to send. */
  receivedAt: Date;
  letterDate: Date;
  deadline: Date;
  /** The attachments that did not come, in the cover sheet's order. */
  missing: string[];
}

/** The letter as blocks of text, ready to lay out (and to test without a PDF). */
export interface LetterContent {
  language: CoverLanguage;
  sender: string;
  date: string;
  reference: string;
  addressNote: string;
  heading: string;
  intro: string;
  items: string[];
  paragraphs: string[];
  closing: string;
  signature: string;
  attachmentNote: string;
}

const LOCALE: Record<CoverLanguage, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };

/** A date as the letter's language writes it in full (14. januar 2027 / 14 January 2027), Norwegian time. */
export function longDate(d: Date, language: CoverLanguage): string {
  return new Intl.DateTimeFormat(LOCALE[language], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Oslo' }).format(d);
}

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);

export function missingAttachmentsLetter(input: MissingAttachmentsInput, texts: LetterTextFile = letterTexts()): LetterContent {
  if (input.missing.length === 0) throw new Error('a letter about missing attachments needs at least one');
  const t = texts.languages[input.language];
  const values = {
    date: longDate(input.letterDate, input.language),
    case: input.caseId,
    title: input.title,
    form: input.formNumber ?? t.noForm,
    received: longDate(input.receivedAt, input.language),
    deadline: longDate(input.deadline, input.language),
  };
  return {
    language: input.language,
    sender: t.sender,
    date: fill(t.date, values),
    reference: fill(t.reference, values),
    addressNote: t.addressNote,
    heading: t.heading,
    intro: fill(t.received, values),
    items: [...input.missing],
    paragraphs: [fill(t.deadline, values), fill(t.how, values), fill(t.otherwise, values), fill(t.questions, values)],
    closing: t.closing,
    signature: t.signature,
    attachmentNote: t.attachmentNote,
  };
}

/** Last day to send: the claim's receipt plus the tema's days (the same deadline the deviation sweep holds). */
export function deadlineFrom(receivedAt: Date, days: number): Date {
  return new Date(receivedAt.getTime() + days * 86_400_000);
}
