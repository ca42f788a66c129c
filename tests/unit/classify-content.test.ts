import { describe, expect, it } from 'vitest';
import { classify, type ClassifyInput } from '../../pipeline/identify/classify.ts';
import { calibrated, contentClassifier, features } from '../../pipeline/identify/classifier/model.ts';
import { loadReference } from '../../pipeline/reference.ts';
import { syntheticId } from '../../storage/seed/synthetic-ids.ts';

const ref = loadReference();
const id = syntheticId(new Date(Date.UTC(1979, 8, 30)), 301);
const base: Omit<ClassifyInput, 'pageTexts'> = { forms: ref.forms, temaCodes: new Set(ref.tema.keys()), vendor: null, isKnownPerson: (x) => x === id };
const letter = (body: string) => `Ola Nordmann\nFødselsnummer: ${id}\nTil NAV\n${body}\nHilsen Ola`;

describe('content classifier (letters and attachments without a form number)', () => {
  const model = contentClassifier();
  it('ships a model with a threshold and held-out validation', () => {
    expect(model.threshold).toBeGreaterThan(0.5);
    expect(model.threshold).toBeLessThan(1);
    expect(model.model.validation).toHaveProperty('tema');
  });
  it.each([
    ['Klage på vedtak om uføretrygd. Jeg er uenig i avslaget og ber om ny vurdering.', 'UFO', 'complaint'],
    ['Jeg har flyttet og ber om at barnetrygden utbetales til ny konto.', 'BAR', 'other'],
    ['Legeerklæring. Pasienten er sykmeldt og arbeidsevnen er nedsatt, han mottar arbeidsavklaringspenger.', 'AAP', 'attachment'],
    ['Meldekort for perioden. Jeg har arbeidet 4 timer og er fortsatt arbeidssøker på dagpenger.', 'DAG', 'report-card'],
  ])('%s -> %s / %s', (body, tema, kind) => {
    const p = model.predict(letter(body));
    expect(p.tema[0]!.label).toBe(tema);
    expect(p.kind[0]!.label).toBe(kind);
  });
  it('gives probabilities that sum to one, highest first', () => {
    const p = model.predict(letter('Søknad om kontantstøtte, barnet har ikke barnehageplass.'));
    expect(p.tema.reduce((s, c) => s + c.p, 0)).toBeCloseTo(1, 6);
    expect(p.tema[0]!.p).toBeGreaterThanOrEqual(p.tema[1]!.p);
  });
  it('is unsure about text with no benefit in it, and that sends the document to a person with the top candidates', () => {
    const c = classify({ ...base, pageTexts: [letter('Jeg lurer på om dere har mottatt brevet mitt. Ring meg gjerne.')] });
    expect(c.needsManual).toBe(true);
    expect(c.candidates.length).toBeGreaterThan(1);
    expect(c.reasons.join(' ')).toMatch(/below the confidence threshold/);
  });
  it('calibration softens with temperature', () => {
    const odds: Array<[string, number]> = [['A', 10], ['B', 0]];
    expect(calibrated(odds, 1, { temperature: 1, alpha: 0 })[0]!.p).toBeGreaterThan(calibrated(odds, 1, { temperature: 5, alpha: 0 })[0]!.p);
    expect(features('Søknad om dagpengene')).toEqual(expect.arrayContaining(['dagpengene', 'p:dagpeng', 'h:søknad']));
  });
});

describe('classify with a cover sheet', () => {
  const meta = { tema: 'DAG', formNumber: 'NAV 04-01.03', personId: id, attachments: ['Bekreftelse fra arbeidsgiver', 'Arbeidsavtale'], title: 'Søknad om dagpenger' };
  it('uses the stored metadata instead of guessing, and lists missing attachments', () => {
    const c = classify({
      ...base,
      pageTexts: ['(cover sheet print)', 'noe uleselig', 'Bekreftelse fra arbeidsgiver\nVi bekrefter at ...'],
      coverSheet: { loepenummer: '20260203000017', page: 0, meta },
    });
    expect(c).toMatchObject({ tema: 'DAG', formNumber: 'NAV 04-01.03', personId: id, kind: 'claim', coverSheet: '20260203000017', missingAttachments: ['Arbeidsavtale'], needsManual: false });
    expect(c.confidence).toBeGreaterThan(0.95);
  });
  it('reads the page like any other when the løpenummer is unknown', () => {
    const c = classify({
      ...base,
      pageTexts: [`Førsteside\nSkjema: NAV 04-01.03\nFødselsnummer: ${id.slice(0, 6)} ${id.slice(6)}`],
      coverSheet: { loepenummer: '20260203000017', page: 0, meta: null },
    });
    expect(c).toMatchObject({ tema: 'DAG', formNumber: 'NAV 04-01.03', personId: id });
    expect(c.reasons).toContain('cover sheet with unknown løpenummer');
  });
});

describe('classify: form number and title together', () => {
  it('an attachment page says "Vedlegg til": kind attachment, tema of the form', () => {
    const c = classify({ ...base, pageTexts: [`Sentrum legekontor\nVedlegg til NAV 11-13.05\nLegeerklæring\nFødselsnummer: ${id}`] });
    expect(c).toMatchObject({ formNumber: 'NAV 11-13.05', tema: 'AAP', kind: 'attachment' });
  });
  it('an illegible number on a NAV form page: the catalogue title identifies the form', () => {
    const form = ref.forms.get('NAV 04-01.03')!;
    const c = classify({ ...base, pageTexts: [`NAV  N?V 0#-0!.0#\nArbeids- og velferdsetaten\n${form.tittel}\nFødselsnummer: ${id}`] });
    expect(c).toMatchObject({ formNumber: 'NAV 04-01.03', tema: 'DAG' });
  });
  it("never takes a child's id as the applicant's", () => {
    const child = syntheticId(new Date(Date.UTC(2018, 2, 3)), 11);
    const c = classify({ ...base, pageTexts: [`NAV 33-00.07\nSaken gjelder barnet mitt ${child}`] });
    expect(c.personId).toBeNull();
    expect(c.reasons.join(' ')).toMatch(/other people's ids/);
  });
});
