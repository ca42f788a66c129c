import { describe, expect, it } from 'vitest';
import { manualReasonNb, reasonNb, ruleNb } from '../../services/reason-text.ts';
import policy from '../../data/policies/ekspertgruppe-2010.json' with { type: 'json' };

/** Reasons the pipeline gives (pipeline/identify/classify.ts, workers/jobs/*, pipeline/pages/*, pipeline/ingest/*), each as a person reads it. */
const SAMPLES: Array<[string, string]> = [
  ['cover sheet with unknown løpenummer', 'Førsteside med ukjent løpenummer'],
  ['cover sheet 20260105000017: metadata used', 'Førsteside 20260105000017: opplysningene fra den er brukt'],
  ['1 of 2 expected attachments found', '1 av 2 forventede vedlegg funnet'],
  ['form number NAV 04-01.03 (one misread digit corrected) found in the text', 'Skjemanummer NAV 04-01.03 (ett feillest siffer rettet) funnet i teksten'],
  ['form number NAVe 04-01.03 (ettersendelse) found in the text', 'Skjemanummer NAVe 04-01.03 (ettersendelse) funnet i teksten'],
  ['page is an attachment to that form', 'Siden er et vedlegg til det skjemaet'],
  ['catalogue title confirms the form', 'Tittelen i skjemakatalogen bekrefter skjemaet'],
  ['title matches NAV 11-13.05 (AAP) instead', 'Tittelen passer heller med NAV 11-13.05 (AAP)'],
  ['vendor brevKode disagrees with the text', 'Skanningsleverandørens brevkode stemmer ikke med teksten'],
  ['form number from vendor metadata', 'Skjemanummer fra skanningsleverandørens metadata'],
  ['no form number; catalogue title of NAV 04-01.03 found, but another tema fits as well', 'Uten skjemanummer; tittelen til NAV 04-01.03 funnet, men et annet tema passer like godt'],
  ['no form number; content classifier: tema DAG (p=0.945), kind claim (p=0.8)', 'Uten skjemanummer; tekstklassifisering: tema DAG (sikkerhet 95 %), dokumenttype søknad/krav (sikkerhet 80 %)'],
  ['no form number; content classifier: tema AAP (p=0.5), kind other', 'Uten skjemanummer; tekstklassifisering: tema AAP (sikkerhet 50 %), dokumenttype annet'],
  ['the text names the benefit (DAG)', 'Teksten nevner ytelsen (DAG)'],
  ['the text also names AAP, SYK', 'Teksten nevner også AAP, SYK'],
  ['the text does not name the benefit (DAG)', 'Teksten nevner ikke ytelsen (DAG)'],
  ['below the confidence threshold 0.8', 'Under sikkerhetsgrensen (80 %)'],
  ['no form number and no legible text to classify', 'Uten skjemanummer og uten lesbar tekst å klassifisere'],
  ['tema from vendor metadata', 'Tema fra skanningsleverandørens metadata'],
  ['person from the cover sheet', 'Bruker fra førstesiden'],
  ['person id next to its label (OCR slip repaired by checksum)', 'Fødselsnummer ved ledeteksten (lesefeil rettet med kontrollsiffer)'],
  ['person id found without label', 'Fødselsnummer funnet uten ledetekst'],
  ['person id from vendor metadata', 'Fødselsnummer fra skanningsleverandørens metadata'],
  ["only other people's ids found (child, partner)", 'Bare andre personers fødselsnummer funnet (barn, ektefelle)'],
  ['no valid person id', 'Fant ikke gyldig fødselsnummer'],
  ['id in the text differs from the cover sheet', 'Fødselsnummeret i teksten er et annet enn på førstesiden'],
  ['vendor brukerId disagrees with the text', 'Leverandørens bruker-id stemmer ikke med teksten'],
  ['person id not in the person register', 'Fødselsnummeret finnes ikke i folkeregisteret'],
  ['unreadable: mean OCR confidence 12', 'Uleselig: gjennomsnittlig lesesikkerhet 12 av 100'],
  ['only separator sheets in the file', 'Filen har bare skilleark'],
  ['not a readable PDF: bad xref', 'PDF-filen kan ikke leses'],
  ['PDF without its XML (skanningmetadata)', 'PDF uten sin XML (skanningmetadata)'],
  ['no NAV office for the person\'s municipality', 'Fant ikke NAV-kontor for brukerens kommune'],
];

describe('reasons in words', () => {
  it.each(SAMPLES)('"%s"', (machine, person) => expect(reasonNb(machine)).toBe(person));

  it('names a routing rule with what it means', () => {
    expect(manualReasonNb('routing rule ukjent-bruker', [policy as never])).toBe('Regel «ukjent-bruker»: bruker ikke identifisert');
    expect(manualReasonNb("routing rule dagpenger: no administrative unit for tema DAG", [policy as never])).toBe('Regel «dagpenger»: dagpenger (Fant ingen forvaltningsenhet for tema DAG)');
    expect(ruleNb('finnes-ikke', [policy as never])).toBe('Regel «finnes-ikke»');
  });

  it('keeps Norwegian as it is, and never shows an unknown English reason', () => {
    expect(reasonNb('sendt tilbake fra 4450: feil enhet')).toBe('sendt tilbake fra 4450: feil enhet');
    expect(reasonNb('filnavnet er 9013 tegn langt, høyst 255')).toBe('filnavnet er 9013 tegn langt, høyst 255');
    expect(reasonNb('something new the pipeline says')).toBe('Annen årsak (se historikken)');
  });
});
