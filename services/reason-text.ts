/**
 * The pipeline writes its reasons in short English for logs and tests; people read them in
 * Norwegian. Each pattern here is one reason the pipeline can give (pipeline/identify/classify.ts,
 * workers/jobs/*, pipeline/pages/*, pipeline/ingest/*); an unknown one is shown as "annen årsak"
 * with the machine's words kept out of sight.
 */
import type { Policy } from '../schemas/reference.ts';

export const KIND_NB: Record<string, string> = {
  claim: 'søknad/krav', attachment: 'vedlegg', 'follow-up': 'oppfølging', 'report-card': 'meldekort', complaint: 'klage', other: 'annet',
};

const pct = (p: string) => `${Math.round(Number(p) * 100)} %`;
const kindNb = (k: string) => KIND_NB[k] ?? k;

type Rule = [RegExp, (m: RegExpMatchArray) => string];

const REASONS: Rule[] = [
  [/^cover sheet with unknown løpenummer$/, () => 'Førsteside med ukjent løpenummer'],
  [/^cover sheet (\d+): metadata used$/, (m) => `Førsteside ${m[1]}: opplysningene fra den er brukt`],
  [/^(\d+) of (\d+) expected attachments found$/, (m) => `${m[1]} av ${m[2]} forventede vedlegg funnet`],
  [/^form number (.+?)( \(ettersendelse\))?( \(one misread digit corrected\))? found in the text$/, (m) => `Skjemanummer ${m[1]}${m[2] ? ' (ettersendelse)' : ''}${m[3] ? ' (ett feillest siffer rettet)' : ''} funnet i teksten`],
  [/^page is an attachment to that form$/, () => 'Siden er et vedlegg til det skjemaet'],
  [/^catalogue title confirms the form$/, () => 'Tittelen i skjemakatalogen bekrefter skjemaet'],
  [/^title matches (.+) \((\w+)\) instead$/, (m) => `Tittelen passer heller med ${m[1]} (${m[2]})`],
  [/^vendor brevKode disagrees with the text$/, () => 'Skanningsleverandørens brevkode stemmer ikke med teksten'],
  [/^form number from vendor metadata$/, () => 'Skjemanummer fra skanningsleverandørens metadata'],
  [/^no form number; catalogue title of (.+?) found(, but another tema fits as well)?$/, (m) => `Uten skjemanummer; tittelen til ${m[1]} funnet${m[2] ? ', men et annet tema passer like godt' : ''}`],
  [/^no form number; content classifier: tema (\w+) \(p=([\d.]+)\), kind ([\w-]+)(?: \(p=([\d.]+)\))?$/, (m) => `Uten skjemanummer; tekstklassifisering: tema ${m[1]} (sikkerhet ${pct(m[2]!)}), dokumenttype ${kindNb(m[3]!)}${m[4] ? ` (sikkerhet ${pct(m[4])})` : ''}`],
  [/^the text names the benefit \((\w+)\)$/, (m) => `Teksten nevner ytelsen (${m[1]})`],
  [/^the text also names (.+)$/, (m) => `Teksten nevner også ${m[1]}`],
  [/^the text does not name the benefit \((\w+)\)$/, (m) => `Teksten nevner ikke ytelsen (${m[1]})`],
  [/^below the confidence threshold ([\d.]+)$/, (m) => `Under sikkerhetsgrensen (${pct(m[1]!)})`],
  [/^no form number and no legible text to classify$/, () => 'Uten skjemanummer og uten lesbar tekst å klassifisere'],
  [/^tema from vendor metadata$/, () => 'Tema fra skanningsleverandørens metadata'],
  [/^person from the cover sheet$/, () => 'Bruker fra førstesiden'],
  [/^person id next to its label( \(OCR slip repaired by checksum\))?$/, (m) => `Fødselsnummer ved ledeteksten${m[1] ? ' (lesefeil rettet med kontrollsiffer)' : ''}`],
  [/^person id found without label$/, () => 'Fødselsnummer funnet uten ledetekst'],
  [/^person id from vendor metadata$/, () => 'Fødselsnummer fra skanningsleverandørens metadata'],
  [/^only other people's ids found \(child, partner\)$/, () => 'Bare andre personers fødselsnummer funnet (barn, ektefelle)'],
  [/^no valid person id$/, () => 'Fant ikke gyldig fødselsnummer'],
  [/^id in the text differs from the cover sheet$/, () => 'Fødselsnummeret i teksten er et annet enn på førstesiden'],
  [/^vendor brukerId disagrees with the text$/, () => 'Leverandørens bruker-id stemmer ikke med teksten'],
  [/^person id not in the person register$/, () => 'Fødselsnummeret finnes ikke i folkeregisteret'],
  [/^seeded$/, () => 'Lagt inn for test'],
  // Why a document waits for a person.
  [/^unreadable: mean OCR confidence (\d+)$/, (m) => `Uleselig: gjennomsnittlig lesesikkerhet ${m[1]} av 100`],
  [/^unreadable$/, () => 'Uleselig'],
  [/^only separator sheets in the file$/, () => 'Filen har bare skilleark'],
  [/^TIFF has no pages$/, () => 'TIFF-filen har ingen sider'],
  [/^PDF has no pages$/, () => 'PDF-filen har ingen sider'],
  [/^not a readable PDF\b/, () => 'PDF-filen kan ikke leses'],
  [/^cannot read the file's pages\b/, () => 'Sidene i filen kan ikke leses'],
  [/^(.+) is not a document type$/, () => 'Filtypen er ikke et dokument'],
  [/^no NAV office for the person's municipality$/, () => 'Fant ikke NAV-kontor for brukerens kommune'],
  [/^no administrative unit for tema (\w+)$/, (m) => `Fant ingen forvaltningsenhet for tema ${m[1]}`],
  [/^no hjelpemiddelsentral for the person's county$/, () => 'Fant ingen hjelpemiddelsentral for brukerens fylke'],
  [/^no unit of type ([\w-]+)$/, (m) => `Fant ingen enhet av typen ${m[1]}`],
  [/^ingen enhet$/, () => 'reglene fant ingen enhet'],
  // Set aside by ingest.
  [/^unsafe path in zip$/, () => 'Utrygg filsti i zip-filen'],
  [/^not part of a PDF \+ XML pair$/, () => 'Hører ikke til et par av PDF og XML'],
  [/^PDF without its XML \(skanningmetadata\)$/, () => 'PDF uten sin XML (skanningmetadata)'],
  [/^XML without its PDF$/, () => 'XML uten sin PDF'],
  [/^file named \.pdf is not a PDF$/, () => 'Filen heter .pdf, men er ikke en PDF'],
  [/^not a PDF, TIFF, PNG or JPEG file$/, () => 'Ikke en PDF-, TIFF-, PNG- eller JPEG-fil'],
  [/^not a PDF, TIFF, PNG, JPEG or batch zip$/, () => 'Ikke PDF, TIFF, PNG, JPEG eller en zip-bunke'],
  [/^skanningmetadata XML outside a batch zip has no PDF to pair with$/, () => 'Skanningmetadata (XML) utenfor en zip-bunke har ingen PDF å høre sammen med'],
];

/** Words that only English has: a reason with one of them, and no pattern above, is not shown as it is. */
const ENGLISH = /\b(the|of|is|are|not|with|without|from|has|have|found|missing|invalid|unknown|page|pages|should|must|cannot|does|than|which|been)\b/i;

/** One reason of the machine's, in Norwegian. */
export function reasonNb(reason: string): string {
  const r = reason.trim();
  for (const [re, nb] of REASONS) {
    const m = r.match(re);
    if (m) return nb(m);
  }
  // Several reasons in one ("a; b"), as routing notes are joined.
  if (r.includes('; ')) return r.split('; ').map(reasonNb).join('; ');
  // Reasons written in Norwegian (the vendor formats' own, "sendt tilbake fra 4450: feil enhet") are shown as they are.
  return ENGLISH.test(r) ? 'Annen årsak (se historikken)' : r;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A rule in words: its id and the first part of its description ("bruker ikke identifisert"). */
export function ruleNb(ruleId: string, policies: Array<Pick<Policy, 'rules'>>): string {
  const rule = policies.flatMap((p) => p.rules).find((x) => x.id === ruleId);
  const what = rule ? lowerFirst(rule.description.split(':')[0]!.trim()) : null;
  return what ? `Regel «${ruleId}»: ${what}` : `Regel «${ruleId}»`;
}

/** Why a document waits in a manual queue, in Norwegian (routing rules named with what they mean). */
export function manualReasonNb(reason: string | null, policies: Array<Pick<Policy, 'rules'>>): string | null {
  if (!reason) return null;
  const routed = reason.match(/^(?:routing rule|rule|regel) ([a-z0-9-]+)(?::\s*(.+))?$/);
  if (routed) return `${ruleNb(routed[1]!, policies)}${routed[2] ? ` (${reasonNb(routed[2])})` : ''}`;
  return reasonNb(reason);
}
