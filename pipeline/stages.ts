/**
 * The pipeline in one place: each stage is a BullMQ queue with a handler in workers/jobs/
 * calling pure code in the folder of the same name under pipeline/.
 *
 *   ingest ─▶ split ─┬▶ header (pages 1-2: header and footer only) ─▶ identify ─▶ attach ─▶ route ─┐
 *                    └▶ ocr (one job per page, full text) ─────────────────────────────────────────┴▶ archive
 *
 * Routing needs only the form number, title and fødselsnummer, which sit in the header of the
 * first page or two: the header stage reads just that, ahead of full-text pages, and starts
 * identify when it found enough. Otherwise identify starts once every page is read. The
 * archive variant needs every page's text, so archive waits for OCR: whichever of route and
 * OCR finishes last builds it.
 *
 * A stage that finds a functional problem (unreadable file or page) sends the document to
 * the mail room's manual queue and stops; routing sends unidentified documents there too.
 */
export const STAGES = ['split', 'header', 'ocr', 'identify', 'attach', 'route', 'archive'] as const;
export type Stage = (typeof STAGES)[number];

/** Where each stage hands over (ocr: to identify when the header did not suffice, and to archive). */
export const NEXT: Record<Stage, Stage | null> = {
  split: 'header', // and 'ocr' for every page
  header: 'identify', // when the header names the person and the form or tema
  ocr: 'identify', // once every page of the document is read, if the header did not suffice
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
  header: DocumentJob;
  ocr: PageJob;
  identify: DocumentJob;
  attach: DocumentJob;
  route: DocumentJob;
  archive: DocumentJob;
}
