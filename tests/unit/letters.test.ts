import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { readPageMarks } from '../../pipeline/foersteside/barcode.ts';
import type { CoverSheet } from '../../pipeline/foersteside/cover-sheet.ts';
import { makeLoepenummer } from '../../pipeline/foersteside/loepenummer.ts';
import { deadlineFrom, LETTER_TEXTS_FILE, letterTexts, longDate, missingAttachmentsLetter, parseTexts, type MissingAttachmentsInput } from '../../pipeline/letters/content.ts';
import fontkit from '@pdf-lib/fontkit';
import { renderLetterPdf } from '../../pipeline/letters/render.ts';
import { openPdfjs } from '../../pipeline/pages/pdf-render.ts';
import sharp from 'sharp';
import { pdfPages } from '../helpers/pdf-text.ts';

const input = (language: MissingAttachmentsInput['language'], missing = ['Arbeidsavtale', 'Lønnsslipper for de siste tre månedene']): MissingAttachmentsInput => ({
  language, title: 'Søknad om dagpenger', formNumber: 'NAV 04-01.03', caseId: 'SAK12',
  receivedAt: new Date('2026-12-03T09:00:00Z'), letterDate: new Date('2026-12-03T09:05:00Z'), deadline: new Date('2026-12-17T09:00:00Z'), missing,
});

const sheet = (language: CoverSheet['language'], attachments: string[]): CoverSheet => ({
  loepenummer: makeLoepenummer(new Date('2026-12-03T00:00:00Z'), 417), tema: 'DAG', formNumber: 'NAV 04-01.03', followUp: true,
  title: 'Søknad om dagpenger', personId: '01017012345', attachments, language, createdAt: new Date('2026-12-03T09:05:00Z'),
});


describe('letter about missing attachments: content', () => {
  it('bokmål: names each missing item, the claim, its form number, the receipt and the deadline in words', () => {
    const c = missingAttachmentsLetter(input('nb'));
    expect(c.heading).toBe('Vi mangler vedlegg til det du sendte oss');
    expect(c.intro).toBe('Vi fikk «Søknad om dagpenger» (NAV 04-01.03) fra deg 3. desember 2026. På førstesiden sto det at disse vedleggene skulle være med, men vi fant dem ikke i sendingen:');
    expect(c.items).toEqual(['Arbeidsavtale', 'Lønnsslipper for de siste tre månedene']);
    expect(c.paragraphs[0]).toBe('Send oss vedleggene senest 17. desember 2026.');
    expect(c.reference).toBe('Saksnummer: SAK12');
    expect(c.closing).toBe('Med vennlig hilsen');
  });

  it('nynorsk: its own words, not bokmål', () => {
    const c = missingAttachmentsLetter(input('nn'));
    expect(c.heading).toBe('Vi manglar vedlegg til det du sende oss');
    expect(c.intro).toContain('Vi fekk «Søknad om dagpenger» (NAV 04-01.03) frå deg 3. desember 2026');
    expect(c.paragraphs[0]).toBe('Send oss vedlegga seinast 17. desember 2026.');
    expect(c.closing).toBe('Med venleg helsing');
    const all = [c.heading, c.intro, ...c.paragraphs].join(' ');
    for (const bokmaal of ['ikke', 'fra deg', 'vedleggene', 'Hvis']) expect(all).not.toContain(bokmaal);
  });

  it('English: English dates and words; the form title stays as the form is called', () => {
    const c = missingAttachmentsLetter(input('en', ['Arbeidsavtale']));
    expect(c.heading).toBe('Attachments are missing from what you sent us');
    expect(c.intro).toContain('We received “Søknad om dagpenger” (NAV 04-01.03) from you on 3 December 2026.');
    expect(c.paragraphs[0]).toBe('Please send us the attachments by 17 December 2026 at the latest.');
    expect(c.items).toEqual(['Arbeidsavtale']);
  });

  it('a claim without a form number says so in the letter\'s language', () => {
    expect(missingAttachmentsLetter({ ...input('nb'), formNumber: null }).intro).toContain('(uten skjemanummer)');
    expect(missingAttachmentsLetter({ ...input('nn'), formNumber: null }).intro).toContain('(utan skjemanummer)');
    expect(missingAttachmentsLetter({ ...input('en'), formNumber: null }).intro).toContain('(no form number)');
  });

  it('refuses to write a letter about nothing', () => {
    expect(() => missingAttachmentsLetter(input('nb', []))).toThrow(/at least one/);
  });

  it('dates are Norwegian days: late evening UTC is already the next day in Oslo', () => {
    expect(longDate(new Date('2026-12-31T23:30:00Z'), 'nb')).toBe('1. januar 2027');
    expect(longDate(new Date('2026-06-30T22:30:00Z'), 'en')).toBe('1 July 2026');
    expect(deadlineFrom(new Date('2026-12-03T09:00:00Z'), 14).toISOString()).toBe('2026-12-17T09:00:00.000Z');
  });

  it('the texts file is data, validated: every language has every text and the placeholders that carry the facts', () => {
    const file = JSON.parse(readFileSync(LETTER_TEXTS_FILE, 'utf8'));
    expect(letterTexts().languages.nn.heading).toBe(file.languages.nn.heading);
    const noDeadline = structuredClone(file);
    noDeadline.languages.nn.deadline = 'Send oss vedlegga snart.';
    expect(() => parseTexts(JSON.stringify(noDeadline))).toThrow('languages.nn.deadline: lacks {deadline}');
    const missingKey = structuredClone(file);
    delete missingKey.languages.en.how;
    expect(() => parseTexts(JSON.stringify(missingKey))).toThrow(/languages\.en\.how/);
  });
});

describe('letter about missing attachments: PDF', () => {
  it.each(['nb', 'nn', 'en'] as const)('%s: the letter names both items and the deadline, and page 2 is the pre-filled NAVe cover sheet', async (language) => {
    const missing = ['Arbeidsavtale', 'Lønnsslipper for de siste tre månedene'];
    const content = missingAttachmentsLetter(input(language, missing));
    const cover = sheet(language, missing);
    const pdf = await renderLetterPdf({ content, coverSheet: cover, temaName: 'Dagpenger', createdAt: new Date('2026-12-03T09:05:00Z') });
    const [letter, coverText] = await pdfPages(pdf);
    // The embedded font carries æøå and the typographic quotes: the text layer reads them back.
    for (const item of missing) expect(letter).toContain(item);
    expect(letter).toContain(content.paragraphs[0]!);
    expect(letter).toContain(language === 'en' ? '“Søknad om dagpenger”' : '«Søknad om dagpenger»');
    expect(coverText).toContain('NAVe 04-01.03');
    expect(coverText).toContain(cover.loepenummer);
    for (const item of missing) expect(coverText).toContain(item);
  });

  it('the cover sheet page, printed and scanned, gives back its løpenummer from the barcode', async () => {
    const cover = sheet('nb', ['Arbeidsavtale']);
    const pdf = await renderLetterPdf({ content: missingAttachmentsLetter(input('nb', ['Arbeidsavtale'])), coverSheet: cover, createdAt: new Date('2026-12-03T09:05:00Z') });
    const d = await openPdfjs(new Uint8Array(pdf));
    const page = await d.render(2, 200);
    await d.close();
    const png = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 1 } }).png().toBuffer();
    expect((await readPageMarks(png)).coverSheet).toBe(cover.loepenummer);
  });

  it('is the same file every time it is made from the same letter', async () => {
    const args = { content: missingAttachmentsLetter(input('nn')), coverSheet: sheet('nn', ['Arbeidsavtale']), createdAt: new Date('2026-12-03T09:05:00Z') };
    expect((await renderLetterPdf(args)).equals(await renderLetterPdf(args))).toBe(true);
  });

  it('parses the font once per process, and a letter made with the kept font is the file a fresh parse makes', async () => {
    const args = (language: 'nb' | 'nn' | 'en', missing: string[]) => ({ content: missingAttachmentsLetter(input(language, missing)), coverSheet: sheet(language, missing), createdAt: new Date('2026-12-03T09:05:00Z') });
    await renderLetterPdf(args('nb', ['Arbeidsavtale']));
    const parse = vi.spyOn(fontkit, 'create');
    // Letters with other glyphs in between: what one letter's subset took must not leak into the next.
    const en = await renderLetterPdf(args('en', ['Payslips']));
    await renderLetterPdf(args('nn', ['Lønnsslipper for de siste tre månedene', 'Æ Ø Å']));
    const nb = await renderLetterPdf(args('nb', ['Arbeidsavtale']));
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(nb.equals(await renderLetterPdf(args('nb', ['Arbeidsavtale']), fontkit))).toBe(true);
    expect(en.equals(await renderLetterPdf(args('en', ['Payslips']), fontkit))).toBe(true);
  });
});
