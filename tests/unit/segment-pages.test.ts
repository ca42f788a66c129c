import { describe, expect, it } from 'vitest';
import { segmentPages, type PageSignal } from '../../pipeline/segment/segment.ts';

const P: PageSignal = { coverSheet: null, separator: false };
const C = (l: string): PageSignal => ({ coverSheet: l, separator: false });
const S: PageSignal = { coverSheet: null, separator: true };
const pages = (sig: PageSignal[]) => segmentPages(sig).map((s) => s.pages);

describe('splitting a stack of pages into documents', () => {
  it('keeps a file without marks as one document', () => {
    expect(pages([P, P, P])).toEqual([[0, 1, 2]]);
  });
  it('starts a new document at each cover sheet, which belongs to its document', () => {
    const segs = segmentPages([C('a'), P, P, C('b'), P]);
    expect(segs.map((s) => s.pages)).toEqual([[0, 1, 2], [3, 4]]);
    expect(segs.map((s) => s.coverSheet)).toEqual(['a', 'b']);
  });
  it('drops separator sheets and splits on them', () => {
    expect(pages([P, S, P, P, S, P])).toEqual([[0], [2, 3], [5]]);
  });
  it('ignores leading, trailing and repeated separators', () => {
    expect(pages([S, P, S, S, P, S])).toEqual([[1], [4]]);
    expect(pages([S, S])).toEqual([]);
  });
  it('pages before the first cover sheet form their own document', () => {
    const segs = segmentPages([P, C('x'), P]);
    expect(segs.map((s) => [s.pages, s.coverSheet, s.startedBy])).toEqual([[[0], null, 'start'], [[1, 2], 'x', 'cover-sheet']]);
  });
  it('a cover sheet right after a separator opens one document, not two', () => {
    const segs = segmentPages([P, S, C('y'), P]);
    expect(segs.map((s) => s.pages)).toEqual([[0], [2, 3]]);
    expect(segs[1]).toMatchObject({ coverSheet: 'y', startedBy: 'separator' });
  });
  it('two cover sheets in a row are two documents', () => {
    expect(pages([C('a'), C('b'), P])).toEqual([[0], [1, 2]]);
  });
});
