/**
 * The pipeline in one place: each stage is a BullMQ queue with a handler in workers/jobs/
 * calling pure code in the folder of the same name under pipeline/. Handlers return an
 * Outcome; the one runner (services/lifecycle.service.ts) applies it and starts what NEXT says.
 *
 *   ingest ─▶ split ─▶ ocr (one job per page, full text; pages 1-2 first) ─┬▶ identify ─▶ attach ─▶ route ─┐
 *                                                                         └──────────────────────────────────┴▶ archive
 *
 * A long file is split in parts: split counts its pages and hands them to `page` jobs (one per
 * range of SPLIT_PAGES_PER_JOB pages, each storing its pages' images); when the last range is
 * made, split runs again and makes the documents from the stored pages (split ─▶ page … ─▶ split).
 *
 * Routing needs only the form number, title and fødselsnummer, which sit on the first page or
 * two: their full-text jobs go first in the ocr queue (ocrPriority), and once they are read their
 * text starts identify when it names enough (the routing fast path: `enough`). The header stage
 * decides the same from text that needs no OCR (born-digital pages, pages read already); it reads
 * nothing itself, so every page is read once. Otherwise identify starts once every page is read.
 * The archive variant needs every page's text, so archive waits for both OCR and routing (a join).
 *
 * A stage that finds a functional problem (unreadable file, no person) returns "needs a
 * person": the document waits in a manual queue and nothing after it starts.
 */
export const STAGES = ['split', 'page', 'header', 'ocr', 'identify', 'attach', 'route', 'archive'] as const;
export type Stage = (typeof STAGES)[number];

export interface DocumentJob {
  documentId: string;
}
export interface PageJob extends DocumentJob {
  pageNo: number;
}

/** Payload per stage: ids only, never file contents or personal data. */
export interface JobData {
  split: DocumentJob;
  /** `pageNo`: the first page of the range. */
  page: PageJob;
  header: DocumentJob;
  ocr: PageJob;
  identify: DocumentJob;
  attach: DocumentJob;
  route: DocumentJob;
  archive: DocumentJob;
}

/**
 * One successor of a stage.
 * - `per`: one step for the document, one per page (the OCR fan-out after split), or one per
 *   range of pages still to be made (the page images of a long file);
 * - `when`: started only if the finished stage says so (`enough`: the first pages named person and
 *   form; `in-parts`: a long file's split handed its pages to page jobs), once every page has its
 *   text (`all-pages-read`) or once every page of a split in parts is made (`all-pages-made`);
 * - `join`: started only when these stages are done too (archive waits for OCR and routing).
 */
export interface Successor {
  stage: Stage;
  per: 'document' | 'page' | 'range';
  when?: 'enough' | 'all-pages-read' | 'in-parts' | 'all-pages-made';
  join?: readonly Stage[];
}

/** The one table of what comes after what. Nothing else decides a successor. */
export const NEXT: { readonly [S in Stage]: readonly Successor[] } = {
  // A file split on cover sheets fans out: these steps start for every document the split made.
  split: [
    // A long file: its page images are made by page jobs first (split ends "in parts", unstamped).
    { stage: 'page', per: 'range', when: 'in-parts' },
    { stage: 'header', per: 'document' },
    { stage: 'ocr', per: 'page' },
  ],
  // The last range made: split again, now from the stored pages.
  page: [{ stage: 'split', per: 'document', when: 'all-pages-made' }],
  header: [{ stage: 'identify', per: 'document', when: 'enough' }],
  ocr: [
    // Pages 1-2 read in full and naming person and form (the routing fast path).
    { stage: 'identify', per: 'document', when: 'enough' },
    { stage: 'identify', per: 'document', when: 'all-pages-read' },
    { stage: 'archive', per: 'document', when: 'all-pages-read', join: ['route'] },
  ],
  identify: [{ stage: 'attach', per: 'document' }],
  attach: [{ stage: 'route', per: 'document' }],
  route: [{ stage: 'archive', per: 'document', join: ['ocr'] }],
  archive: [],
};

/** What the runner knows of a document when a stage ends (read under the document's row lock). */
export interface DocumentFacts {
  status: 'processing' | 'manual' | 'delivered' | 'archived';
  /** Stages whose stamp is set; `ocr` means every page is read. */
  done: ReadonlySet<Stage>;
  /** Page numbers, and those not read yet. */
  pages: readonly number[];
  unread: readonly number[];
  /** A split in parts: the first page of every range whose page images are not made yet. */
  unmade: readonly number[];
  merged: boolean;
}

/** One step of a document's life: the unit the outbox (pipeline_steps) and the queue carry. */
export interface Step {
  documentId: string;
  stage: Stage;
  /** 0 for the whole document. */
  pageNo: number;
}

/** What the finished stage said: `enough` (the first pages route the document), `inParts` (split handed its pages to page jobs). */
export interface Said {
  enough?: boolean;
  inParts?: boolean;
}

/**
 * The steps that start after `stage` ended as done (or, for split, in parts). Pure: the runner reads the facts, this
 * decides. A stage already done never starts again (that is what makes repeats harmless); a
 * document stopped for a person (manual, not routed) starts nothing until a person routes it.
 */
export function successors(stage: Stage, documentId: string, facts: DocumentFacts, said: Said = {}): Step[] {
  if (facts.merged || (facts.status === 'manual' && !facts.done.has('route'))) return [];
  const out: Step[] = [];
  for (const s of NEXT[stage]) {
    // A split in parts starts only its page jobs; a finished one never starts them.
    if ((s.when === 'in-parts') !== Boolean(said.inParts)) continue;
    if (s.when === 'enough' && !said.enough) continue;
    if (s.when === 'all-pages-read' && facts.unread.length > 0) continue;
    if (s.when === 'all-pages-made' && facts.unmade.length > 0) continue;
    if (s.join && !s.join.every((j) => facts.done.has(j))) continue;
    if (s.per === 'page') {
      for (const p of facts.unread) out.push({ documentId, stage: s.stage, pageNo: p });
    } else if (s.per === 'range') {
      for (const p of facts.unmade) out.push({ documentId, stage: s.stage, pageNo: p });
    } else if (!facts.done.has(s.stage) && !out.some((o) => o.stage === s.stage && o.pageNo === 0)) {
      // (ocr names identify twice: for the fast path and for the last page; one step either way)
      out.push({ documentId, stage: s.stage, pageNo: 0 });
    }
  }
  return out;
}

/**
 * The `stage` column: where a document is — the stage it waits for while moving, `done` when
 * archived. (A document stopped for a person keeps the stage it stopped at; the runner does not
 * call this for it.)
 */
export function waitingFor(facts: DocumentFacts, said: Said = {}): string {
  const d = facts.done;
  if (d.has('archive')) return 'done';
  if (d.has('route')) return 'archive';
  if (d.has('attach')) return 'route';
  if (d.has('identify')) return 'attach';
  if (d.has('ocr') || said.enough) return 'identify';
  if (d.has('split')) return 'ocr';
  return facts.unmade.length > 0 ? 'page' : 'split';
}

/** The BullMQ job id of a step: deterministic, so queueing it twice is one job. A stage asked for again is a new run. */
export function jobIdOf(step: Step, run = 1): string {
  return `${step.stage}-${step.documentId}${step.pageNo ? `-p${step.pageNo}` : ''}${run > 1 ? `-r${run}` : ''}`;
}

/** The job payload of a step: ids only (the page, or the first page of a range, for per-page stages). */
export function jobDataOf(step: Step): JobData[Stage] {
  return step.pageNo ? { documentId: step.documentId, pageNo: step.pageNo } : { documentId: step.documentId };
}

/** Full-text pages that decide the routing fast path (pages 1-2): read before any other page. */
export const FIRST_PAGES = 2;

/**
 * Queue priority of a page's full-text job: none (first) for the first pages, whose reading
 * routes the document; later pages behind every waiting first page (BullMQ: jobs without a
 * priority go before prioritised ones).
 */
export function ocrPriority(pageNo: number): number | undefined {
  return pageNo <= FIRST_PAGES ? undefined : 1;
}
