import type { DocumentEvent } from '../../storage/repositories/events.repository.ts';

/** One line of a document's history in plain words (no personal data is in events). */
export function describeEvent(e: Pick<DocumentEvent, 'type' | 'detail'>, unitName: (id: string) => string = (id) => id): string {
  const d = e.detail as Record<string, any>;
  switch (e.type) {
    case 'received': return `received in batch ${d.batchId} (${d.mediaType}, channel ${d.channel})`;
    case 'stored': return `original stored (${d.bytes} bytes, sha256 ${String(d.sha256).slice(0, 12)}…)`;
    case 'duplicate-received': return `same file received again in batch ${d.batchId}: no new document`;
    case 'split': return `split into ${d.pages} page(s)`;
    case 'ocr-done': return `OCR done: ${d.pages} page(s), mean confidence ${d.meanConfidence}, ${d.ms} ms`;
    case 'classified': return `classified as ${d.formNumber ?? 'no form number'}, tema ${d.tema}, ${d.kind}, confidence ${d.confidence}${d.personIdentified ? '' : ', person not identified'}`;
    case 'attached': return `attached to case ${d.caseId}${d.opened ? ' (new case)' : ''}${d.followUpTo ? ` as a follow-up to ${d.followUpTo}` : ''}`;
    case 'not-attached': return `not attached to a case: ${d.reason}`;
    case 'routed': return `routed to ${(d.units as string[]).map((u) => `${u} ${unitName(u)}`).join(' + ')} by rule ${d.rule} (policy ${d.policy})${d.restricted ? `, restricted: ${d.restricted}` : ''}`;
    case 'delivered': return `delivered to ${(d.units as Array<{ unitId: string }>).map((u) => `${u.unitId} ${unitName(u.unitId)}`).join(' + ')}`;
    case 'sent-to-manual': return `sent to the mail room's manual queue at ${d.stage}: ${d.reason}`;
    case 'archived': return `archive PDF stored (${d.pages} page(s))`;
    case 'page-needs-manual': return `page ${d.pageNo} could not be read within the time limit: left for a person`;
    case 'letter-queued': return `letter about ${d.items} missing attachment(s) made, with follow-up cover sheet ${d.followUpSheet}`;
    case 'letter-sent': return `letter sent to the person: waiting for ${d.items} attachment(s)`;
    case 'letter-failed': return `letter could not be handed over after ${d.attempts} attempt(s): failed, waiting for an administrator`;
    case 'letter-requeued': return 'failed letter queued again by an administrator';
    case 'attachments-arrived': return `${d.arrived} attachment(s) arrived with follow-up ${d.in}, ${d.remaining} still missing`;
    case 'follow-up-received': return `follow-up to ${d.to}: ${d.arrived} attachment(s) ticked off, ${d.remaining} still missing`;
    case 'taken': return `taken (received) by unit ${d.unitId} ${unitName(String(d.unitId))}`;
    case 'returned-misrouted': return `sent back as misrouted by unit ${d.unitId} ${unitName(String(d.unitId))}: ${d.reason}`;
    case 'manual-resolved': return 'resolved by hand in the mail room';
    case 'split-off': return d.newDocumentId ? `pages from ${d.fromPage} split off as ${d.newDocumentId}` : `split off from ${d.fromDocumentId}`;
    case 'merged': return d.into ? `merged into ${d.into}` : `${d.from} merged into this document`;
    default: return e.type;
  }
}

/** A person id shown only as birth date part: enough to tell people apart on a status screen. */
export function maskPersonId(id: string | null): string | null {
  return id ? `${id.slice(0, 6)}*****` : null;
}
