import { describe, expect, it } from 'vitest';
import { compareAttachments } from '../../pipeline/identify/attachments.ts';
import { findFormNumbers, lookupFormNumber, nearbyFormNumbers } from '../../pipeline/identify/form-number.ts';
import { findPersonIds, labelWithoutId, possibleIds } from '../../pipeline/identify/person-id.ts';
import { matchTitles } from '../../pipeline/identify/title-match.ts';
import { loadReference } from '../../pipeline/reference.ts';
import { syntheticId } from '../../storage/seed/synthetic-ids.ts';

const ref = loadReference();

describe('form numbers as OCR reads them', () => {
  it.each([
    ['NAV 04-01 -03', 'NAV 04-01.03'],
    ['NAV O4-O1.O3', 'NAV 04-01.03'],
    ['NAV04-01.03', 'NAV 04-01.03'],
    ['NAV 04 - 01 . 03', 'NAV 04-01.03'],
    ['NAV 04–01,03', 'NAV 04-01.03'],
    ['NAV 04_01.03', 'NAV 04-01.03'],
    ['NAV 0 4-01.03', 'NAV 04-01.03'],
    ['NAV l1-13.O5', 'NAV 11-13.05'],
    ['NAV 11-12.1S', 'NAV 11-12.15'],
    ['MAV 04-01.03', 'NAV 04-01.03'],
    ['NAY 04-01.03', 'NAV 04-01.03'],
    ['N AV 04-01.03', 'NAV 04-01.03'],
    ['NAV: 04-01.03', 'NAV 04-01.03'],
    ['NAV 11-12.15B', 'NAV 11-12.15B'],
  ])('%s -> %s', (text, want) => {
    expect(findFormNumbers(`Skjema ${text} Søknad`)[0]?.formNumber).toBe(want);
  });
  it.each(['NAVe 04-01.03', 'NAV e 04-01.03', 'NAVE 04-01.03', 'NAV€ 04-01.03'])('%s is a follow-up submission (ettersendelse)', (text) => {
    expect(findFormNumbers(text)[0]).toMatchObject({ formNumber: 'NAV 04-01.03', followUp: true });
  });
  it('does not take words for numbers', () => {
    expect(findFormNumbers('Send til NAV i Oslo, NAV skanning, Postboks 1400')).toEqual([]);
  });
  it('marks "Vedlegg til NAV ..." as an attachment to that form', () => {
    expect(findFormNumbers('Vedlegg til NAV 04-01.03')[0]?.attachmentTo).toBe(true);
    expect(findFormNumbers('NAV 04-01.03')[0]?.attachmentTo).toBe(false);
  });
  it('corrects one misread digit when exactly one catalogue form is that close', () => {
    expect(ref.forms.has('NAV 04-01.08')).toBe(false);
    const hit = lookupFormNumber('NAV 04-01.08', ref.forms);
    expect(nearbyFormNumbers('NAV 04-01.08', ref.forms)).toEqual(['NAV 04-01.03']);
    expect(hit).toMatchObject({ formNumber: 'NAV 04-01.03', corrected: true });
  });
});

describe('catalogue title as second signal', () => {
  it('finds the title through OCR slips', () => {
    const form = ref.forms.get('NAV 04-01.03')!;
    const slipped = form.tittel.replace('ø', 'o').replace('a', 'e');
    expect(matchTitles(`NAV\nArbeids- og velferdsetaten\n${slipped}`, ref.forms)[0]?.form.skjemanummer).toBe('NAV 04-01.03');
  });
  it('prefers the title that matches more words', () => {
    const hits = matchTitles('Søknad om dagpenger ved permittering', ref.forms);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]!.form.tema).toBe('DAG');
  });
});

describe('person ids', () => {
  const applicant = syntheticId(new Date(Date.UTC(1985, 3, 12)), 123);
  const child = syntheticId(new Date(Date.UTC(2016, 6, 2)), 40);
  const doctor = syntheticId(new Date(Date.UTC(1960, 1, 3)), 77);
  it('reads confusable letters as digits (O for 0, l for 1, S for 5)', () => {
    const ocr = applicant.replace(/0/g, 'O').replace(/1/g, 'l');
    expect(findPersonIds(`Fødselsnummer: ${ocr}`)[0]).toMatchObject({ id: applicant, corrected: ocr !== applicant });
  });
  it("skips a child's and a doctor's id even when they come first", () => {
    const text = `Barnets fødselsnummer: ${child}\nBehandlende lege ${doctor}\nSøker\nFødselsnummer: ${applicant}`;
    const ids = findPersonIds(text);
    expect(ids[0]).toMatchObject({ id: applicant, role: 'applicant' });
    expect(ids.filter((h) => h.role === 'other').map((h) => h.id).sort()).toEqual([child, doctor].sort());
  });
  it('marks ids listed under "Andre personer" as others', () => {
    const text = `Fødselsnummer (11 siffer): ${applicant}\nNavn: Kari\nAdresse: Storgata 1\nTelefon: 400 00 000\nAndre personer søknaden gjelder\n1. Emil Hansen\n${child}`;
    const ids = findPersonIds(text);
    expect(ids.find((h) => h.id === child)?.role).toBe('other');
    expect(ids[0]!.id).toBe(applicant);
  });
  it('repairs one misread digit only when the register confirms it', () => {
    const i = applicant[3] === '8' ? 4 : 3;
    const misread = applicant.slice(0, i) + ({ '0': '8', '1': '7', '3': '8', '5': '6', '6': '8', '8': '3', '9': '0', '2': '7', '4': '1', '7': '1' } as Record<string, string>)[applicant[i]!]! + applicant.slice(i + 1);
    expect(findPersonIds(`Fødselsnummer: ${misread}`)).toEqual([]);
    const repaired = findPersonIds(`Fødselsnummer: ${misread}`, { isKnown: (id) => id === applicant });
    expect(repaired[0]).toMatchObject({ id: applicant, corrected: true, repaired: true });
    expect(possibleIds(`Fødselsnummer: ${misread}`)).toContain(applicant);
  });
  it('reads an id written DDMMYY-NNNNN and digits printed one per box', () => {
    expect(findPersonIds(`Fødselsnummer ${applicant.slice(0, 6)}-${applicant.slice(6)}`)[0]?.id).toBe(applicant);
    expect(findPersonIds(`Fødselsnummer\n${[...applicant].join(' ')}`)[0]?.id).toBe(applicant);
    // Spaces in more places than a box field or an OCR slip explains are not one number.
    expect(findPersonIds(`Fødselsnummer ${applicant.slice(0, 3)} ${applicant.slice(3, 6)} ${applicant.slice(6, 8)} ${applicant.slice(8)}`)).toEqual([]);
  });
  it('reads digits split by box walls only when the register knows the person', () => {
    const boxed = [...applicant].map((d, i) => (i % 3 === 1 ? `${d}|` : i % 3 === 2 ? `${d}/` : `${d} `)).join('');
    expect(findPersonIds(`Fødselsnummer\n${boxed}`)).toEqual([]);
    expect(findPersonIds(`Fødselsnummer\n${boxed}`, { isKnown: (id) => id === applicant })[0]?.id).toBe(applicant);
    expect(findPersonIds(`Fødselsnummer\n${boxed}`, { isKnown: () => false })).toEqual([]);
    expect(possibleIds(`Fødselsnummer\n${boxed}`)).toContain(applicant);
  });
  it('tells a page with a fødselsnummer label but no readable id (to be read again)', () => {
    expect(labelWithoutId('Fødselsnummer (11 siffer)\n26 8610 53 3 33')).toBe(true);
    expect(labelWithoutId(`Fødselsnummer (11 siffer)\n${applicant}`)).toBe(false);
    expect(labelWithoutId('Søknad om dagpenger')).toBe(false);
  });
});

describe('expected attachments', () => {
  it('finds attachment headings through OCR slips and lists the missing ones', () => {
    const pages = ['NAV 04-01.03 Søknad om dagpenger', 'Fjordkraft AS\nBekreftelse fra arbeidsgiwer\nVi bekrefter ...', 'Arbeidsavtale\n...'];
    expect(compareAttachments(['Bekreftelse fra arbeidsgiver', 'Arbeidsavtale', 'Oppsigelse'], pages)).toEqual({
      arrived: ['Bekreftelse fra arbeidsgiver', 'Arbeidsavtale'],
      missing: ['Oppsigelse'],
    });
  });
});
