import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { ROOT } from '../../schemas/config.ts';
import { Postbokser, type PostKind, type SkanningMetadata } from '../../schemas/vendor-metadata.ts';

/** NAV's XSD for each kind of post, copied unchanged into schemas/xsd (see SOURCE.md there). */
export const XSD_FILE: Record<PostKind, string> = {
  ovrig: 'postboks-ovrig-3.0.0.xsd',
  helse: 'postboks-helse-1.0.0.xsd',
  referansenummer: 'postboks-referansenummer-3.0.0.xsd',
};

const xsdCache = new Map<PostKind, string>();
function xsd(kind: PostKind): string {
  let s = xsdCache.get(kind);
  if (!s) {
    s = readFileSync(path.join(ROOT, 'schemas', 'xsd', XSD_FILE[kind]), 'utf8');
    xsdCache.set(kind, s);
  }
  return s;
}

let postbokser: Postbokser | undefined;
export function loadPostbokser(): Postbokser {
  postbokser ??= Postbokser.parse(JSON.parse(readFileSync(path.join(ROOT, 'data', 'postbokser.json'), 'utf8')));
  return postbokser;
}

/**
 * The kind of post from the batch (zip) name, as the vendor names them: `OVRIG-…`/`OVRIG.…`,
 * `BHELSE-…`, and `dd.MM.yyyy_R<nr>_…` for reference-number post. Null when the name says nothing.
 */
export function postKindFromBatchName(name: string): PostKind | null {
  const base = path.posix.basename(name.replace(/\\/g, '/'));
  if (/^OVRIG[-.]/i.test(base)) return 'ovrig';
  if (/^BHELSE[-.]/i.test(base)) return 'helse';
  if (/^\d{2}\.\d{2}\.\d{4}_R\d+/i.test(base)) return 'referansenummer';
  return null;
}

/** The kind of post from the XML itself: what sits under the root tells the three schemas apart. */
export function postKindFromXml(xml: Buffer): PostKind {
  const text = xml.subarray(0, 64 * 1024).toString('utf8');
  if (/<(\w+:)?referansenummer[\s>/]/.test(text)) return 'referansenummer';
  if (/<(\w+:)?skanninginfo[\s>/]/.test(text) || /<(\w+:)?brukerid[\s>/]/.test(text)) return 'helse';
  return 'ovrig';
}

/** Largest XML we read: the vendor's are under 1 KiB. */
export const MAX_XML_BYTES = 64 * 1024;
/** Longest value of any field; names get a little more. Beyond it the pair is refused, never the batch. */
const MAX_FIELD = 200;
const MAX_NAME = 255;
// C0 controls (but tab and newlines) and bidirectional overrides, which can disguise a file name.
const HOSTILE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

const shown = (v: string, max = 40) => (v.length > max ? `${v.slice(0, max)}… (${v.length} tegn)` : v);
const ID_FIELDS = new Set(['brukerId', 'brukerid', 'referansenummer']);

/** libxml2's message in words for the mail room; ids are masked, long values cut. */
export function explainXsdError(message: string): string {
  const m = message.trim().replace(/^Schemas validity error : /, '');
  const value = (field: string, v: string) => (ID_FIELDS.has(field) ? `${v.slice(0, 4)}…` : shown(v));
  let r: RegExpMatchArray | null;
  if ((r = m.match(/^Element '([^']+)': \[facet 'enumeration'\] The value '(.*)' is not an element of the set \{(.*)\}\.?$/s))) {
    return `${r[1]} har verdien «${value(r[1]!, r[2]!)}», som ikke er blant de tillatte verdiene (${r[3]!.replace(/'/g, '')})`;
  }
  if ((r = m.match(/^Element '([^']+)': \[facet 'pattern'\] The value '(.*)' is not accepted by the pattern '(.*)'\.?$/s))) {
    return `${r[1]} har verdien «${value(r[1]!, r[2]!)}», som ikke har riktig form (mønster ${r[3]})`;
  }
  if ((r = m.match(/^Element '([^']+)': \[facet 'maxLength'\] The value '(.*)' has a length of '(\d+)'; this exceeds the allowed maximum length of '(\d+)'/s))) {
    return `${r[1]} er ${r[3]} tegn lang, høyst ${r[4]} er tillatt`;
  }
  if ((r = m.match(/^Element '([^']+)': '(.*)' is not a valid value of the atomic type 'xs:date'/s))) {
    return `${r[1]} er «${shown(r[2]!)}», som ikke er en gyldig dato (ÅÅÅÅ-MM-DD)`;
  }
  if ((r = m.match(/^Element '([^']+)': The (?:actual )?value '(.*)' does not match the fixed value constraint '(.*)'/s))) {
    return `${r[1]} må være «${r[3]}», ikke «${shown(r[2]!)}»`;
  }
  if ((r = m.match(/^Element '([^']+)': Missing child element\(s\)\. Expected is (?:one of )?\( ?(.*?) ?\)/s))) {
    return `${r[1]} mangler påkrevd felt: ${r[2]!.replace(/\s*,\s*/g, ', ')}`;
  }
  if ((r = m.match(/^Element '([^']+)': This element is not expected\.(?: Expected is (?:one of )?\( ?(.*?) ?\))?/s))) {
    return r[2] ? `${r[1]} er ikke tillatt der det står (forventet: ${r[2]!.replace(/\s*,\s*/g, ', ')})` : `${r[1]} er ikke tillatt der det står`;
  }
  if ((r = m.match(/^Element '([^']+)': No matching global declaration available for the validation root/s))) {
    return `rotelementet ${r[1]} er ikke skanningmetadata`;
  }
  if (/parser error|Document is empty|Start tag expected|Premature end/i.test(m)) return `XML-en er ikke velformet: ${shown(m.replace(/^.*?parser error : /, ''), 160)}`;
  return shown(m, 200);
}

export interface ValidationFailure {
  reason: string;
}

/**
 * Validates several XML documents against one kind's XSD with libxml2 (one WebAssembly run for
 * all of them). Returns, per input index, null when valid or the reasons in words. A run that
 * fails as a whole (e.g. one document exhausts the validator's memory) is retried one by one,
 * so one hostile file never costs the others.
 */
export async function validateAgainstXsd(kind: PostKind, xmls: Buffer[]): Promise<Array<string[] | null>> {
  if (xmls.length === 0) return [];
  const names = xmls.map((_, i) => `pair-${String(i + 1).padStart(5, '0')}.xml`);
  const run = async (idx: number[]) => {
    const r = await validateXML({
      xml: idx.map((i) => ({ fileName: names[i]!, contents: new Uint8Array(xmls[i]!.buffer, xmls[i]!.byteOffset, xmls[i]!.byteLength) })),
      schema: { fileName: XSD_FILE[kind], contents: xsd(kind) },
    });
    const out = new Map<number, string[]>();
    for (const e of r.errors) {
      if (!e.loc) continue; // continuation lines (the source line and a caret) of the error before
      const i = names.indexOf(e.loc.fileName);
      if (i < 0) continue;
      const list = out.get(i) ?? [];
      const text = `linje ${e.loc.lineNumber}: ${explainXsdError(e.message)}`;
      if (!list.includes(text)) list.push(text);
      out.set(i, list);
    }
    // xmllint names each file that failed validation even when the error had no line.
    for (const line of r.rawOutput.split('\n')) {
      const f = line.match(/^(pair-\d{5}\.xml) fails to validate/);
      if (f) {
        const i = names.indexOf(f[1]!);
        if (i >= 0 && !out.has(i)) out.set(i, ['dokumentet følger ikke skjemaet']);
      }
    }
    if (r.valid === false && out.size === 0) throw new Error('validator reported failure without naming a file');
    return out;
  };
  const all = xmls.map((_, i) => i);
  let found: Map<number, string[]>;
  try {
    found = await run(all);
  } catch {
    found = new Map();
    for (const i of all) {
      try {
        for (const [k, v] of await run([i])) found.set(k, v);
      } catch (err) {
        found.set(i, [`XML-en kunne ikke kontrolleres: ${shown((err as Error).message, 120)}`]);
      }
    }
  }
  return all.map((i) => found.get(i) ?? null);
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, removeNSPrefix: true, processEntities: false });

type Node = Record<string, unknown>;
const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
  return s.trim() === '' ? undefined : s.trim();
};

/** Refuses values a valid XSD string still allows but nobody should send: huge or hiding characters. */
function checkFields(fields: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const [name, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const max = name === 'filnavn' || name === 'batchnavn' ? MAX_NAME : MAX_FIELD;
    if (v.length > max) problems.push(`${name} er ${v.length} tegn lang, høyst ${max} er tillatt`);
    else if (HOSTILE.test(v)) problems.push(`${name} inneholder kontrolltegn eller retningstegn`);
  }
  return problems;
}

/**
 * The normalised metadata of an XML the XSD accepted, or the reasons it is still refused
 * (over-long or hostile values). Sick-leave post gets tema and brevkode from its post box.
 */
export function readValidMetadata(kind: PostKind, xml: Buffer): { metadata: SkanningMetadata } | { problems: string[] } {
  const doc = parser.parse(xml.toString('utf8').replace(/^\uFEFF/, '')) as Node;
  const root = (doc.skanningmetadata ?? {}) as Node;
  const jp = (root.journalpost ?? {}) as Node;
  const info = ((kind === 'helse' ? root.skanninginfo : root.skanningInfo) ?? {}) as Node;
  const bruker = (jp.bruker ?? undefined) as Node | undefined;
  const brukerId = text(bruker?.[kind === 'helse' ? 'brukerid' : 'brukerId']);
  const brukertype = text(bruker?.brukertype);
  const fields = {
    brukerId, brukertype,
    tema: text(jp.tema), brevKode: text(jp.brevKode), journalforendeEnhet: text(jp.journalforendeEnhet),
    referansenummer: text(jp.referansenummer), mottakskanal: text(jp.mottakskanal), datoMottatt: text(jp.datoMottatt),
    batchnavn: text(jp.batchnavn), filnavn: text(jp.filnavn), endorsernr: text(jp.endorsernr),
    antallSider: text(jp.antallSider), land: text(jp.land),
    fysiskPostboks: text(info.fysiskPostboks), strekkodePostboks: text(info.strekkodePostboks),
  };
  const problems = checkFields(fields);
  if (problems.length) return { problems };
  const journalpost: SkanningMetadata['journalpost'] = {
    mottakskanal: fields.mottakskanal!, datoMottatt: fields.datoMottatt!, batchnavn: fields.batchnavn!,
  };
  if (brukerId && brukertype) journalpost.bruker = { brukerId, brukertype };
  for (const k of ['tema', 'brevKode', 'journalforendeEnhet', 'referansenummer', 'filnavn', 'endorsernr', 'antallSider', 'land'] as const) {
    if (fields[k] !== undefined) journalpost[k] = fields[k];
  }
  const metadata: SkanningMetadata = {
    kind,
    journalpost,
    skanningInfo: { strekkodePostboks: fields.strekkodePostboks!, ...(fields.fysiskPostboks ? { fysiskPostboks: fields.fysiskPostboks } : {}) },
  };
  if (kind === 'ovrig') {
    // NAV: "Om tema er ukjent skal verdien UKJ settes" (postboks-ovrig-3.0.0.xsd).
    metadata.resolved = { tema: journalpost.tema ?? 'UKJ', brevKode: journalpost.brevKode, brukerId: journalpost.bruker?.brukertype === 'PERSON' ? brukerId : undefined };
  } else if (kind === 'helse') {
    const box = loadPostbokser().helse.find((p) => p.strekkodePostboks === metadata.skanningInfo.strekkodePostboks);
    if (!box) return { problems: [`strekkodePostboks ${metadata.skanningInfo.strekkodePostboks} er ingen kjent postboks for sykmeldinger`] };
    metadata.resolved = { tema: box.tema, brevKode: box.brevKode, tittel: box.tittel, brukerId };
  }
  // referansenummer: resolved by the cover-sheet look-up at ingest (services/ingest.service.ts).
  return { metadata };
}

/** The vendor's `.ocr` sidecar as plain text (it may be XML or plain text), cut to `max` characters. */
export function vendorOcrText(data: Buffer, max = 100_000): string {
  const s = data.toString('utf8').replace(/^\uFEFF/, '');
  const plain = s.replace(/<\?xml[^>]*\?>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return plain.replace(/[ \t\r]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim().slice(0, max);
}
