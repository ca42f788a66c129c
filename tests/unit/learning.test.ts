import { describe, expect, it } from 'vitest';
import { classify } from '../../pipeline/identify/classify.ts';
import { ContentClassifier, contentClassifier } from '../../pipeline/identify/classifier/model.ts';
import { maskPersonalData } from '../../pipeline/learning/mask.ts';
import { isHeldOut, verdict, type Score } from '../../pipeline/learning/score.ts';
import { buildThresholds, decideAutomatic, keepingEvidence, selectThreshold, thresholdFor, upperBound, type Observation } from '../../pipeline/learning/thresholds.ts';
import { learnBenefitNames, trainModel } from '../../pipeline/learning/train.ts';
import { loadReference } from '../../pipeline/reference.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { generatedCorpus, inheritedThreshold, retrainRound, trainedDocuments } from '../../services/learning.service.ts';

const people = personRegister(60);

describe('masking personal data before training', () => {
  it('removes fødselsnummer and D-nummer however OCR split them, and every other number', () => {
    const out = maskPersonalData(`Fødselsnummer: 010185 12345\nFnr.: l6868921157\nD-nummer 41018512345\nKonto 1234.56.78901, tlf 91234567`);
    expect(out).not.toMatch(/\d/);
    expect(out).toContain('Fødselsnummer');
  });
  it('removes street addresses, postcode and place, names of persons; keeps what the letter is about', () => {
    const text = 'Kari Nordmann\nThorvald Meyers gate 12\n0555 Oslo\nTil NAV\nSøknad om dagpenger\nJeg ble permittert fra jobben. Bakgrunnen for søknaden er at bedriften nedbemannet.\nMed vennlig hilsen\nKari Nordmann';
    const out = maskPersonalData(text);
    for (const gone of ['Kari', 'Nordmann', 'Thorvald', 'Meyers', 'Oslo', '0555', '12']) expect(out).not.toContain(gone);
    for (const kept of ['Søknad om dagpenger', 'permittert', 'bedriften nedbemannet', 'Med vennlig hilsen', 'Til NAV']) expect(out).toContain(kept);
  });
  it('removes names the caller knows even when written in lower case', () => {
    expect(maskPersonalData('hilsen ola hansen, bygdøy allé', { names: ['Ola Hansen', 'Bygdøy allé 5'] })).not.toMatch(/ola|hansen|bygdøy/i);
  });
  it('leaves no id, first name, surname or street of the 60 seeded persons in their own letters', () => {
    for (const p of people) {
      const out = maskPersonalData(`${p.name}\n${p.address}\nFødselsnummer: ${p.id.slice(0, 6)} ${p.id.slice(6)}\nKlage på vedtaket om barnetrygd.\nHilsen ${p.name}`);
      expect(out, p.name).not.toContain(p.id.slice(0, 6));
      for (const part of [...p.name.split(' '), ...p.address.split(/[\s,]+/).filter((w) => w.length > 3 && /^[A-ZÆØÅ]/.test(w))]) expect(out, p.name).not.toContain(part);
    }
  });
});

describe('a retrained model holds no personal data in its vocabulary', () => {
  const rows = people.flatMap((p, i) => [0, 1, 2, 3].map((k) => ({
    tema: i % 2 ? 'DAG' : 'BAR', kind: k % 2 ? 'claim' as const : 'complaint' as const,
    text: `${p.name}\n${p.address}\nFnr.: ${p.id}\n${i % 2 ? 'Søknad om dagpenger. Jeg ble permittert.' : 'Søknad om barnetrygd. Barnet er født.'} ${'Skrevet dag ' + k}\nHilsen ${p.name.split(' ')[0]}`,
    names: [p.name, p.address],
  })));
  it('masked: no seeded id, name or street in the model file; unmasked (the test can fail): there are', () => {
    const vocabulary = (json: string) => JSON.stringify(JSON.parse(json)).toLowerCase();
    const masked = trainModel(rows, { mask: true, minDocFreq: 3 });
    const plain = trainModel(rows);
    const inMasked = vocabulary(masked.tema.nb) + vocabulary(masked.kind.nb);
    const inPlain = vocabulary(plain.tema.nb) + vocabulary(plain.kind.nb);
    const words = [...new Set(people.flatMap((p) => [...p.name.toLowerCase().split(' '), ...p.address.toLowerCase().split(/[\s,]+/).filter((w) => w.length > 3 && !/\d/.test(w))]))];
    const leaks = words.filter((w) => new RegExp(`"(?:[hp]:)?${w}"`).test(inMasked));
    expect(leaks).toEqual([]);
    expect(words.filter((w) => new RegExp(`"(?:[hp]:)?${w}"`).test(inPlain)).length).toBeGreaterThan(10);
    expect(masked.mask).toBe('v1');
    // Still a classifier: it learnt what the letters are about.
    const c = new ContentClassifier(masked);
    expect(c.predict('Jeg ble permittert og søker dagpenger').tema[0]!.label).toBe('DAG');
  });
});

describe('threshold selection to hold an error ceiling', () => {
  const obs = (n: number, confidence: number, correct: boolean, tema = 'DAG'): Observation[] => Array.from({ length: n }, () => ({ field: 'tema', tema, confidence, correct }));

  it('has the exact binomial upper bound: 0 of 598 is under 0.5 %, 0 of 590 is not', () => {
    expect(upperBound(0, 598)).toBeLessThan(0.005);
    expect(upperBound(0, 590)).toBeGreaterThan(0.005);
    expect(upperBound(1, 100)).toBeCloseTo(0.0465, 3);
    expect(upperBound(5, 1000)).toBeGreaterThan(0.005);
  });
  it('picks the lowest threshold whose accepted documents hold the ceiling', () => {
    const o = [...obs(700, 0.95, true), ...obs(200, 0.7, true), ...obs(100, 0.5, true), ...obs(5, 0.5, false)];
    const t = selectThreshold(o, 0.005)!;
    expect(t.threshold).toBe(0.7);
    expect(t.accepted).toBe(900);
    expect(t.errors).toBe(0);
  });
  it('finds none when there is too little evidence, or the errors are too many', () => {
    expect(selectThreshold(obs(300, 0.99, true), 0.005)).toBeNull();
    expect(selectThreshold([...obs(2000, 0.9, true), ...obs(20, 0.9, false)], 0.005)).toBeNull();
    // a looser ceiling accepts the same evidence
    expect(selectThreshold([...obs(2000, 0.9, true), ...obs(3, 0.9, false)], 0.01)?.threshold).toBe(0.9);
  });
  it('per tema: own evidence where it holds; else the pooled threshold raised above that tema\'s own errors', () => {
    const t = buildThresholds([
      ...obs(1500, 0.9, true, 'DAG'), ...obs(100, 0.6, true, 'DAG'),
      ...obs(50, 0.9, true, 'AAP'), ...obs(1, 0.92, false, 'AAP'),
    ], 0.005);
    // 1 error in 1 651 at 0.6: the upper bound is 0.29 %
    expect(t.fields.tema.pooled).toMatchObject({ threshold: 0.6, accepted: 1651, errors: 1 });
    expect(t.fields.tema.byTema.DAG).toMatchObject({ basis: 'own', threshold: 0.6, errors: 0 });
    expect(t.fields.tema.byTema.AAP!.basis).toBe('pooled');
    expect(t.fields.tema.byTema.AAP!.threshold).toBeGreaterThan(0.92);
    expect(thresholdFor(t, 'tema', 'UFO')).toBe(0.6); // a tema never seen: the pooled one
    expect(thresholdFor(t, 'person', 'DAG')).toBeNull(); // no evidence: the default rule
  });
  it('judges the tema the content classifier decided apart from tema read off a form number', () => {
    const forms = obs(1000, 0.95, true);
    const letters: Observation[] = [...obs(300, 0.55, true), ...obs(6, 0.55, false)].map((o) => ({ ...o, byContent: true }));
    const t = buildThresholds([...forms, ...letters], 0.005);
    // Pooled, the letters' 6 errors in 306 (2 %) would hide among the 1 000 forms read by their number.
    // (The forms' threshold comes down to the default rule's 0.8: nothing was observed between them.)
    expect(t.fields.tema.pooled).toMatchObject({ threshold: 0.8, accepted: 1000 });
    expect(t.contentTema?.pooled).toBeNull();
    expect(decideAutomatic({ tema: 'DAG', needsManual: false, fields: { tema: 0.55, person: 0.98, form: null, temaByContent: true } }, t).automatic).toBe(true); // no evidence: the classifier's own verdict
    expect(decideAutomatic({ tema: 'DAG', needsManual: false, fields: { tema: 0.75, person: 0.98, form: 0.75 } }, t)).toEqual({ automatic: false, below: ['tema'] });
  });
  it('never stricter than the evidence: with nothing observed between the default rule and the lowest safe confidence, the default decides there', () => {
    // Forms read at 0.9 and above, all right: a form read by its title at 0.82 (never seen in the corrections) is let
    // through as the default rule (0.8) let it through before any threshold was learnt. It was 0.9 before the fix.
    const forms = (n: number, c: number, ok: boolean): Observation[] => obs(n, c, ok).map((o) => ({ ...o, field: 'form' as const }));
    const t = buildThresholds([...obs(620, 0.98, true), ...obs(212, 0.95, true), ...obs(7, 0.9, true), ...forms(839, 0.95, true)], 0.005);
    expect(t.fields.tema.pooled).toMatchObject({ threshold: 0.8, accepted: 839, errors: 0 });
    expect(t.fields.form.pooled?.threshold).toBe(0.8);
    expect(decideAutomatic({ tema: 'DAG', needsManual: false, fields: { tema: 0.82, person: 0.98, form: 0.82 } }, t).automatic).toBe(true);
    // Observations between them: the evidence decides (0.85 has errors, so the threshold stays at 0.9).
    const u = buildThresholds([...obs(700, 0.9, true), ...obs(40, 0.85, true), ...obs(3, 0.85, false)], 0.005);
    expect(u.fields.tema.pooled?.threshold).toBe(0.9);
    // Person has no default threshold: it keeps the lowest observed.
    const p = buildThresholds(obs(700, 0.9, true).map((o) => ({ ...o, field: 'person' as const })), 0.005);
    expect(p.fields.person.pooled?.threshold).toBe(0.9);
  });
  it('decides per field: without thresholds the classifier decides, with them every field must pass', () => {
    const fields = { tema: 0.7, person: 0.98, form: null };
    expect(decideAutomatic({ tema: 'DAG', needsManual: true, fields }, null)).toEqual({ automatic: false, below: ['tema'] });
    const t = buildThresholds([...obs(700, 0.9, true), ...obs(100, 0.65, true)], 0.005);
    expect(decideAutomatic({ tema: 'DAG', needsManual: true, fields }, t).automatic).toBe(true);
    expect(decideAutomatic({ tema: 'DAG', needsManual: false, fields: { ...fields, tema: 0.6 } }, t)).toEqual({ automatic: false, below: ['tema'] });
    expect(decideAutomatic({ tema: 'UKJ', needsManual: false, fields }, t).automatic).toBe(false);
  });
});

describe('classification gives a confidence per field', () => {
  const ref = loadReference();
  const p = people[0]!;
  const base = { forms: ref.forms, temaCodes: new Set(ref.tema.keys()), vendor: null, isKnownPerson: (x: string) => x === p.id };
  it('a form with its number and the applicant\'s id', () => {
    const c = classify({ ...base, pageTexts: [`NAV 04-01.03\nSøknad om dagpenger\nFødselsnummer: ${p.id}`] });
    expect(c.fields.form).toBeGreaterThan(0.9);
    expect(c.fields.person).toBe(0.98);
    expect(c.fields.tema).toBe(c.fields.form);
  });
  it('a letter: no form; an id not in the register is unsure', () => {
    const c = classify({ ...base, pageTexts: ['Søknad om barnetrygd\nFødselsnummer: 01018512345\nBarnet er født.'], isKnownPerson: () => false });
    expect(c.fields.form).toBeNull();
    expect(c.fields.person).toBeLessThanOrEqual(0.2);
    expect(c.fields.tema).toBeGreaterThan(0);
  });
});

describe('promotion rule', () => {
  const s = (temaRight: number, automatic = 50, automaticWrong = 0): Score => ({ docs: 100, temaRight, content: 40, contentRight: 30, automatic, automaticWrong });
  it('promotes a candidate not worse on either set, refuses one worse on one of them', () => {
    expect(verdict({ heldOut: s(80), independent: s(50) }, { heldOut: s(80), independent: s(50) }).promote).toBe(true);
    expect(verdict({ heldOut: s(81), independent: s(49) }, { heldOut: s(80), independent: s(50) })).toMatchObject({ promote: false, reason: expect.stringContaining('uavhengige') });
    expect(verdict({ heldOut: s(79), independent: s(55) }, { heldOut: s(80), independent: s(50) }).promote).toBe(false);
    expect(verdict({ heldOut: s(85, 50, 2), independent: s(55) }, { heldOut: s(80, 50, 0), independent: s(50) }).promote).toBe(false);
  });
  it('compares the share routed straight through on the same held-out documents, at the error ceiling', () => {
    // As many tema right, but fewer held-out documents let through: not better for the mail room.
    expect(verdict({ heldOut: s(80, 40), independent: s(50) }, { heldOut: s(80, 50), independent: s(50) })).toMatchObject({ promote: false, reason: expect.stringContaining('automatisk rutet') });
    // More let through, none wrong: promoted; more let through with a wrong one more: refused.
    const big = (automatic: number, wrong: number): Score => ({ ...s(80), docs: 400, automatic, automaticWrong: wrong });
    expect(verdict({ heldOut: big(300, 0), independent: s(50) }, { heldOut: big(200, 0), independent: s(50) }).promote).toBe(true);
    expect(verdict({ heldOut: big(300, 1), independent: s(50) }, { heldOut: big(200, 0), independent: s(50) }).promote).toBe(false);
  });
  it('compares straight through on every correction the model in force never learnt from, when given, not only the held-out slice', () => {
    const big = (automatic: number, wrong = 0): Score => ({ ...s(80), docs: 1000, automatic, automaticWrong: wrong });
    // Ahead on the small held-out slice, behind on the five times larger set both read out of training: refused.
    expect(verdict({ heldOut: s(80, 52), independent: s(50), unseen: big(740) }, { heldOut: s(80, 50), independent: s(50), unseen: big(760) }))
      .toMatchObject({ promote: false, reason: expect.stringContaining('automatisk rutet av rettelser modellen i bruk ikke er trent på 740 mot 760') });
    expect(verdict({ heldOut: s(80, 48), independent: s(50), unseen: big(770) }, { heldOut: s(80, 50), independent: s(50), unseen: big(760) }).promote).toBe(true);
    expect(verdict({ heldOut: s(80), independent: s(50), unseen: big(770, 3) }, { heldOut: s(80), independent: s(50), unseen: big(760, 1) }).promote).toBe(false);
  });
  it('keeps a document on the same side of the held-out split', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `JP${i}`);
    const held = ids.filter((id) => isHeldOut(id)).length;
    expect(held).toBeGreaterThan(150);
    expect(held).toBeLessThan(250);
    expect(ids.filter((id) => isHeldOut(id))).toEqual(ids.filter((id) => isHeldOut(id)));
  });
  it('the shipped model is unchanged by the refactoring of training (version 0)', () => {
    expect(contentClassifier().model.mask).toBeUndefined();
  });
});

describe('benefit names learnt from the corrections', () => {
  const row = (tema: string, text: string, correction = true) => ({ tema, kind: 'other' as const, text, correction });
  it('learns a word in enough corrections of one tema only; not a known name, not a word other tema use, not a rare one', () => {
    const rows = [
      ...Array.from({ length: 8 }, (_, i) => row('SYK', `Jeg har ikke fått sykelønna for uke ${i}. Hilsen meg`)),
      ...Array.from({ length: 8 }, () => row('DAG', 'Spørsmål om dagpenger og meldekortet')),
      ...Array.from({ length: 7 }, () => row('FOR', 'Når starter pappaperm?')),
      ...Array.from({ length: 8 }, () => row('AAP', 'Meldekortet er sendt')),
      // The generated corpus: everyday words are in letters of every tema.
      row('DAG', 'Meldekortet kom ikke fram. Hilsen Ola', false), row('SYK', 'Spørsmål om sykepenger', false),
    ];
    const names = learnBenefitNames(rows);
    expect(names).toEqual({ sykelønna: 'SYK' });
    // meldekortet: in corrections of AAP, but DAG uses it too; dagpenger: already a benefit name; pappaperm: 7 < 8 rows.
  });

  it('gives a letter naming a learnt benefit a content score of its own, and never lifts the classifier\'s own verdict', () => {
    const ref = loadReference();
    const base = { forms: ref.forms, temaCodes: new Set(ref.tema.keys()), vendor: null, isKnownPerson: () => true };
    const rows = [
      ...Array.from({ length: 12 }, (_, i) => ({ tema: 'SYK', kind: i % 2 ? 'complaint' as const : 'other' as const, text: `Klage. Jeg har ikke fått sykelønna for uke ${i}. Arbeidsgiveren min sier jeg er syk.`, correction: true })),
      ...Array.from({ length: 12 }, (_, i) => ({ tema: 'DAG', kind: i % 2 ? 'complaint' as const : 'other' as const, text: `Klage. Jeg har ikke fått ledighetstrygda for uke ${i}. Jeg er permittert fra jobben.`, correction: true })),
    ];
    const model = trainModel(rows, { mask: true, minDocFreq: 3 });
    expect(model.learntNames).toMatchObject({ sykelønna: 'SYK', ledighetstrygda: 'DAG' });
    const text = 'Klage. Jeg har ikke fått sykelønna min. Arbeidsgiveren min sier jeg er syk.';
    const learnt = classify({ ...base, pageTexts: [text], content: new ContentClassifier(model) });
    const plain = classify({ ...base, pageTexts: [text], content: new ContentClassifier({ ...model, learntNames: undefined }) });
    expect(learnt.tema).toBe('SYK');
    expect(learnt.fields.temaByContent).toBe(true);
    expect(learnt.fields.tema).toBeGreaterThan(0.6);
    expect(learnt.fields.tema).toBeLessThanOrEqual(0.8);
    expect(plain.fields.tema).toBeLessThanOrEqual(0.6);
    expect(learnt.needsManual).toBe(plain.needsManual);
    expect(learnt.confidence).toBe(plain.confidence);
    expect(learnt.reasons.join(' ')).toContain('learnt from the corrections');
  });
});

describe('thresholds from cross-fitted readings', () => {
  it('every labelled letter is evidence (read by a model that did not learn it), not only the held-out fifth', () => {
    const ref = loadReference();
    const corpus = generatedCorpus().filter((_, i) => i % 4 === 0);
    const benefits: Array<[string, string]> = [['DAG', 'dagpenger'], ['BAR', 'barnetrygd'], ['KON', 'kontantstøtte'], ['SYK', 'sykepenger']];
    const labelled = Array.from({ length: 760 }, (_, i) => {
      const [tema, name] = benefits[i % benefits.length]!;
      const text = `Til NAV\nJeg skriver om ${name} for ${['januar', 'februar', 'mars', 'april'][i % 4]}. ${['Jeg har spørsmål om utbetalingen.', 'Jeg klager på vedtaket.', 'Jeg sender opplysninger.'][i % 3]}\nMed vennlig hilsen`;
      return { id: `L${i}`, pageTexts: [text], truth: { tema, kind: 'other' as const, personId: null, formNumber: null } };
    });
    const round = (crossFit: boolean) => retrainRound({
      corpus, labelled, independent: [], active: { classifier: null, thresholds: null }, ceiling: 0.005, forms: ref.forms, temaCodes: new Set(ref.tema.keys()), crossFit,
    });
    const cross = round(true);
    expect(cross.trainedOn).toMatchObject({ crossFitFolds: 5, heldOut: labelled.filter((d) => isHeldOut(d.id)).length });
    // Every letter read by a sibling that did not learn it: evidence enough to hold 0.5 % with 95 % confidence.
    expect(cross.thresholds.contentTema?.pooled?.accepted).toBeGreaterThanOrEqual(598);
    expect(cross.thresholds.contentTema?.pooled?.errors).toBe(0);
    // The held-out fifth alone (about 150 letters) cannot show it.
    expect(round(false).thresholds.contentTema?.pooled).toBeNull();
  }, 120_000);
});

describe('what each model was trained on, and thresholds that follow the evidence', () => {
  const ref = loadReference();
  const corpus = generatedCorpus().filter((_, i) => i % 4 === 0);
  const benefits: Array<[string, string]> = [['DAG', 'dagpenger'], ['BAR', 'barnetrygd'], ['KON', 'kontantstøtte'], ['SYK', 'sykepenger']];
  const person = people[1]!.id;
  const labelled = Array.from({ length: 760 }, (_, i) => {
    const [tema, name] = benefits[i % benefits.length]!;
    const text = `Til NAV\nFødselsnummer: ${person}\nJeg skriver om ${name} for ${['januar', 'februar', 'mars', 'april'][i % 4]}. ${['Jeg har spørsmål om utbetalingen.', 'Jeg klager på vedtaket.', 'Jeg sender opplysninger.'][i % 3]}\nMed vennlig hilsen`;
    return { id: `L${i}`, pageTexts: [text], knownPersons: new Set([person]), truth: { tema, kind: 'other' as const, personId: person, formNumber: null } };
  });

  it('a model records the corrections it learnt from; the shipped one learnt from none; an old record says nothing', () => {
    expect(trainedDocuments(contentClassifier().model)?.size).toBe(0);
    expect(trainedDocuments({ ...contentClassifier().model, trainedOn: { rows: 10, corpus: 'x', corrections: 4 } })).toBeNull();
    expect([...trainedDocuments({ ...contentClassifier().model, trainedOn: { rows: 10, corpus: 'x', corrections: 1, documents: ['A'] } })!]).toEqual(['A']);
  });

  it('a new model inherits the default threshold in force, raised only above letters read wrongly out of training', () => {
    const doc = { id: 'x', pageTexts: [], truth: { tema: 'DAG', kind: 'other' as const, personId: 'p', formNumber: null } };
    const reading = (tema: string, confidence: number) => ({ doc, tema, kind: 'other' as const, personId: 'p', formNumber: null, needsManual: false, confidence, fields: { tema: confidence, person: 0.98, form: null, temaByContent: true }, usedModel: true });
    expect(inheritedThreshold(0.74, 0.86, [reading('DAG', 0.8), reading('BAR', 0.7)]).threshold).toBe(0.74);
    expect(inheritedThreshold(0.74, 0.86, [reading('BAR', 0.8)])).toEqual({ threshold: 0.81, basis: { own: 0.86, inherited: 0.74, raisedAbove: 0.8 } });
  });

  it('a model that stays keeps the thresholds it was promoted with where its new evidence is too little, raised above new errors', () => {
    const letters = (n: number, confidence: number, correct: boolean): Observation[] => Array.from({ length: n }, () => ({ field: 'tema', tema: 'DAG', confidence, correct, byContent: true }));
    // In force: 0.6 from 778 cross-fitted letters without an error.
    const inForce = buildThresholds([...letters(778, 0.6, true)], 0.005);
    expect(inForce.contentTema?.pooled?.threshold).toBe(0.6);
    // New: 400 letters, too few for a threshold of their own. Before, the refresh dropped the one in force.
    const fresh = letters(400, 0.65, true);
    expect(buildThresholds(fresh, 0.005).contentTema?.pooled).toBeNull();
    expect(keepingEvidence(buildThresholds(fresh, 0.005), inForce, fresh).contentTema?.pooled).toMatchObject({ threshold: 0.6, basis: 'kept', accepted: 1178, errors: 0 });
    // A new error above it raises it just above that error.
    const withError = [...fresh, ...letters(1, 0.7, false)];
    expect(keepingEvidence(buildThresholds(withError, 0.005), inForce, withError).contentTema?.pooled?.threshold).toBeCloseTo(0.7001, 6);
    // Enough new evidence: it decides.
    const plenty = letters(700, 0.62, true);
    expect(keepingEvidence(buildThresholds(plenty, 0.005), inForce, plenty).contentTema?.pooled).toMatchObject({ threshold: 0.62, basis: 'own' });
  });

  it('a refused candidate: the model in force gets thresholds from every correction it never learnt from, and the candidate had inherited its default', () => {
    // The model in force learnt 100 of the letters (recorded), and a word the candidate cannot know, which the
    // independent set asks for: the candidate is refused on the independent set.
    const seen = labelled.filter((d) => !isHeldOut(d.id)).slice(0, 100);
    const odd = Array.from({ length: 10 }, () => ({ tema: 'MED', kind: 'other' as const, text: 'qwxv plonk trabb gnurf', correction: true }));
    const file = trainModel([...corpus, ...seen.map((d) => ({ tema: d.truth.tema, kind: d.truth.kind, text: d.pageTexts[0]!, correction: true })), ...odd], {
      mask: true, minDocFreq: 3, trainedOn: { rows: 0, corpus: 'x', corrections: seen.length, documents: seen.map((d) => d.id) },
    });
    // An inherited default the candidate's own measurement can never give (it steps by 0.01).
    file.threshold = 0.515;
    // Thresholds in force, one for a tema the new corrections do not have: the refresh keeps it.
    const inForce = buildThresholds(Array.from({ length: 700 }, () => ({ field: 'person' as const, tema: 'HJE', confidence: 0.9, correct: true })), 0.005);
    const active = { classifier: new ContentClassifier(file), thresholds: inForce };
    const independent = [{ id: 'I1', pageTexts: ['qwxv plonk trabb gnurf'], truth: { tema: 'MED', kind: 'other' as const, personId: null, formNumber: null } }];
    const r = retrainRound({ corpus, labelled, independent, active, ceiling: 0.005, forms: ref.forms, temaCodes: new Set(ref.tema.keys()) });
    // (The candidate knows no word of it: its reading is no reading of the model in force, which knows them all.)
    expect(r.candidate.independent.temaRight).toBe(0);
    expect(r.active.independent.temaRight).toBe(1);
    expect(r.promote).toBe(false);
    expect(r.trainedOn.activeUnseen).toBe(labelled.length - seen.length);
    // Both models compared on the same 660 documents, each read out of its training.
    expect(r.candidate.unseen.docs).toBe(labelled.length - seen.length);
    expect(r.active.unseen.docs).toBe(labelled.length - seen.length);
    // 660 letters the model in force never learnt from, none wrong: a threshold of their own. From the held-out
    // slice alone (about 150 letters), as before the record, there was none.
    expect(r.refresh?.thresholds.contentTema?.pooled?.accepted).toBeGreaterThanOrEqual(598);
    expect(r.refresh?.thresholds.contentTema?.pooled?.errors).toBe(0);
    expect(r.refresh?.thresholds.fields.person.byTema.HJE).toMatchObject({ threshold: 0.9, basis: 'kept' });
    // The candidate's default threshold is the one in force, not its own measurement; it records both.
    expect(r.model.threshold).toBe(0.515);
    expect(r.model.thresholdBasis).toMatchObject({ inherited: 0.515, raisedAbove: null });
    expect(r.model.trainedOn.documents).toHaveLength(r.trainedOn.corrections);
    expect(r.model.trainedOn.documents!.some((id) => isHeldOut(id))).toBe(false);
  }, 180_000);
});
