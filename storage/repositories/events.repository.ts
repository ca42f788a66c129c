import type { Queryable } from './queryable.ts';

/**
 * History event types, in pipeline order. Details hold ids, codes and numbers only:
 * never a fødselsnummer, a name or document text.
 */
export const EVENT_TYPES = [
  'received', 'stored', 'duplicate-received', 'split', 'ocr-done', 'classified',
  'attached', 'not-attached', 'routed', 'delivered', 'sent-to-manual', 'archived',
  'page-needs-manual',
  // the letter about missing attachments (services/letters.service.ts)
  'letter-queued', 'letter-sent', 'letter-failed', 'letter-requeued', 'attachments-arrived', 'follow-up-received',
  // added by people in the web app
  'taken', 'returned-misrouted', 'manual-resolved', 'split-off', 'merged',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface DocumentEvent {
  id: number;
  documentId: string;
  type: EventType;
  detail: Record<string, unknown>;
  at: Date;
}

export async function appendEvent(q: Queryable, documentId: string, type: EventType, detail: Record<string, unknown> = {}): Promise<void> {
  await q.query('INSERT INTO document_events (document_id, type, detail) VALUES ($1, $2, $3)', [documentId, type, detail]);
}

export async function listEvents(q: Queryable, documentIds: string[]): Promise<DocumentEvent[]> {
  const { rows } = await q.query(
    `SELECT id, document_id, type, detail, at FROM document_events WHERE document_id = ANY($1) ORDER BY at, id`,
    [documentIds],
  );
  return rows.map((r) => ({ id: Number(r.id), documentId: r.document_id, type: r.type, detail: r.detail, at: r.at }));
}
