import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cappedBackoff, FunctionalError, isOutage, TechnicalError } from '../../pipeline/outcome.ts';
import { jobIdOf, NEXT, STAGES, successors, waitingFor, type DocumentFacts, type Stage } from '../../pipeline/stages.ts';
import { ROOT } from '../../schemas/config.ts';

const facts = (done: Stage[], o: Partial<DocumentFacts> = {}): DocumentFacts => ({
  status: 'processing', done: new Set(done), pages: [1, 2, 3], unread: [], unmade: [], merged: false, ...o,
});
const names = (steps: Array<{ stage: string; pageNo: number }>) => steps.map((s) => (s.pageNo ? `${s.stage}/${s.pageNo}` : s.stage));

describe('the stage table (pipeline/stages.ts NEXT)', () => {
  it('names only real stages, and every stage has a predecessor (split: ingest, and the last page job of a split in parts)', () => {
    for (const s of STAGES) for (const n of NEXT[s]) {
      expect(STAGES).toContain(n.stage);
      for (const j of n.join ?? []) expect(STAGES).toContain(j);
    }
    const reached = new Set(STAGES.flatMap((s) => NEXT[s].map((n) => n.stage)));
    expect(STAGES.filter((s) => !reached.has(s))).toEqual([]);
    expect(NEXT.page.map((n) => n.stage)).toEqual(['split']);
  });

  it('a long file is split in parts: split opens one page job per range still to make, and nothing else', () => {
    const planned = facts([], { pages: [], unmade: [1, 26, 51] });
    expect(names(successors('split', 'JP1', planned, { inParts: true }))).toEqual(['page/1', 'page/26', 'page/51']);
    expect(waitingFor(planned, { inParts: true })).toBe('page');
    // A split that ends done never starts page jobs.
    expect(names(successors('split', 'JP1', facts(['split'], { unread: [1] })))).toEqual(['header', 'ocr/1']);
  });

  it('split runs again only when the last range is made, and never once it is done or the document stopped', () => {
    expect(successors('page', 'JP1', facts([], { pages: [], unmade: [26] }))).toEqual([]);
    expect(names(successors('page', 'JP1', facts([], { pages: [], unmade: [] })))).toEqual(['split']);
    expect(successors('page', 'JP1', facts(['split', 'page'], { unmade: [] }))).toEqual([]);
    expect(successors('page', 'JP1', facts([], { pages: [], unmade: [], status: 'manual' }))).toEqual([]);
  });

  it('split fans out: the header read once and OCR for every page not read yet', () => {
    expect(names(successors('split', 'JP1', facts(['split'], { unread: [1, 2, 3] })))).toEqual(['header', 'ocr/1', 'ocr/2', 'ocr/3']);
    // A born-digital page has its text from the split: no OCR for it.
    expect(names(successors('split', 'JP1', facts(['split'], { unread: [2] })))).toEqual(['header', 'ocr/2']);
  });

  it('the header starts identify only when it found enough', () => {
    expect(names(successors('header', 'JP1', facts(['split', 'header'], { unread: [1] }), { enough: true }))).toEqual(['identify']);
    expect(successors('header', 'JP1', facts(['split', 'header'], { unread: [1] }), { enough: false })).toEqual([]);
  });

  it('OCR hands on only with the last page, and never starts identify twice', () => {
    expect(successors('ocr', 'JP1', facts(['split'], { unread: [3] }))).toEqual([]);
    expect(names(successors('ocr', 'JP1', facts(['split', 'ocr'])))).toEqual(['identify']);
    expect(successors('ocr', 'JP1', facts(['split', 'ocr', 'identify']))).toEqual([]);
  });

  it('archive is a join: after both OCR and routing, whichever ends last', () => {
    expect(successors('route', 'JP1', facts(['split', 'identify', 'attach', 'route'], { unread: [2] }))).toEqual([]);
    expect(names(successors('route', 'JP1', facts(['split', 'ocr', 'identify', 'attach', 'route'])))).toEqual(['archive']);
    expect(names(successors('ocr', 'JP1', facts(['split', 'ocr', 'identify', 'attach', 'route'])))).toEqual(['archive']);
    expect(successors('route', 'JP1', facts(['split', 'ocr', 'identify', 'attach', 'route', 'archive']))).toEqual([]);
  });

  it('a document waiting for a person starts nothing until a person routes it; a merged one nothing at all', () => {
    expect(successors('ocr', 'JP1', facts(['split', 'ocr'], { status: 'manual' }))).toEqual([]);
    expect(names(successors('route', 'JP1', facts(['split', 'ocr', 'route'], { status: 'manual' })))).toEqual(['archive']);
    expect(successors('route', 'JP1', facts(['split', 'ocr', 'route'], { merged: true }))).toEqual([]);
  });

  it('the stage column says what the document waits for', () => {
    expect(waitingFor(facts([]))).toBe('split');
    expect(waitingFor(facts(['split']))).toBe('ocr');
    expect(waitingFor(facts(['split']), { enough: true })).toBe('identify');
    expect(waitingFor(facts(['split', 'ocr', 'identify', 'attach', 'route']))).toBe('archive');
    expect(waitingFor(facts(['split', 'ocr', 'identify', 'attach', 'route', 'archive']))).toBe('done');
  });

  it('job ids are deterministic per step and run', () => {
    expect(jobIdOf({ documentId: 'JP7', stage: 'ocr', pageNo: 2 })).toBe('ocr-JP7-p2');
    expect(jobIdOf({ documentId: 'JP7', stage: 'archive', pageNo: 0 }, 2)).toBe('archive-JP7-r2');
  });
});

describe('the two failure families (pipeline/outcome.ts)', () => {
  it('outages: database, Redis, object store and register unavailable', () => {
    const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    for (const e of [
      coded('ECONNREFUSED'), coded('57P01', 'terminating connection due to administrator command'), coded('08006'), coded('57P03'),
      new Error('Connection terminated unexpectedly'), coded('EROFS'), coded('ServiceUnavailable'), new TechnicalError('down'),
      Object.assign(new AggregateError([coded('ECONNREFUSED')], ''), {}), Object.assign(new Error('PDL svarte ikke'), { name: 'PersonRegisterUnavailableError' }),
      new Error('wrapped', { cause: coded('ETIMEDOUT') }),
    ]) expect(isOutage(e), String((e as Error).message || (e as { code?: string }).code)).toBe(true);
  });

  it('not outages: faults in code or data, and functional failures', () => {
    for (const e of [new TypeError('x is undefined'), new Error('document JP1 not found'), Object.assign(new Error('dup'), { code: '23505' }), new FunctionalError('uleselig')]) {
      expect(isOutage(e), (e as Error).message).toBe(false);
    }
  });

  it('backoff grows exponentially and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 10, 1000].map((n) => cappedBackoff(n, 2000, 60_000))).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});

/** Source files of the app (not tests, not the web client). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    if (statSync(full).isDirectory()) return f === 'node_modules' ? [] : sources(full);
    return f.endsWith('.ts') ? [full] : [];
  });
}

describe('one owner', () => {
  const files = ['app', 'api', 'bin', 'pipeline', 'services', 'storage', 'workers'].flatMap((d) => sources(path.join(ROOT, d))).concat(path.join(ROOT, 'tests', 'e2e', 'harness.ts'));
  const rel = (f: string) => path.relative(ROOT, f);

  it('no successor is queued or written anywhere but the lifecycle', () => {
    const users = (pattern: RegExp) => files.filter((f) => pattern.test(readFileSync(f, 'utf8'))).map(rel).sort();
    // Queueing a stage job: the lifecycle, and the queue class that defines it.
    expect(users(/\.enqueue\(|byStage\.\w+\.add\(|byStage\[[^\]]+\]\.add\(/)).toEqual(['services/lifecycle.service.ts', 'workers/queues.ts']);
    // Writing the outbox: its repository only (called by the lifecycle).
    expect(users(/(INSERT INTO|UPDATE)\s+pipeline_steps/)).toEqual(['storage/repositories/steps.repository.ts']);
    expect(users(/\b(openSteps|closeStep|closeAllSteps)\(/)).toEqual(['services/lifecycle.service.ts', 'storage/repositories/steps.repository.ts']);
  });

  it('stage stamps are set only by the lifecycle (and the repository calls it makes)', () => {
    const stamp = /\b(split_at|header_at|ocr_at|identified_at|attached_at|routed_at|archived_at)\s*=\s*(now\(\)|coalesce)/;
    const users = files.filter((f) => stamp.test(readFileSync(f, 'utf8'))).map(rel).sort();
    // pages: markOcrDone, called by the lifecycle with the last page; manual-queue: a person's reading, written inside the lifecycle's route transition.
    expect(users).toEqual(['storage/repositories/manual-queue.repository.ts', 'storage/repositories/pages.repository.ts']);
    expect(readFileSync(path.join(ROOT, 'services/lifecycle.service.ts'), 'utf8')).toMatch(/\$\{col\} = now\(\)/);
  });
});
