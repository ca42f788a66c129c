/**
 * The pipeline in one place: each stage is a BullMQ queue with a handler in workers/jobs/
 * calling pure code in the folder of the same name under pipeline/.
 *
 *   ingest ─▶ split ─▶ ocr (one job per page) ─▶ identify ─▶ attach ─▶ route ─▶ archive
 *
 * A stage that finds a functional problem (unreadable file or page) sends the document to
 * the mail room's manual queue and stops; routing sends unidentified documents there too.
 */
export const STAGES = ['split', 'ocr', 'identify', 'attach', 'route', 'archive'] as const;
export type Stage = (typeof STAGES)[number];

export const NEXT: Record<Stage, Stage | null> = {
  split: 'ocr',
  ocr: 'identify', // once every page of the document is read
  identify: 'attach',
  attach: 'route',
  route: 'archive',
  archive: null,
};

export interface DocumentJob {
  documentId: string;
}
export interface PageJob extends DocumentJob {
  pageNo: number;
}

/** Payload per stage: ids only, never file contents or personal data. */
export interface JobData {
  split: DocumentJob;
  ocr: PageJob;
  identify: DocumentJob;
  attach: DocumentJob;
  route: DocumentJob;
  archive: DocumentJob;
}
