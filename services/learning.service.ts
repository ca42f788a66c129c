/**
 * Learning from the mail room's corrections (issue 13): the retraining job, the model in force,
 * promotion, roll-back, and the measured error per field and tema. The learning itself is pure
 * (pipeline/learning/); this file reads the labelled documents, stores models and decides.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../schemas/config.ts';
import { DOCUMENT_KINDS, type DocumentKind } from '../schemas/reference.ts';
import type { CorpusRow } from '../pipeline/identify/classifier/corpus.ts';
import { ContentClassifier, contentClassifier, type ModelFile } from '../pipeline/identify/classifier/model.ts';
import { possibleIds } from '../pipeline/identify/person-id.ts';
import { vendorHints, vendorPageTexts } from '../pipeline/ingest/vendor-ocr.ts';
import { foldOf, HELD_OUT_EVERY, isHeldOut, observations, replay, score, verdict, type ClassifyDeps, type LabelledDoc, type Replayed, type Score } from '../pipeline/learning/score.ts';
import { buildThresholds, FIELDS, keepingEvidence, thresholdFor, type Field, type Observation, type ThresholdTable } from '../pipeline/learning/thresholds.ts';
import { trainModel } from '../pipeline/learning/train.ts';
import type { SkanningMetadata } from '../schemas/vendor-metadata.ts';
import { inTransaction } from '../storage/db/pool.ts';
import { getCoverSheet } from '../storage/repositories/foersteside.repository.ts';
import {
  addModelActivation, decisionsPerModel, getModel, latestModelActivation, listLearningRows, listModelActivations, listModels, nextModelVersion, saveModel,
  type LearningRow, type ModelRow,
} from '../storage/repositories/learning.repository.ts';
import type { Queryable } from '../storage/repositories/queryable.ts';
import type { Context } from '../app/context.ts';
import { requireRole, type Actor } from './access.service.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { paged, type Page, type Paged } from './paging.ts';

type Ctx = Pick<Context, 'db' | 'store' | 'reference' | 'config'> & Partial<Pick<Context, 'persons' | 'log'>>;

/** The cached OCR texts of the independent set (benchmarks/learning-independent-texts.ts): held-out seed 1002. */
export const INDEPENDENT_TEXTS = path.join(ROOT, 'data', 'learning', 'independent-texts.jsonl');
const CORPUS = path.join(ROOT, 'data', 'classifier', 'corpus.jsonl');
/** Words seen in fewer training rows than this are not learnt (a name that slipped the mask cannot stay). */
export const MIN_DOC_FREQ = 3;
const LOCK = 4_713_013;

export interface ActiveModel {
  /** 0: the shipped model (data/classifier/model.json), no learnt thresholds. */
  version: number;
  classifier: ContentClassifier;
  thresholds: ThresholdTable | null;
}

const loaded = new Map<number, ActiveModel>();

/** The model in force: the newest activation (stored in the database, so every process picks it up), else the shipped one. */
export async function activeModel(ctx: Pick<Context, 'db' | 'store'>, q: Queryable = ctx.db): Promise<ActiveModel> {
  const a = await latestModelActivation(q);
  return modelVersion(ctx, q, a?.version ?? 0);
}

async function modelVersion(ctx: Pick<Context, 'store'>, q: Queryable, version: number): Promise<ActiveModel> {
  if (version === 0) return { version: 0, classifier: contentClassifier(), thresholds: null };
  const cached = loaded.get(version);
  if (cached) return cached;
  const row = await getModel(q, version);
  if (!row) throw new Error(`classifier model version ${version} is missing`);
  const file = JSON.parse((await ctx.store.get(row.objectKey)).toString('utf8')) as ModelFile;
  const m = { version, classifier: new ContentClassifier(file), thresholds: row.thresholds as ThresholdTable };
  loaded.set(version, m);
  return m;
}

export function modelKey(version: number): string {
  return `models/classifier/v${version}.json`;
}

const KINDS = new Set<string>(DOCUMENT_KINDS);

/** Labelled documents from the database, read as the identify stage read them (protected persons' documents are not there). */
export async function learningSet(ctx: Ctx, q: Queryable = ctx.db): Promise<Array<LabelledDoc & { row: LearningRow; trainable: boolean }>> {
  const rows = await listLearningRows(q);
  const ids = [...new Set(rows.flatMap((r) => possibleIds(r.pageTexts.join('\n'))))];
  const known = ctx.persons ? new Set((await ctx.persons.lookup(ids)).keys()) : undefined;
  const out: Array<LabelledDoc & { row: LearningRow; trainable: boolean }> = [];
  for (const r of rows) {
    const meta = r.vendorMetadata as SkanningMetadata | null;
    const { texts } = vendorPageTexts(r.pageTexts, meta);
    const sheet = r.coverSheet ? await getCoverSheet(q, r.coverSheet) : null;
    // Sent back as misrouted and never corrected: wrong, but nobody said what is right. Not learnt from.
    const unknown = r.returned && !r.resolved;
    out.push({
      id: r.id, row: r, pageTexts: texts, vendor: vendorHints(meta), knownPersons: known,
      coverSheet: r.coverSheet ? { loepenummer: r.coverSheet, page: (r.coverSheetPage ?? 1) - 1, meta: sheet ? { tema: sheet.tema, formNumber: sheet.formNumber, followUp: sheet.followUp, personId: sheet.personId, attachments: sheet.attachments, title: sheet.title } : null } : null,
      truth: { tema: unknown ? '?' : r.tema, kind: (KINDS.has(r.kind) ? r.kind : 'other') as DocumentKind, personId: unknown ? '?' : r.personId, formNumber: r.formNumber },
      names: r.personWords,
      trainable: !unknown,
    });
  }
  return out;
}

/** The independent set's cached texts, as labelled documents. */
export function independentSet(file = INDEPENDENT_TEXTS): LabelledDoc[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const r = JSON.parse(l) as { file: string; tema: string; kind: DocumentKind; formNumber: string | null; text: string };
    return { id: r.file, pageTexts: r.text.split('\f'), truth: { tema: r.tema, kind: r.kind, personId: null, formNumber: r.formNumber } };
  });
}

export function generatedCorpus(): CorpusRow[] {
  return readFileSync(CORPUS, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Text the content classifier would read: a document without form number or cover sheet. */
export function isLetter(d: LabelledDoc): boolean {
  return !d.truth.formNumber && !d.coverSheet?.meta;
}

export interface RoundInput {
  corpus: readonly CorpusRow[];
  /** Labelled documents: the held-out slice is taken by isHeldOut(id). */
  labelled: ReadonlyArray<LabelledDoc & { trainable?: boolean }>;
  independent: readonly LabelledDoc[];
  active: { classifier: ContentClassifier | null; thresholds: ThresholdTable | null };
  ceiling: number;
  forms: Context['reference']['forms'];
  temaCodes: Set<string>;
  /** Readings that do not depend on the model, kept between rounds (see replay). */
  cache?: Map<string, Replayed>;
  /** Thresholds from cross-fitted readings of every letter (default); false: from the held-out slice only. */
  crossFit?: boolean;
}

export interface RoundResult {
  model: ModelFile;
  thresholds: ThresholdTable;
  /** unseen: every labelled document the model in force never learnt from, each model's reading out of its training. */
  candidate: { heldOut: Score; independent: Score; unseen: Score };
  active: { heldOut: Score; independent: Score; unseen: Score };
  promote: boolean;
  reason: string;
  /** When the candidate is refused: the model in force with thresholds learnt afresh, if they do no worse. */
  refresh: { thresholds: ThresholdTable; heldOut: Score; reason: string } | null;
  trainedOn: { corpus: number; corrections: number; heldOut: number; independent: number; activeUnseen: number; crossFitFolds?: number };
}

/**
 * Thresholds from the documents as `replayed` reads them, every reading made by a model that did not learn from that
 * document (see crossFitted): person, form and a tema from a form number or cover sheet do not depend on the model;
 * the tema the classifier decides is a stratum of its own (see buildThresholds). Pooled with the forms, the letters'
 * errors were diluted by the many forms read by their number, and the simulation measured 0.96 % wrong among the
 * documents let through; counting each held-out letter five times (for the four-fifths learnt from) made the evidence
 * look five times larger than it was, with the same result. `only`: the documents whose content reading counts.
 */
function learnThresholds(replayed: readonly Replayed[], ceiling: number, only?: ReadonlySet<string>): ThresholdTable {
  return buildThresholds(observationsOf(replayed, only), ceiling);
}

function observationsOf(replayed: readonly Replayed[], only?: ReadonlySet<string>): Observation[] {
  return replayed.flatMap((r) => observations([r]).filter((o) => !o.byContent || !only || only.has(r.doc.id)));
}

type Labelled = RoundInput['labelled'][number];

/** The classifier trained on the generated corpus and these labelled letters (masked); it records which they were. */
function trainOn(corpus: readonly CorpusRow[], letters: readonly Labelled[]): ModelFile {
  const rows = [
    ...corpus,
    ...letters.map((d) => ({ tema: d.truth.tema, kind: d.truth.kind, text: d.pageTexts.slice(0, 2).join('\n'), names: d.names, correction: true })),
  ];
  return trainModel(rows, {
    mask: true, minDocFreq: MIN_DOC_FREQ,
    trainedOn: { rows: rows.length, corpus: 'data/classifier/corpus.jsonl', corrections: letters.length, documents: letters.map((d) => d.id) },
  });
}

/**
 * The corrections a model learnt from: none for the shipped model (it knows only the generated corpus); null for a
 * retrained model stored before models recorded them (then only the held-out slice is surely out of its training).
 */
export function trainedDocuments(model: ModelFile | null | undefined): ReadonlySet<string> | null {
  if (!model) return new Set();
  if (model.trainedOn.documents) return new Set(model.trainedOn.documents);
  return model.trainedOn.corrections ? null : new Set();
}

/**
 * Cross-fitted readings (k-fold, k = HELD_OUT_EVERY): the held-out fold is read by the candidate, which did not learn
 * from it; every other fold f by a model trained exactly like the candidate (the corpus and the letters of the other
 * four folds: as many as the candidate learnt from) that did not learn from fold f. Every letter is then scored by a
 * model that never saw it, so all of them are evidence for the thresholds, not only the held-out fifth. The
 * thresholds hold for the candidate as far as the candidate is like its four siblings (same recipe, same amount of
 * data; the simulation measures the result on new documents before they are learnt from).
 */
function crossFitted(i: RoundInput, letters: readonly Labelled[], candidate: ContentClassifier, deps: ClassifyDeps, cache: Map<string, Replayed>, threshold: number): Replayed[] {
  const byFold = new Map<number, Labelled[]>();
  for (const d of i.labelled) {
    const f = foldOf(d.id);
    byFold.set(f, [...(byFold.get(f) ?? []), d]);
  }
  const out = new Map<string, Replayed>();
  for (const [f, docs] of byFold) {
    // Siblings route with the candidate's default threshold, so that what goes straight through is judged as for it.
    const reader = f === 0 ? candidate : new ContentClassifier({ ...trainOn(i.corpus, letters.filter((d) => foldOf(d.id) !== f)), threshold });
    for (const r of replay(docs, reader, deps, cache)) out.set(r.doc.id, r);
  }
  return i.labelled.map((d) => out.get(d.id)!);
}

/**
 * A retrained model's default threshold: classify's needsManual, which decides a letter's tema while the corrections
 * hold too little evidence for a learnt threshold (about 600 letters without an error). Its own, measured on the
 * generated corpus's held-out rows, moves from one retraining to the next (0.71-0.86 on a simulated stream): a
 * promoted model at 0.86 sent every letter naming one benefit (0.8) to a person, with no evidence against them. So a
 * new model inherits the threshold in force, and it is raised only as far as the out-of-training readings demand:
 * just above the most confident letter read wrongly at or above it.
 */
export function inheritedThreshold(inForce: number, own: number, readings: readonly Replayed[]): { threshold: number; basis: NonNullable<ModelFile['thresholdBasis']> } {
  const wrong = readings.filter((r) => r.usedModel && r.personId && r.tema !== 'UKJ' && r.tema !== r.doc.truth.tema && r.confidence >= inForce);
  const raisedAbove = wrong.length ? Math.max(...wrong.map((r) => r.confidence)) : null;
  const threshold = raisedAbove === null ? inForce : Math.min(0.99, Math.floor(raisedAbove * 100 + 1) / 100);
  return { threshold, basis: { own, inherited: inForce, raisedAbove } };
}

/**
 * One retraining round, pure: train on the corpus and the labelled documents outside the held-out slice (masked),
 * learn the thresholds from out-of-training readings (cross-fitted), score candidate and model in force on the
 * held-out slice (each with thresholds learnt without it) and the independent set, and say whether the candidate may
 * replace the model in force. When it may not, the model in force gets thresholds learnt afresh from every correction
 * it never learnt from (its record of what it was trained on), not only from the held-out slice.
 */
export function retrainRound(i: RoundInput): RoundResult {
  const held = i.labelled.filter((d) => isHeldOut(d.id));
  const heldIds = new Set(held.map((d) => d.id));
  const outsideHeld = (rs: readonly Replayed[]) => rs.filter((r) => !heldIds.has(r.doc.id));
  const letters = i.labelled.filter((d) => d.trainable !== false && isLetter(d));
  const train = letters.filter((d) => !heldIds.has(d.id));
  const model = trainOn(i.corpus, train);
  const deps = { forms: i.forms, temaCodes: i.temaCodes };
  const cache = i.cache ?? new Map<string, Replayed>();
  const crossFit = i.crossFit !== false;
  const own = model.threshold;
  const inForce = i.active.classifier?.threshold ?? own;
  model.threshold = inForce;
  const candidate = new ContentClassifier(model);
  // Every reading here is by a model that did not learn from the document read.
  const outOfTraining = (threshold: number) => (crossFit ? crossFitted(i, letters, candidate, deps, cache, threshold) : replay(held, candidate, deps, cache));
  let evidence = outOfTraining(inForce);
  const inherited = inheritedThreshold(inForce, own, evidence);
  model.thresholdBasis = inherited.basis;
  if (inherited.threshold !== inForce) {
    // Raised (rare): read again, so that what goes straight through is judged under the threshold the candidate will have.
    model.threshold = inherited.threshold;
    evidence = outOfTraining(inherited.threshold);
  }
  const mine = replay(i.labelled, candidate, deps, cache);
  const thresholds = crossFit ? learnThresholds(evidence, i.ceiling) : learnThresholds(mine, i.ceiling, heldIds);
  // For the verdict: thresholds that did not learn from the held-out slice they are judged on.
  const candidateJudged = crossFit ? learnThresholds(outsideHeld(evidence), i.ceiling) : thresholds;

  const trained = trainedDocuments(i.active.classifier?.model);
  // Corrections the model in force never learnt from: evidence for its thresholds, and where the two models are compared.
  const unseen = trained ? new Set(i.labelled.filter((d) => !trained.has(d.id)).map((d) => d.id)) : heldIds;
  const activeAll = replay(i.labelled, i.active.classifier, deps, cache);
  const activeHeld = activeAll.filter((r) => heldIds.has(r.doc.id));
  const activeJudged = trained ? learnThresholds(outsideHeld(activeAll), i.ceiling, unseen) : i.active.thresholds;
  // If the model in force stays: thresholds from every correction it never learnt from, keeping what it was promoted on.
  const kept = keepingEvidence(learnThresholds(activeAll, i.ceiling, unseen), i.active.thresholds, observationsOf(activeAll, unseen));
  // The two choices compared on the same documents: promote the candidate with its thresholds, or keep the model in force with those.
  const c = {
    heldOut: score(mine.filter((r) => heldIds.has(r.doc.id)), candidateJudged), independent: score(replay(i.independent, candidate, deps, cache), thresholds),
    unseen: score(evidence.filter((r) => unseen.has(r.doc.id)), thresholds),
  };
  const a = {
    heldOut: score(activeHeld, activeJudged), independent: score(replay(i.independent, i.active.classifier, deps, cache), i.active.thresholds),
    unseen: score(activeAll.filter((r) => unseen.has(r.doc.id)), kept),
  };
  const v = verdict(c, a);
  let refresh: RoundResult['refresh'] = null;
  if (!v.promote) {
    const fresh = kept;
    const judged = score(activeHeld, activeJudged);
    const inForce = score(activeHeld, i.active.thresholds);
    // The same model: only the thresholds change. Taken unless they let more wrong through on the held-out slice.
    const over = judged.automaticWrong > inForce.automaticWrong && judged.automaticWrong > i.ceiling * judged.automatic;
    if (!over) refresh = { thresholds: fresh, heldOut: score(activeHeld, fresh), reason: `Nye terskler for modellen i bruk (kandidaten ble avvist), lært av ${unseen.size} rettelser den ikke er trent på; ${judged.automatic} av ${judged.docs} holdt-ut dokumenter automatisk, ${judged.automaticWrong} feil` };
  }
  return {
    model, thresholds, candidate: c, active: a, promote: v.promote, reason: v.reason, refresh,
    trainedOn: {
      corpus: i.corpus.length, corrections: train.length, heldOut: held.length, independent: i.independent.length, activeUnseen: unseen.size,
      ...(crossFit ? { crossFitFolds: HELD_OUT_EVERY } : {}),
    },
  };
}

export interface RetrainSummary {
  version: number;
  outcome: 'promoted' | 'refused';
  reason: string;
  /** A version made of the model in force with thresholds learnt afresh (when the candidate was refused). */
  refreshedVersion: number | null;
  activeBefore: number;
  activeAfter: number;
  scores: { candidate: RoundResult['candidate']; active: RoundResult['active'] };
  trainedOn: RoundResult['trainedOn'];
}

/** The retraining job (scheduled, or an administrator's request): one run at a time. */
export async function retrain(ctx: Ctx, by: string, opts: { independent?: LabelledDoc[] } = {}): Promise<RetrainSummary> {
  return inTransaction(ctx.db, async (tx) => {
    const { rows } = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [LOCK]);
    if (!rows[0].ok) throw new ConflictError('En trening pågår allerede. Prøv igjen om litt.');
    const active = await activeModel(ctx, tx);
    const labelled = await learningSet(ctx, tx);
    const r = retrainRound({
      corpus: generatedCorpus(), labelled, independent: opts.independent ?? independentSet(), active, ceiling: ctx.config.LEARNING_ERROR_CEILING,
      forms: ctx.reference.forms, temaCodes: new Set(ctx.reference.tema.keys()),
    });
    const save = async (model: ModelFile, outcome: 'promoted' | 'refused', reason: string, thresholds: ThresholdTable, scores: Record<string, unknown>) => {
      const version = await nextModelVersion(tx);
      const objectKey = modelKey(version);
      await ctx.store.put(objectKey, Buffer.from(JSON.stringify(model)), 'application/json');
      await saveModel(tx, { version, objectKey, outcome, reason, scores, thresholds, trainedOn: r.trainedOn, createdBy: by });
      if (outcome === 'promoted') await addModelActivation(tx, version, by, 'tatt i bruk etter trening');
      return version;
    };
    const version = await save(r.model, r.promote ? 'promoted' : 'refused', r.reason, r.thresholds, { candidate: r.candidate, active: { ...r.active, version: active.version } });
    const refreshedVersion = r.refresh
      ? await save(active.classifier.model, 'promoted', r.refresh.reason, r.refresh.thresholds, { candidate: { heldOut: r.refresh.heldOut, independent: r.active.independent }, active: { ...r.active, version: active.version }, sameModelAs: active.version })
      : null;
    ctx.log?.info({ version, outcome: r.promote ? 'promoted' : 'refused', refreshedVersion, by, corrections: r.trainedOn.corrections, heldOut: r.trainedOn.heldOut }, 'classifier retrained');
    return {
      version, outcome: r.promote ? 'promoted' as const : 'refused' as const, reason: r.reason, refreshedVersion, activeBefore: active.version,
      activeAfter: r.promote ? version : refreshedVersion ?? active.version, scores: { candidate: r.candidate, active: r.active }, trainedOn: r.trainedOn,
    };
  });
}

/** An administrator asks for a retraining now. */
export async function retrainNow(ctx: Ctx, actor: Actor): Promise<RetrainSummary> {
  requireRole(actor, 'admin');
  return retrain(ctx, actor.user.id);
}

/** Back to an earlier model (0: the shipped one): one that was in force before, never one the job refused. */
export async function rollbackModel(ctx: Ctx, actor: Actor, version: number): Promise<ModelsView> {
  requireRole(actor, 'admin');
  if (version !== 0) {
    const row = await getModel(ctx.db, version);
    if (!row) throw new NotFoundError(`fant ikke modellversjon ${version}`);
    if (row.outcome !== 'promoted') throw new InvalidInputError(`modellversjon ${version} ble avvist ved treningen og kan ikke tas i bruk`);
  }
  const current = await latestModelActivation(ctx.db);
  if ((current?.version ?? 0) === version) throw new ConflictError(`modellversjon ${version} er allerede i bruk`);
  await addModelActivation(ctx.db, version, actor.user.id, `rullet tilbake fra versjon ${current?.version ?? 0}`);
  return modelsView(ctx, actor, { page: 1, pageSize: 20, sql: { limit: 20, offset: 0 } } as Page);
}

export interface ModelView {
  version: number;
  outcome: 'promoted' | 'refused';
  reason: string;
  createdBy: string;
  createdAt: string;
  active: boolean;
  decisions: number;
  trainedOn: Record<string, unknown>;
  heldOut: { docs: number; temaRight: number; automatic: number; automaticWrong: number };
  independent: { docs: number; temaRight: number };
  activeScores: { heldOut: { docs: number; temaRight: number }; independent: { docs: number; temaRight: number } } | null;
}

export interface ModelsView extends Paged<ModelView> {
  activeVersion: number;
  activations: Array<{ version: number; activatedBy: string; reason: string; activatedAt: string }>;
  shippedDecisions: number;
}

function viewOf(m: ModelRow, activeVersion: number, decisions: Map<number, number>): ModelView {
  const s = m.scores as { candidate: { heldOut: Score; independent: Score }; active?: { heldOut: Score; independent: Score } };
  return {
    version: m.version, outcome: m.outcome, reason: m.reason, createdBy: m.createdBy, createdAt: m.createdAt.toISOString(), active: m.version === activeVersion,
    decisions: decisions.get(m.version) ?? 0, trainedOn: m.trainedOn,
    heldOut: { docs: s.candidate.heldOut.docs, temaRight: s.candidate.heldOut.temaRight, automatic: s.candidate.heldOut.automatic, automaticWrong: s.candidate.heldOut.automaticWrong },
    independent: { docs: s.candidate.independent.docs, temaRight: s.candidate.independent.temaRight },
    activeScores: s.active ? { heldOut: { docs: s.active.heldOut.docs, temaRight: s.active.heldOut.temaRight }, independent: { docs: s.active.independent.docs, temaRight: s.active.independent.temaRight } } : null,
  };
}

export async function modelsView(ctx: Pick<Context, 'db'>, actor: Actor, page: Page): Promise<ModelsView> {
  requireRole(actor, 'admin');
  const activeVersion = (await latestModelActivation(ctx.db))?.version ?? 0;
  const { rows, total } = await listModels(ctx.db, page.sql.limit, page.sql.offset);
  const decisions = await decisionsPerModel(ctx.db);
  const activations = (await listModelActivations(ctx.db, 20)).map((a) => ({ ...a, activatedAt: a.activatedAt.toISOString() }));
  return { ...paged(rows.map((m) => viewOf(m, activeVersion, decisions)), total, page), activeVersion, activations, shippedDecisions: decisions.get(0) ?? 0 };
}

export interface ErrorRow {
  /** Documents routed by the pipeline (not protected), routed without a person, and of those, wrong. */
  documents: number;
  automatic: number;
  wrong: number;
}

export interface ThresholdOverview {
  ceiling: number;
  activeVersion: number;
  byField: Array<ErrorRow & { field: Field; threshold: number | null }>;
  byTema: Array<ErrorRow & { tema: string; thresholds: Record<Field, number | null> }>;
}

/**
 * What the overview shows (issue 13): per field and per tema, the share routed straight through
 * and the measured error among those (a person corrected the field afterwards, or a unit sent the
 * document back as misrouted). Strictly confidential and other protected documents are not counted.
 */
export async function thresholdOverview(ctx: Pick<Context, 'db' | 'store' | 'config'>): Promise<ThresholdOverview> {
  const active = await activeModel(ctx);
  const rows = await listLearningRows(ctx.db);
  const fieldKey: Record<Field, string> = { tema: 'tema', person: 'personId', form: 'formNumber' };
  const byField = new Map<Field, ErrorRow>(FIELDS.map((f) => [f, { documents: 0, automatic: 0, wrong: 0 }]));
  const byTema = new Map<string, ErrorRow>();
  for (const r of rows) {
    const machineTema = r.machine.tema ?? r.tema;
    const t = byTema.get(machineTema) ?? { documents: 0, automatic: 0, wrong: 0 };
    byTema.set(machineTema, t);
    t.documents++;
    const wrongField = (f: Field) => fieldKey[f] in r.machine || (r.returned && !r.resolved && f !== 'form');
    if (r.automatic) {
      t.automatic++;
      if (FIELDS.some(wrongField)) t.wrong++;
    }
    for (const f of FIELDS) {
      const machineValue = f === 'tema' ? machineTema : f === 'person' ? (fieldKey.person in r.machine ? r.machine.personId : r.personId) : (fieldKey.form in r.machine ? r.machine.formNumber : r.formNumber);
      if (!machineValue) continue;
      const e = byField.get(f)!;
      e.documents++;
      if (r.automatic) {
        e.automatic++;
        if (wrongField(f)) e.wrong++;
      }
    }
  }
  const th = active.thresholds;
  return {
    ceiling: ctx.config.LEARNING_ERROR_CEILING,
    activeVersion: active.version,
    byField: FIELDS.map((f) => ({ field: f, ...byField.get(f)!, threshold: th?.fields[f].pooled?.threshold ?? null })),
    byTema: [...byTema.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([tema, e]) => ({
      tema, ...e, thresholds: Object.fromEntries(FIELDS.map((f) => [f, th ? thresholdFor(th, f, tema) : null])) as Record<Field, number | null>,
    })),
  };
}
