import { describe, expect, it } from 'vitest';
import { classify } from '../../pipeline/identify/classify.ts';
import { findFormNumbers, lookupFormNumber } from '../../pipeline/identify/form-number.ts';
import { findPersonIds, isValidPersonId } from '../../pipeline/identify/person-id.ts';
import { loadReference } from '../../pipeline/reference.ts';
import { syntheticId, withCheckDigits } from '../../storage/seed/synthetic-ids.ts';

const ref = loadReference();
const applicant = syntheticId(new Date(Date.UTC(1985, 3, 12)), 123);
const child = syntheticId(new Date(Date.UTC(2015, 6, 2)), 40);

describe('form numbers', () => {
  it.each([
    ['NAV 04-01.03', 'NAV 04-01.03'],
    ['NAV 04-01 -03', 'NAV 04-01.03'],
    ['NAV O4-O1.03', 'NAV 04-01.03'],
    ['NAV04-01.03', 'NAV 04-01.03'],
    ['NAV 04–01,03', 'NAV 04-01.03'],
    ['NAV 11-12.15B', 'NAV 11-12.15B'],
  ])('reads %s as %s', (text, want) => {
    expect(findFormNumbers(`Skjema ${text} Søknad`)[0]?.formNumber).toBe(want);
  });
  it('marks NAVe as a follow-up submission (ettersendelse)', () => {
    const [hit] = findFormNumbers('NAVe 04-01.03');
    expect(hit).toMatchObject({ formNumber: 'NAV 04-01.03', followUp: true });
  });
  it('looks the number up in the catalogue and skips unknown ones', () => {
    expect(lookupFormNumber('NAV 99-99.99 og NAV 04-01.03', ref.forms)?.form.tema).toBe('DAG');
    expect(lookupFormNumber('NAV 99-99.99', ref.forms)).toBeNull();
  });
});

describe('person ids', () => {
  it('validates the mod-11 check digits', () => {
    expect(isValidPersonId(applicant)).toBe(true);
    const broken = applicant.slice(0, 10) + String((Number(applicant[10]) + 1) % 10);
    expect(isValidPersonId(broken)).toBe(false);
    expect(withCheckDigits('123456789')).toMatch(/^123456789\d\d$|^$/);
  });
  it('accepts D-numbers and the DDMMYY NNNNN split', () => {
    const dnr = syntheticId(new Date(Date.UTC(1970, 0, 1)), 400, { dnr: true });
    expect(findPersonIds(`D-nummer: ${dnr.slice(0, 6)} ${dnr.slice(6)}`)[0]?.id).toBe(dnr);
  });
  it('prefers the id next to the fødselsnummer label over a child\'s id', () => {
    const text = `Barnets fødselsdato og id ${child}\n\nSøker\nFødselsnummer: ${applicant}`;
    expect(findPersonIds(text)[0]?.id).toBe(applicant);
  });
  it('ignores 11-digit numbers with bad checksums and longer digit runs', () => {
    expect(findPersonIds('Kontonummer 12345678901 og 1234567890123')).toEqual([]);
  });
});

describe('classify', () => {
  const base = { forms: ref.forms, temaCodes: new Set(ref.tema.keys()), vendor: null };
  it('takes tema and kind from the form number on page one', () => {
    const c = classify({ ...base, pageTexts: [`NAV 04-01.03\nSøknad om dagpenger\nFødselsnummer: ${applicant}`, 'vedlegg'] });
    expect(c).toMatchObject({ formNumber: 'NAV 04-01.03', tema: 'DAG', kind: 'claim', personId: applicant });
    expect(c.confidence).toBeGreaterThan(0.9);
  });
  it('treats NAVe as an attachment to the claim', () => {
    expect(classify({ ...base, pageTexts: [`NAVe 04-01.03 Fødselsnummer ${applicant}`] }).kind).toBe('attachment');
  });
  it('falls back to wording for a letter without form number, with lower confidence', () => {
    const c = classify({ ...base, pageTexts: [`Til NAV\nFødselsnummer: ${applicant}\nJeg klager på vedtaket om barnetrygd.`] });
    expect(c).toMatchObject({ formNumber: null, tema: 'BAR', kind: 'complaint' });
    expect(c.confidence).toBeLessThan(0.9);
  });
  it('uses vendor metadata when the text has no form number', () => {
    const c = classify({ ...base, vendor: { brevKode: 'NAV 06-03.04', brukerId: applicant }, pageTexts: ['uleselig'] });
    expect(c.formNumber).toBe('NAV 06-03.04');
    expect(c.personId).toBe(applicant);
  });
  it('reports UKJ and no person when nothing is legible', () => {
    const c = classify({ ...base, pageTexts: ['~~ ,, ..'] });
    expect(c).toMatchObject({ tema: 'UKJ', personId: null });
  });
});

describe('person ids split by OCR', () => {
  it('finds an id with a space OCR put in the wrong place (bug: "16868921 157" was missed)', () => {
    const id = applicant;
    const text = `Fødselsnummer: ${id.slice(0, 8)} ${id.slice(8)}\nSaken gjelder også barnet mitt (${child}).`;
    expect(findPersonIds(text)[0]).toMatchObject({ id, role: 'applicant' });
  });
  it('a phone number just before the id does not swallow it', () => {
    expect(findPersonIds(`Telefon 912 12 514 ${applicant}`).map((h) => h.id)).toContain(applicant);
  });
  it('does not join digits split into more than three groups', () => {
    const id = applicant;
    expect(findPersonIds(`${id.slice(0, 2)} ${id.slice(2, 5)} ${id.slice(5, 8)} ${id.slice(8)}`)).toEqual([]);
  });
});
