import type { Policy } from '../schemas/reference.ts';
import { KIND_NB, manualReasonNb, reasonNb, ruleNb } from './reason-text.ts';

const CHANNEL_NB: Record<string, string> = { SKAN: 'skannet post', SKAN_IM: 'skannet post', SKAN_NETS: 'skannet post', SKAN_PEN: 'skannet post' };

/** One line of a document's history in Norwegian for the web pages (events hold ids and codes only). */
export function describeEventNb(type: string, detail: Record<string, any>, unitName: (id: string) => string, policies: Array<Pick<Policy, 'rules'>> = []): string {
  const unit = (id: string) => `${id} ${unitName(id)}`.trim();
  const d = detail;
  switch (type) {
    case 'received': return `Mottatt i bunke ${d.batchId} (${CHANNEL_NB[d.channel as string] ?? (String(d.channel ?? '').startsWith('SKAN') ? 'skannet post' : `kanal ${d.channel}`)})`;
    case 'stored': return 'Originalen lagret';
    case 'duplicate-received': return `Samme fil mottatt på nytt i bunke ${d.batchId}: ingen ny journalpost`;
    case 'split': return `Delt i ${d.pages} side(r)`;
    case 'ocr-done': return `Lest (OCR): ${d.pages} side(r), gjennomsnittlig sikkerhet ${d.meanConfidence}`;
    case 'classified': return `Klassifisert: ${d.formNumber ?? 'uten skjemanummer'}, tema ${d.tema}, ${KIND_NB[d.kind as string] ?? d.kind}${d.personIdentified ? '' : ', bruker ikke identifisert'}`;
    case 'attached': return `Knyttet til sak ${d.caseId}${d.opened ? ' (ny sak)' : ''}${d.followUpTo ? ` som ettersendelse til ${d.followUpTo}` : ''}`;
    case 'not-attached': return 'Ikke knyttet til sak';
    case 'routed': return `Rutet til ${(d.units as string[]).map(unit).join(' og ')} (${ruleNb(String(d.rule), policies).replace(/^Regel/, 'regel')})`;
    case 'delivered': return `Levert til ${(d.units as Array<{ unitId: string }>).map((u) => unit(u.unitId)).join(' og ')}`;
    case 'sent-to-manual': return `Sendt til manuell behandling${d.reason ? `: ${manualReasonNb(String(d.reason), policies)}` : ''}`;
    case 'archived': return `Arkiv-PDF lagret (${d.pages} side(r))`;
    case 'page-needs-manual': return `Side ${d.pageNo} kunne ikke leses innen tidsgrensen: til manuell behandling`;
    case 'letter-queued': return `Brev om ${d.items} manglende vedlegg laget, med førsteside for ettersendelse ${d.followUpSheet}`;
    case 'letter-sent': return `Brev sendt til bruker: venter på ${d.items} vedlegg`;
    case 'letter-failed': return `Brevet kunne ikke leveres til utsending etter ${d.attempts} forsøk og er stanset: en administrator må sende det på nytt`;
    case 'letter-requeued': return 'Brevet er lagt i kø for sending på nytt av en administrator';
    case 'attachments-arrived': return `${d.arrived} vedlegg kom med ettersendelsen ${d.in}${d.remaining ? `, venter fortsatt på ${d.remaining}` : ': alle vedlegg er kommet'}`;
    case 'follow-up-received': return `Ettersendelse til ${d.to}: ${d.arrived} vedlegg krysset av${d.remaining ? `, ${d.remaining} mangler fortsatt` : ''}`;
    case 'taken': return `Tatt til behandling (mottatt) av ${unit(d.unitId)}`;
    case 'returned-misrouted': return `Sendt tilbake som feilrutet av ${unit(d.unitId)}: ${d.reason}`;
    case 'manual-resolved': return 'Behandlet manuelt';
    case 'split-off': return d.newDocumentId ? `Delt: sidene fra side ${d.fromPage} ble ${d.newDocumentId}` : `Delt ut fra ${d.fromDocumentId}`;
    case 'merged': return d.into ? `Slått sammen inn i ${d.into}` : `${d.from} slått sammen inn i dette dokumentet`;
    default: return reasonNb(type);
  }
}

export { KIND_NB };

/** What a stage means, for a person reading a document's state. */
export const STAGE_NB: Record<string, string> = {
  received: 'mottatt', split: 'deles i sider', page: 'sidene gjøres til bilder', header: 'leser toppen av siden', ocr: 'leses (OCR)', identify: 'identifiseres',
  attach: 'knyttes til sak', route: 'rutes', archive: 'arkiveres', done: 'ferdig', merged: 'slått sammen', manual: 'manuell behandling', inbox: 'innboks',
};
