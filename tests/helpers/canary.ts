/**
 * The access canary: seeds documents of a person with strictly confidential address (kode 6), a
 * person with confidential address (kode 7) and a NAV employee (skjermet), each carrying unique
 * markers, then calls every route the app serves — every operation in the OpenAPI document and the
 * queue dashboard's own API — as every role and unit, with and without the ids of the protected
 * documents, and reports each place a marker reaches someone not entitled to it.
 *
 * Nothing here knows the app's routes: operations come from /docs/json and the app's route table,
 * parameters and bodies are generated from their schemas, so a route added tomorrow is covered.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { allRoutes } from '../../api/server.ts';
import type { Tokens } from '../../api/auth/tokens.ts';
import { ROLE_REFUSED } from '../../api/auth/plugin.ts';
import type { Context } from '../../app/context.ts';
import { makeLoepenummer } from '../../pipeline/foersteside/loepenummer.ts';
import { orderCoverSheet } from '../../services/foersteside.service.ts';
import { onAttached, sendLetters } from '../../services/letters.service.ts';
import { addCorrection } from '../../storage/repositories/corrections.repository.ts';
import { addDeviation } from '../../storage/repositories/deviations.repository.ts';
import { upsertUser, type Role } from '../../storage/repositories/users.repository.ts';
import type { RegisterPerson } from '../../storage/seed/person-register.ts';
import { syntheticId } from '../../storage/seed/synthetic-ids.ts';
import { BAERUM_PERSON, OSLO_PERSON, pagePng, seedDocument } from '../e2e/harness.ts';

export type Level = 'strengt-fortrolig' | 'fortrolig' | 'skjermet';

/** Who may see a marker: content (text, full person id, name, address) or metadata (ids, file, form). */
export type MarkerCategory = 'content' | 'meta';

export interface Marker {
  name: string;
  value: string;
  category: MarkerCategory;
  /** How the marker is found in a response (ids with boundaries, so JP5 is not found in JP50). */
  re: RegExp;
}

export interface ProtectedDoc {
  key: string;
  level: Level;
  docId: string;
  caseId: string;
  personId: string;
  /** The unit that handles it (delivered there, or its protected manual queue). */
  unit: string;
  markers: Marker[];
}

export interface CanaryUser {
  id: string | null; // null: no token at all
  role: Role | 'anonymous';
  units: string[];
}

/** A set of ids to put into every id-like parameter of one request. */
export interface Target {
  key: string;
  doc: ProtectedDoc | null;
  docId: string;
  caseId: string;
  personId: string;
  batchId: string;
  loepenummer: string;
  unit: string;
  deviationId: number;
  original: Buffer;
}

export interface CanaryWorld {
  users: CanaryUser[];
  protectedDocs: ProtectedDoc[];
  targets: Target[];
  /** Ids that exist nowhere: a kode-6 target must look exactly like this to anyone not entitled. */
  missing: Target;
  /** The same with ids never used before (each comparison gets its own). */
  freshMissing: () => Target;
  /** Markers of kode 6 that are not one document's: the special unit and the kode-6 rule. */
  kode6Markers: Marker[];
  specialUnit: string;
  /** The cover sheets printed for the protected persons: who ordered each and for which unit. */
  sheets: Array<{ loepenummer: string; personId: string; level: Level; createdBy: string; unit: string }>;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const idRe = (s: string) => new RegExp(`(?<![A-Za-z0-9])${esc(s)}(?![0-9])`);
const textRe = (s: string) => new RegExp(esc(s));

const SPECIAL_UNIT = '2103';

async function insertPerson(ctx: Context, p: RegisterPerson): Promise<void> {
  // As the register adapters store a person (PDL's gradering beside our address protection).
  const gradering = p.addressProtection === 'strengt-fortrolig' ? 'STRENGT_FORTROLIG' : p.addressProtection === 'fortrolig' ? 'FORTROLIG' : 'UGRADERT';
  await ctx.db.query(
    `INSERT INTO persons (id, name, municipality, district, address_protection, gradering, skjermet, abroad, address)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [p.id, p.name, p.municipality, p.district, p.addressProtection, gradering, p.skjermet, p.abroad, p.address],
  );
}

/**
 * Seeds the world: protected persons and their documents in every state a route can show
 * (delivered, in a manual queue, in a batch with others, with a cover sheet, deviations,
 * corrections, queued jobs), and neutral documents beside them.
 */
export async function seedCanaryWorld(ctx: Context): Promise<CanaryWorld> {
  const tag = randomBytes(3).toString('hex');
  const person = (key: string, birth: string, name: string, address: string, extra: Partial<RegisterPerson>): RegisterPerson => ({
    id: syntheticId(new Date(`${birth}T00:00:00Z`), 350 + Number.parseInt(tag.slice(0, 2), 16)),
    name, municipality: '0301', district: '030105', addressProtection: 'none', skjermet: false, abroad: false, address, ...extra,
  });
  const k6 = person('k6', '1944-03-13', `Kanari Seksfjell ${tag}`, `Hemmeligveien ${tag} 66`, { addressProtection: 'strengt-fortrolig' });
  const k7 = person('k7', '1945-07-17', `Kanari Syvdal ${tag}`, `Skjultgata ${tag} 77`, { addressProtection: 'fortrolig' });
  const sk = person('sk', '1946-11-21', `Kanari Egenansatt ${tag}`, `Ansattveien ${tag} 88`, { skjermet: true });
  for (const p of [k6, k7, sk]) await insertPerson(ctx, p);
  await upsertUser(ctx.db, { id: 'sb4883', name: 'Erle Egne Ansatte', role: 'caseworker', source: 'dev', active: true, units: ['4883'] });

  const seedProtected = async (key: string, level: Level, p: RegisterPerson, form: string, opts: { manual?: string; batchId?: string; caseId?: string } = {}) => {
    const file = `kanari-${key}-${tag}.png`;
    const text = `KANARITEKST-${key}-${tag}`;
    const d = await seedDocument(ctx, {
      person: p, tema: 'DAG', kind: 'claim', formNumber: form, title: 'Søknad om dagpenger', fileName: file, batchId: opts.batchId,
      pages: [['Søknad om dagpenger', `Fødselsnummer: ${p.id}`, `Navn: ${p.name}`, `Adresse: ${p.address}`, text]],
      manual: opts.manual, manualWithPerson: Boolean(opts.manual), contentHash: true,
    });
    const caseId = d.caseId ?? opts.caseId!;
    const unit = d.units[0] ?? SPECIAL_UNIT;
    const markers: Marker[] = [
      { name: 'text', value: text, category: 'content', re: textRe(text) },
      { name: 'person id', value: p.id, category: 'content', re: idRe(p.id) },
      { name: 'person name', value: p.name, category: 'content', re: textRe(p.name) },
      { name: 'address', value: p.address, category: 'content', re: textRe(p.address) },
      { name: 'document id', value: d.id, category: 'meta', re: idRe(d.id) },
      { name: 'case id', value: caseId, category: 'meta', re: idRe(caseId) },
      { name: 'file name', value: file, category: 'meta', re: textRe(file) },
      { name: 'form', value: form, category: 'meta', re: textRe(form) },
    ];
    return { doc: { key, level, docId: d.id, caseId, personId: p.id, unit, markers } as ProtectedDoc, batchId: d.batchId, original: d.original };
  };

  const k6a = await seedProtected('k6-levert', 'strengt-fortrolig', k6, 'NAV 04-06.10');
  const k6b = await seedProtected('k6-manuell', 'strengt-fortrolig', k6, 'NAV 04-06.10', { manual: 'unreadable: mean OCR confidence 12', batchId: k6a.batchId, caseId: k6a.doc.caseId });
  const neutralInK6Batch = await seedDocument(ctx, { person: OSLO_PERSON, tema: 'DAG', kind: 'claim', batchId: k6a.batchId });
  const k7d = await seedProtected('k7', 'fortrolig', k7, 'NAV 04-03.07');
  const skd = await seedProtected('skjermet', 'skjermet', sk, 'NAV 04-06.08');
  const n1 = await seedDocument(ctx, { person: BAERUM_PERSON, tema: 'DAG', kind: 'claim', title: 'Nøytral søknad' });
  const nm = await seedDocument(ctx, { person: null, tema: 'UKJ', kind: 'other', manual: 'unreadable: mean OCR confidence 20', pages: [['Nøytralt brev side 1'], ['Nøytralt brev side 2']] });

  // Cover sheets printed for each person (kode 6's by a caseworker elsewhere, as at a NAV office).
  const sheet = async (p: RegisterPerson, unit: string, by: string) => (await orderCoverSheet(ctx, { tema: 'DAG', personId: p.id, unit, attachments: ['Arbeidsavtale'] }, by)).sheet.loepenummer;
  const lnr6 = await sheet(k6, SPECIAL_UNIT, 'sb4450');
  const lnr7 = await sheet(k7, '4450', 'sb4450');
  const lnrS = await sheet(sk, '4883', 'sb4883');
  const lnrN = await sheet(OSLO_PERSON, '4450', 'ops');
  k6a.doc.markers.push({ name: 'cover sheet', value: lnr6, category: 'meta', re: idRe(lnr6) });
  k6b.doc.markers.push({ name: 'cover sheet', value: lnr6, category: 'meta', re: idRe(lnr6) });

  // Letters about a missing attachment (kode 6's first: the letter id a route is probed with is 1), each
  // with its own ettersendelse cover sheet bound to the document's case.
  for (const [d, lnr] of [[k6a, lnr6], [k7d, lnr7], [skd, lnrS]] as const) {
    await onAttached(ctx.db, { documentId: d.doc.docId, caseId: d.doc.caseId, personId: d.doc.personId, coverSheet: lnr, missing: ['Arbeidsavtale'] });
    const followUp = (await ctx.db.query('SELECT follow_up_sheet FROM letters WHERE document_id = $1', [d.doc.docId])).rows[0].follow_up_sheet as string;
    d.doc.markers.push({ name: 'letter cover sheet', value: followUp, category: 'meta', re: idRe(followUp) });
  }
  await sendLetters(ctx);

  // Deviations, corrections and queued jobs that name them. Deviation ids start high so that a
  // normalised answer ("avvik 700001") cannot be confused with a page number.
  await ctx.db.query(`SELECT setval('deviations_id_seq', 700000)`);
  // Access-log rows likewise: the sweep writes thousands, and a row id of 2103 read as the special unit's number.
  await ctx.db.query(`SELECT setval('access_log_id_seq', 800000)`);
  const deviation = async (doc: ProtectedDoc | { docId: string; caseId: string | null }, kind: 'misrouted' | 'stuck' | 'missing-attachment', unit: string, rule: string | null) => {
    await addDeviation(ctx.db, { kind, documentId: doc.docId, caseId: doc.caseId, unitId: unit, policyId: rule ? 'ekspertgruppe-2010' : null, ruleId: rule, reason: 'feil tema', reportedBy: 'sb4450' });
    const { rows } = await ctx.db.query('SELECT max(id)::int AS id FROM deviations');
    return rows[0].id as number;
  };
  const dev6 = await deviation(k6a.doc, 'misrouted', SPECIAL_UNIT, 'strengt-fortrolig-adresse');
  const dev6b = await deviation(k6b.doc, 'stuck', '9999', null);
  const dev7 = await deviation(k7d.doc, 'misrouted', '4450', 'dagpenger');
  const devS = await deviation(skd.doc, 'missing-attachment', '4883', 'skjermet-egne-ansatte');
  const devN = await deviation({ docId: n1.id, caseId: n1.caseId }, 'misrouted', '4450', 'dagpenger');
  for (const d of [k6a.doc, k6b.doc, k7d.doc, skd.doc]) {
    await addCorrection(ctx.db, { documentId: d.docId, field: 'personId', machineValue: null, correctedValue: d.personId, correctedBy: 'ops' });
  }
  for (const d of [k6a.doc, k6b.doc, k7d.doc, skd.doc, { docId: n1.id }]) {
    await ctx.queues.enqueue('archive', { documentId: d.docId });
    await ctx.queues.byStage.ocr.add('ocr', { documentId: d.docId, pageNo: 1 }, { jobId: `ocr-${d.docId}-p1`, delay: 3_600_000 });
  }

  const users: CanaryUser[] = [
    { id: null, role: 'anonymous', units: [] },
    { id: 'ops', role: 'operator', units: [] },
    { id: 'status', role: 'status-reader', units: [] },
    { id: 'admin', role: 'admin', units: [] },
    { id: 'sb4450', role: 'caseworker', units: ['4450'] },
    { id: 'sb0219', role: 'caseworker', units: ['0219'] },
    { id: 'sb4883', role: 'caseworker', units: ['4883'] },
    // Last: the only one entitled to kode 6; its writes move the kode-6 documents.
    { id: 'sb2103', role: 'caseworker', units: [SPECIAL_UNIT] },
  ];
  const target = (key: string, doc: ProtectedDoc | null, t: Omit<Target, 'key' | 'doc'>): Target => ({ key, doc, ...t });
  const targets = [
    target('kode 6 levert', k6a.doc, { docId: k6a.doc.docId, caseId: k6a.doc.caseId, personId: k6.id, batchId: k6a.batchId, loepenummer: lnr6, unit: SPECIAL_UNIT, deviationId: dev6, original: k6a.original }),
    target('kode 6 manuell', k6b.doc, { docId: k6b.doc.docId, caseId: k6b.doc.caseId, personId: k6.id, batchId: k6a.batchId, loepenummer: lnr6, unit: SPECIAL_UNIT, deviationId: dev6b, original: k6b.original }),
    target('kode 7', k7d.doc, { docId: k7d.doc.docId, caseId: k7d.doc.caseId, personId: k7.id, batchId: k7d.batchId, loepenummer: lnr7, unit: k7d.doc.unit, deviationId: dev7, original: k7d.original }),
    target('skjermet', skd.doc, { docId: skd.doc.docId, caseId: skd.doc.caseId, personId: sk.id, batchId: skd.batchId, loepenummer: lnrS, unit: skd.doc.unit, deviationId: devS, original: skd.original }),
    target('nøytral levert', null, { docId: n1.id, caseId: n1.caseId!, personId: BAERUM_PERSON.id, batchId: n1.batchId, loepenummer: lnrN, unit: '4450', deviationId: devN, original: n1.original }),
    target('nøytral manuell', null, { docId: nm.id, caseId: neutralInK6Batch.caseId!, personId: OSLO_PERSON.id, batchId: nm.batchId, loepenummer: lnrN, unit: '4450', deviationId: devN, original: nm.original }),
  ];
  const missing = target('finnes ikke', null, {
    docId: 'JP999999', caseId: 'SAK999999', personId: syntheticId(new Date('1947-05-05T00:00:00Z'), 444), batchId: k6a.batchId,
    loepenummer: makeLoepenummer(new Date('2020-01-02T00:00:00Z'), 4242), unit: '1201', deviationId: 999_999,
    original: await pagePng([`Finnes ikke ${tag}`]),
  });
  // Each comparison gets ids nobody has ever used (the sweep's own look-ups would otherwise give them a history).
  let fresh = 0;
  const freshMissing = (): Target => {
    fresh++;
    const d = new Date(Date.UTC(1930 + (fresh % 60), fresh % 12, 1 + (fresh % 28)));
    return {
      ...missing, docId: `JP${900_000_000 + fresh}`, caseId: `SAK${900_000_000 + fresh}`, personId: syntheticId(d, 200 + (fresh % 250)),
      loepenummer: makeLoepenummer(new Date('2020-01-02T00:00:00Z'), 1 + (fresh % 99_000)), deviationId: 900_000_000 + fresh,
    };
  };
  const kode6Markers: Marker[] = [
    { name: 'the special unit', value: SPECIAL_UNIT, category: 'meta', re: new RegExp(`\\b${SPECIAL_UNIT}\\b`) },
    { name: 'the special unit\'s name', value: 'Vikafossen', category: 'meta', re: /Vikafossen/i },
    { name: 'the kode-6 rule', value: 'strengt-fortrolig-adresse', category: 'meta', re: /strengt-fortrolig-adresse/ },
  ];
  const sheets = [
    { loepenummer: lnr6, personId: k6.id, level: 'strengt-fortrolig' as const, createdBy: 'sb4450', unit: SPECIAL_UNIT },
    { loepenummer: lnr7, personId: k7.id, level: 'fortrolig' as const, createdBy: 'sb4450', unit: '4450' },
    { loepenummer: lnrS, personId: sk.id, level: 'skjermet' as const, createdBy: 'sb4883', unit: '4883' },
  ];
  return { users, protectedDocs: [k6a.doc, k6b.doc, k7d.doc, skd.doc], targets, missing, freshMissing, kode6Markers, specialUnit: SPECIAL_UNIT, sheets };
}

/** Where a protected document is now: what decides who may see it. */
export interface DocState {
  status: string;
  /** Units it is delivered to and not returned from. */
  activeUnits: string[];
  /** Every unit it was ever delivered to (a unit that sent it back still follows up its deviation). */
  everUnits: string[];
}

/** The ground truth, read from the database (not from the code under test). */
export async function docStates(ctx: Context, docs: ProtectedDoc[]): Promise<Map<string, DocState>> {
  const { rows } = await ctx.db.query(
    `SELECT d.id, d.status,
       coalesce(array_agg(dl.unit_id) FILTER (WHERE dl.unit_id IS NOT NULL AND dl.returned_at IS NULL), '{}') AS active,
       coalesce(array_agg(dl.unit_id) FILTER (WHERE dl.unit_id IS NOT NULL), '{}') AS ever
     FROM documents d LEFT JOIN deliveries dl ON dl.document_id = d.id WHERE d.id = ANY($1) GROUP BY d.id, d.status`,
    [docs.map((d) => d.docId)],
  );
  return new Map(rows.map((r) => [r.id, { status: r.status, activeUnits: r.active, everUnits: r.ever }]));
}

/**
 * The entitlement model the canary checks against. Kode 6: only NAV Vikafossen's caseworkers, for
 * everything. Kode 7 and skjermet: the content (text, full person id, name, address) only to the
 * caseworkers of the units that hold it now, and to the mail room while it is there; metadata
 * (ids, file, form) also to the mail room, status readers and administrators, and to a unit that
 * had it before (it follows up what it sent back).
 */
export function entitled(user: CanaryUser, doc: Pick<ProtectedDoc, 'level'>, category: MarkerCategory, state: DocState | undefined): boolean {
  const caseworkerOf = (units: string[]) => user.role === 'caseworker' && user.units.some((u) => units.includes(u));
  if (doc.level === 'strengt-fortrolig') return caseworkerOf([SPECIAL_UNIT]);
  const inMailRoom = state ? state.status === 'processing' || state.status === 'manual' : false;
  if (category === 'content') return caseworkerOf(state?.activeUnits ?? []) || (user.role === 'operator' && inMailRoom);
  return caseworkerOf(state?.everUnits ?? []) || user.role === 'operator' || user.role === 'status-reader' || user.role === 'admin';
}

/**
 * A cover sheet is the person's, not the document's: whoever ordered it and the unit it names may
 * read it in full, the mail room its metadata; a kode-6 person's only NAV Vikafossen.
 */
export function sheetEntitled(user: CanaryUser, sheet: CanaryWorld['sheets'][number], category: MarkerCategory): boolean {
  const caseworkerOf = (unit: string) => user.role === 'caseworker' && user.units.includes(unit);
  if (sheet.level === 'strengt-fortrolig') return caseworkerOf(SPECIAL_UNIT);
  return user.id === sheet.createdBy || caseworkerOf(sheet.unit) || (category === 'meta' && user.role === 'operator');
}

/** Places where a kode-6 marker is configuration rather than a document's data, each with why. */
export interface Allowance {
  op: string; // "GET /api/admin/users"
  user?: string;
  marker: string; // a marker name of kode6Markers
  why: string;
}

// ---------------------------------------------------------------------------------------------
// Operations

interface Param {
  in: 'path' | 'query';
  name: string;
  required: boolean;
  schema: JsonSchema;
}

interface JsonSchema {
  type?: string | string[];
  pattern?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
  nullable?: boolean;
  anyOf?: JsonSchema[];
  default?: unknown;
  format?: string;
}

export interface Operation {
  method: string;
  /** Path with {param}s. */
  path: string;
  params: Param[];
  body: { contentType: string; schema: JsonSchema | null } | null;
  source: 'openapi' | 'dashboard';
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Every operation in the OpenAPI document, and every route of the queue dashboard. */
export async function collectOperations(app: FastifyInstance): Promise<Operation[]> {
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; required?: boolean; schema: JsonSchema }>; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query').map((p) => ({ in: p.in as 'path' | 'query', name: p.name, required: Boolean(p.required), schema: p.schema }));
      const content = op.requestBody?.content ?? {};
      const type = Object.keys(content)[0];
      ops.push({ method: method.toUpperCase(), path, params, body: type ? { contentType: type, schema: content[type]!.schema ?? null } : null, source: 'openapi' });
    }
  }
  // The queue dashboard is not in the OpenAPI document; its routes come from the app's route table.
  for (const r of allRoutes(app)) {
    if (!r.url.startsWith('/admin/')) continue;
    if (r.url.includes('/static/') || r.url.endsWith('*')) continue; // the dashboard's own script files: the same bytes for everyone
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const params: Param[] = [...r.url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ in: 'path', name: m[1]!, required: true, schema: { type: 'string' } }));
    ops.push({ method: r.method, path, params, body: STATE_CHANGING.has(r.method) ? { contentType: 'application/json', schema: null } : null, source: 'dashboard' });
  }
  return ops;
}

// ---------------------------------------------------------------------------------------------
// Requests

type IdKind = 'docId' | 'caseId' | 'personId' | 'batchId' | 'loepenummer' | 'unit' | 'deviationId';

const STAGES_FOR_DASHBOARD = ['archive', 'ocr'];

interface CanaryRequest {
  method: string;
  url: string;
  body?: Buffer | string;
  headers: Record<string, string>;
  /** What the request itself carried (a marker the user sent is not a leak when it comes back). */
  sent: string;
  /** Same request with the target's ids as the placeholder <…>: to compare with the missing target. */
  shape: string;
}

function matchesPattern(schema: JsonSchema, value: string): boolean {
  if (!schema.pattern) return true;
  try {
    return new RegExp(schema.pattern).test(value);
  } catch {
    return false;
  }
}

function kindValue(t: Target, kind: IdKind): string {
  return kind === 'deviationId' ? String(t.deviationId) : t[kind];
}

/** Which kinds of id a parameter can take: by its pattern when it has one, else by its name. */
function kindsFor(name: string, schema: JsonSchema, t: Target): IdKind[] {
  const all: IdKind[] = ['docId', 'caseId', 'personId', 'batchId', 'loepenummer', 'unit'];
  const type = [schema.type].flat()[0];
  if (type === 'integer' || type === 'number') return name === 'id' ? ['deviationId'] : [];
  if (schema.enum) return [];
  if (schema.pattern) {
    const fits = all.filter((k) => matchesPattern(schema, kindValue(t, k)));
    // A pattern so loose that everything fits (a user id, a file name) is not an id of ours.
    return fits.length === all.length ? [] : fits;
  }
  if (/^(id|query|subject)$/i.test(name)) return ['docId', 'caseId', 'personId', 'batchId'];
  if (/unit/i.test(name)) return ['unit'];
  if (/person/i.test(name)) return ['personId'];
  if (/document|otherId/i.test(name)) return ['docId'];
  if (/batch/i.test(name)) return ['batchId'];
  if (/case|sak/i.test(name)) return ['caseId'];
  return [];
}

const GENERIC = ['kanari-bruker', 'DAG', 'Kanari test', 'ekspertgruppe-2010.json'];

/** A value for a field no id goes into: the first generic value that fits, else something of the right type. */
function plainValue(name: string, schema: JsonSchema): unknown {
  if (schema.enum) return schema.enum[0];
  const type = [schema.type].flat().find((x) => x !== 'null') ?? (schema.anyOf ? undefined : 'string');
  if (schema.anyOf) return plainValue(name, schema.anyOf.find((s) => s.type !== 'null') ?? {});
  if (schema.nullable && schema.default === null) return null;
  switch (type) {
    case 'integer':
    case 'number': return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean': return false;
    case 'array': return schema.minItems ? [plainValue(name, schema.items ?? {})] : [];
    case 'object': return {};
    default: {
      if (/purpose/i.test(name)) return 'kanarifugl';
      const fit = GENERIC.find((g) => matchesPattern(schema, g) && g.length >= (schema.minLength ?? 0));
      return fit ?? 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    }
  }
}

/** A request body from its schema: ids from the target, the rest generic. */
function bodyFor(schema: JsonSchema | null, t: Target, unitOverride?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(schema?.properties ?? {})) {
    const kinds = kindsFor(name, s, t);
    if (kinds.length) {
      const k = kinds[0]!;
      out[name] = k === 'unit' && unitOverride ? unitOverride : k === 'deviationId' ? t.deviationId : kindValue(t, k);
    } else if ((schema?.required ?? []).includes(name) || s.enum || [s.type].flat().includes('boolean')) {
      out[name] = plainValue(name, s);
    } else if (/purpose|comment|note/i.test(name)) {
      out[name] = plainValue(name, s);
    }
  }
  return out;
}

function multipart(t: Target): { body: Buffer; type: string } {
  const boundary = `----kanari${randomBytes(4).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="kanari-opplasting.png"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    t.original, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/** The requests for one operation and target: one per kind of id a free-form id parameter can take. */
function requestsFor(op: Operation, t: Target, user: CanaryUser, auth: Record<string, string>): CanaryRequest[] {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  // Free-form ids (the status look-up's "JP…, SAK…, B… or fødselsnummer") get one request per kind.
  const freeForm = pathParams.find((p) => kindsFor(p.name, p.schema, t).length > 1);
  const freeKinds = freeForm ? kindsFor(freeForm.name, freeForm.schema, t) : [null];
  // A unit parameter takes the target's unit and, for a caseworker, also their own.
  const units = [t.unit, ...(user.units[0] && user.units[0] !== t.unit ? [user.units[0]] : [])];
  const hasUnit = op.params.some((p) => kindsFor(p.name, p.schema, t)[0] === 'unit');
  const out: CanaryRequest[] = [];
  for (const free of freeKinds) {
    for (const unit of hasUnit ? units : [t.unit]) {
      const value = (p: Param): string => {
        if (op.source === 'dashboard') {
          if (p.name === 'queueName') return 'archive';
          if (p.name === 'jobId') return `archive-${t.docId}`;
          return 'x';
        }
        const kinds = kindsFor(p.name, p.schema, t);
        const k = p === freeForm ? free! : kinds[0];
        if (k === 'unit') return unit;
        if (k) return kindValue(t, k);
        return String(plainValue(p.name, p.schema));
      };
      let url = op.path;
      for (const p of pathParams) url = url.replace(`{${p.name}}`, encodeURIComponent(value(p)));
      const query = new URLSearchParams();
      for (const p of queryParams) {
        const kinds = kindsFor(p.name, p.schema, t);
        if (kinds.length || p.required || /purpose/i.test(p.name)) query.set(p.name, value(p));
      }
      if (op.source === 'dashboard' && op.path === '/admin/queues/api/queues') {
        for (const [k, v] of Object.entries({ activeQueue: 'archive', status: 'latest', page: '1', jobsPerPage: '50' })) query.set(k, v);
      }
      const qs = query.toString();
      const headers: Record<string, string> = { ...auth };
      let body: Buffer | string | undefined;
      if (op.body) {
        if (op.body.contentType.startsWith('multipart/')) {
          const m = multipart(t);
          body = m.body;
          headers['content-type'] = m.type;
        } else if (op.body.contentType === 'application/octet-stream' || op.body.schema?.format === 'binary') {
          body = t.original;
          headers['content-type'] = 'application/octet-stream';
        } else {
          body = JSON.stringify(bodyFor(op.body.schema, t, hasUnit ? unit : undefined));
          headers['content-type'] = 'application/json';
        }
      }
      const full = `${url}${qs ? `?${qs}` : ''}`;
      const sent = `${full}\n${typeof body === 'string' ? body : ''}`;
      out.push({ method: op.method, url: full, body, headers, sent, shape: normalise(sent, t) });
    }
  }
  return out;
}

/** The target's ids (and anything volatile) replaced by placeholders, so two answers can be compared. */
function normalise(text: string, t: Target): string {
  let s = text;
  const ids: Array<[string, string]> = [
    [t.docId, '<JP>'], [t.caseId, '<SAK>'], [t.personId, '<FNR>'], [t.loepenummer, '<LNR>'], [String(t.deviationId), '<AVVIK>'],
  ];
  for (const [v, p] of ids) s = s.replace(new RegExp(idRe(v).source, 'g'), p);
  s = s.replace(new RegExp(`\\b${t.unit}\\b`, 'g'), '<ENHET>');
  return s
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<TID>')
    .replace(/\b\d{14}\b/g, '<LNR>')
    .replace(/"(id|batchId|documentId|newDocumentId)":"?[A-Z]*\d+"?/g, '"$1":<NY>')
    .replace(/boundary=[^\s";]+/g, 'boundary=<B>');
}

// ---------------------------------------------------------------------------------------------
// The sweep

export interface Leak {
  op: string;
  url: string;
  user: string;
  status: number;
  what: string;
}

export interface SweepResult {
  operations: number;
  users: number;
  targets: number;
  requests: number;
  /** Comparisons of a kode-6 target against the missing one (for users not entitled). */
  comparisons: number;
  leaks: Leak[];
  /** Operations (method and path) covered, for the report. */
  covered: string[];
  /** Milliseconds per operation. */
  ms: Record<string, number>;
  /** Operation x user pairs the role check refused whatever the ids (checked with one protected target). */
  refusedByRole: number;
}

export interface SweepOptions {
  /** Only these operations (the test build's open route). */
  only?: (op: Operation) => boolean;
  /** Which methods this pass calls: reads, or state-changing calls. */
  phase: 'read' | 'write';
  allow: Allowance[];
  /** Where a kode-6 id may be told from one that does not exist (with why). */
  distinguishable?: Array<{ op: string; why: string }>;
}

const describeUser = (u: CanaryUser) => u.id ?? 'uten innlogging';

function responseText(res: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }): { text: string; binary: boolean } {
  const type = String(res.headers['content-type'] ?? '');
  const binary = !(type.includes('json') || type.startsWith('text/') || type.includes('html') || res.rawPayload.length === 0);
  const headers = Object.entries(res.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
  return { text: `${headers}\n${res.rawPayload.toString(binary ? 'latin1' : 'utf8')}`, binary };
}

/**
 * Calls every operation as every user with every target and checks each answer: no marker of a
 * protected document reaches a user not entitled to it (bodies, headers, errors); no binary
 * content of one reaches them; and for kode 6 the answer is the same as for an id that does not
 * exist (so neither a count nor an error tells that the document exists).
 */
export async function sweep(app: FastifyInstance, ctx: Context, tokens: Tokens, world: CanaryWorld, ops: Operation[], opts: SweepOptions): Promise<SweepResult> {
  const selected = ops.filter((op) => (opts.only ? opts.only(op) : true)).filter((op) => (opts.phase === 'write') === STATE_CHANGING.has(op.method));
  const auth = new Map<string | null, Record<string, string>>();
  for (const u of world.users) auth.set(u.id, u.id ? { authorization: `Bearer ${(await tokens.signDev(u.id)).token}` } : {});
  const result: SweepResult = { operations: selected.length, users: world.users.length, targets: world.targets.length + 1, requests: 0, comparisons: 0, leaks: [], covered: [], ms: {}, refusedByRole: 0 };
  const allowed = (op: string, user: CanaryUser, marker: string) => opts.allow.some((a) => a.op === op && a.marker === marker && (!a.user || a.user === user.id));

  let states = await docStates(ctx, world.protectedDocs);
  const write = opts.phase === 'write';
  for (const op of selected) {
    const opName = `${op.method} ${op.path}`;
    result.covered.push(opName);
    const t0 = Date.now();
    const asUser = async (user: CanaryUser) => {
      const send = async (req: CanaryRequest) => {
        result.requests++;
        return app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, payload: req.body });
      };
      // The missing target first: its answers are what a kode-6 target must look like.
      const missing = world.freshMissing();
      const baseline = new Map<string, { status: number; body: string }>();
      for (const req of requestsFor(op, missing, user, auth.get(user.id)!)) {
        const res = await send(req);
        baseline.set(req.shape, { status: res.statusCode, body: normalise(res.body, missing) });
      }
      // Refused by the role check (or no session), which runs before anything of the request is read: the
      // answer cannot depend on the ids, so one protected target shows it (and is compared as the others would be).
      const byRole = [...baseline.values()].every((b) => b.status === 401 || (b.status === 403 && (b.body.includes(ROLE_REFUSED) || b.body.includes('bare for administratorer'))));
      if (byRole) result.refusedByRole++;
      // A request that carries no id of the target is the same for every target: sent once.
      const seen = new Set<string>();
      for (const t of byRole ? world.targets.slice(0, 1) : world.targets) {
        for (const req of requestsFor(op, t, user, auth.get(user.id)!)) {
          if (seen.has(req.sent)) continue;
          seen.add(req.sent);
          const before = states;
          const res = await send(req);
          // A write may move a document: whoever was entitled before or after may see the answer.
          if (write) states = await docStates(ctx, world.protectedDocs);
          // Asked by a cover sheet's number, the answer is the sheet's: its own entitlement holds for its person.
          const sheet = world.sheets.find((x) => req.sent.includes(x.loepenummer));
          const may = (doc: ProtectedDoc, category: MarkerCategory) => entitled(user, doc, category, before.get(doc.docId)) || entitled(user, doc, category, states.get(doc.docId))
            || (sheet !== undefined && sheet.personId === doc.personId && sheetEntitled(user, sheet, category));
          const { text, binary } = responseText(res);
          const leak = (what: string) => result.leaks.push({ op: opName, url: req.url, user: describeUser(user), status: res.statusCode, what });
          for (const doc of world.protectedDocs) {
            for (const m of doc.markers) {
              if (m.re.test(text) && !m.re.test(req.sent) && !may(doc, m.category)) leak(`${doc.key}: ${m.name} (${m.value})`);
            }
          }
          const kode6 = world.protectedDocs.find((d) => d.level === 'strengt-fortrolig')!;
          for (const m of world.kode6Markers) {
            if (m.re.test(text) && !m.re.test(req.sent) && !may(kode6, 'meta') && !allowed(opName, user, m.name)) leak(`kode 6: ${m.name}`);
          }
          // A list's total must count what it shows: hidden documents counted in are a count leak.
          if (res.statusCode === 200 && !binary && res.body.startsWith('{"items":')) {
            const list = JSON.parse(res.body) as { items: unknown[]; page: number; pageSize: number; total: number };
            if (list.page === 1 && list.items.length < list.pageSize && list.total !== list.items.length) leak(`a list counts ${list.total} but shows ${list.items.length}`);
          }
          const contentMay = sheet ? sheetEntitled(user, sheet, 'content') : t.doc ? may(t.doc, 'content') : true;
          if (t.doc && binary && res.statusCode < 300 && !contentMay) leak(`${t.doc.key}: file content (${res.headers['content-type']})`);
          // Only a request that carried the target's ids can tell one target from another.
          if (t.doc?.level === 'strengt-fortrolig' && !may(t.doc, 'meta') && /<(JP|SAK|FNR|LNR|AVVIK|ENHET)>/.test(req.shape)) {
            const base = baseline.get(req.shape);
            if (base && !(opts.distinguishable ?? []).some((d) => d.op === opName)) {
              result.comparisons++;
              const mine = { status: res.statusCode, body: normalise(res.body, t) };
              if (mine.status !== base.status || mine.body !== base.body) {
                leak(`${t.doc.key}: answers differently from an id that does not exist (${mine.status} ${binary ? 'binary' : mine.body.slice(0, 160)} / ${base.status} ${base.body.slice(0, 160)})`);
              }
            }
          }
        }
      }
    };
    // Reads do not change what the next one sees: every user at once. Writes one after another, the entitled user last.
    if (write) for (const user of world.users) await asUser(user);
    else await Promise.all(world.users.map(asUser));
    result.ms[opName] = Date.now() - t0;
  }
  return result;
}
