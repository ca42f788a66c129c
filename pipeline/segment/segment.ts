/**
 * Splitting a stack of scanned pages into documents when no vendor XML did it for us:
 * a cover sheet (førsteside) starts a new document and belongs to it; a separator sheet
 * (skilleark) starts a new document and is dropped; the pages in between belong together.
 */
export interface PageSignal {
  /** Valid løpenummer when the page is a cover sheet. */
  coverSheet: string | null;
  separator: boolean;
}

export interface Segment {
  /** 0-based page indexes of the input, in order. */
  pages: number[];
  /** The løpenummer of the cover sheet that opened this segment, if any. */
  coverSheet: string | null;
  /** What opened the segment: the first page of the file, a cover sheet or a separator. */
  startedBy: 'start' | 'cover-sheet' | 'separator';
}

export function segmentPages(signals: readonly PageSignal[]): Segment[] {
  const out: Segment[] = [];
  let cur: Segment = { pages: [], coverSheet: null, startedBy: 'start' };
  const flush = () => {
    if (cur.pages.length > 0) out.push(cur);
  };
  signals.forEach((s, i) => {
    if (s.separator) {
      flush();
      cur = { pages: [], coverSheet: null, startedBy: 'separator' };
      return;
    }
    if (s.coverSheet) {
      // Two cover sheets in a row each open their own document; a cover sheet that follows a separator continues its segment.
      if (cur.pages.length > 0) flush();
      const startedBy = cur.pages.length === 0 && cur.startedBy === 'separator' ? 'separator' : 'cover-sheet';
      cur = { pages: [i], coverSheet: s.coverSheet, startedBy };
      return;
    }
    cur.pages.push(i);
  });
  flush();
  return out;
}
