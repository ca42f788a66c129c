import { Alert, BodyShort, Button, Heading, HStack, Modal, Radio, RadioGroup, Select, Textarea, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { api, type Me } from '../api.ts';
import { AppLink, Loading, ProtectionTag, useData } from '../components.tsx';
import { dateTime, kind, tema, TEMA_NAVN } from '../format.ts';
import { PagesWithText, type DocumentView } from './document-parts.tsx';
import { LettersPanel } from './letters.tsx';

const REASONS: Record<string, string> = { 'wrong-tema': 'Feil tema', 'wrong-unit': 'Feil enhet', 'wrong-person': 'Feil bruker', other: 'Annet' };
const PURPOSE = 'saksbehandling';

interface ReturnResult { outcome: 'rerouted' | 'mail-room' | 'special-unit'; units: Array<{ unitId: string; name: string }>; bounced: boolean }

export function InboxDocumentPage({ me, unitId, id }: { me: Me; unitId: string; id: string }) {
  const { data: doc, error, reload } = useData(() => api<DocumentView>(`/api/documents/${id}?purpose=${encodeURIComponent(PURPOSE)}`), [id]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [returning, setReturning] = useState(false);
  const [returned, setReturned] = useState(false);
  const [reason, setReason] = useState('wrong-unit');
  const [comment, setComment] = useState('');
  const [via, setVia] = useState<'rule' | 'mail-room'>('rule');
  const [newTema, setNewTema] = useState('');
  const back = <AppLink to={`/innboks/${unitId}`}>← Tilbake til innboksen {unitId} {me.unitNames[unitId] ?? ''}</AppLink>;

  if (!doc) return <VStack gap="space-16">{back}<Loading error={error} /></VStack>;
  const mine = returned ? undefined : doc.deliveries.find((d) => d.unitId === unitId && !d.returnedAt);
  const kode6 = doc.protection === 'strengt-fortrolig';

  const take = async () => {
    try {
      await api(`/api/inbox/${unitId}/documents/${id}/take`, { method: 'POST' });
      setMessage({ ok: true, text: `${id} er tatt til behandling og markert mottatt.` });
      await reload();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  const sendBack = async () => {
    try {
      const r = await api<ReturnResult>(`/api/inbox/${unitId}/documents/${id}/return`, {
        method: 'POST', body: { reason, comment: comment.trim() || undefined, via: kode6 ? 'mail-room' : via, tema: reason === 'wrong-tema' && newTema ? newTema : undefined },
      });
      setReturning(false);
      setReturned(true);
      const units = r.units.map((u) => `${u.unitId} ${u.name}`).join(' og ');
      setMessage({
        ok: true,
        text: r.outcome === 'rerouted' ? `${id} er sendt tilbake og rutet på nytt til ${units}.`
          : r.outcome === 'special-unit' ? `${id} er sendt til manuell behandling i ${units}: dokumentet blir i enheten.`
          : `${id} er sendt tilbake til postmottaket for manuell vurdering.`,
      });
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };

  return (
    <VStack gap="space-16">
      {back}
      <Heading level="1" size="large" className="break">{doc.id}: {doc.title ?? doc.file}</Heading>
      {kode6 && <Alert variant="error" size="small">Strengt fortrolig adresse (kode 6): adressen og dokumentet skal aldri ut av NAV Vikafossen.</Alert>}
      {doc.protection && !kode6 && <div><ProtectionTag protection={doc.protection} long /></div>}
      <BodyShort>
        Sak {doc.caseId ?? '—'} · {tema(doc.tema)} · {doc.formNumber ?? 'uten skjemanummer'} · {kind(doc.kind)} · mottatt {dateTime(doc.receivedAt)}
      </BodyShort>
      <BodyShort>Bruker: {doc.personId ?? '—'} {doc.personName ?? ''}</BodyShort>
      {message && <Alert variant={message.ok ? 'success' : 'error'} role="status">{message.text}</Alert>}
      {mine && (
        <HStack gap="space-12" wrap>
          {mine.takenAt ? <BodyShort>Tatt av {mine.takenBy} {dateTime(mine.takenAt)}</BodyShort> : <Button onClick={take}>Ta saken (marker mottatt)</Button>}
          <Button variant="secondary" onClick={() => setReturning(true)}>Send tilbake som feilrutet</Button>
        </HStack>
      )}
      {!returned && <LettersPanel documentId={id} purpose={PURPOSE} unitPath={`/innboks/${unitId}`} />}
      {!returned && <PagesWithText doc={doc} purpose={PURPOSE} />}
      <Modal open={returning} onClose={() => setReturning(false)} header={{ heading: 'Send tilbake som feilrutet' }} width="medium">
        <Modal.Body>
          <VStack gap="space-12">
            <Select label="Årsak" value={reason} onChange={(e) => setReason(e.target.value)}>
              {Object.entries(REASONS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </Select>
            {reason === 'wrong-tema' && (
              <Select label="Riktig tema" value={newTema} onChange={(e) => setNewTema(e.target.value)}>
                <option value="">Vet ikke</option>
                {Object.entries(TEMA_NAVN).filter(([k]) => k !== 'UKJ').map(([k, v]) => <option key={k} value={k}>{k} {v}</option>)}
              </Select>
            )}
            <Textarea label="Kommentar (valgfritt)" description="Ikke skriv personopplysninger her." value={comment} maxLength={500} onChange={(e) => setComment(e.target.value)} />
            {kode6 ? (
              <BodyShort>Dokumentet gjelder en person med strengt fortrolig adresse. Det går ikke til andre enheter, men til manuell behandling i NAV Vikafossen.</BodyShort>
            ) : (
              <RadioGroup legend="Hvordan skal dokumentet rutes på nytt?" value={via} onChange={(v) => setVia(v as typeof via)}>
                <Radio value="rule">Etter rutingsreglene (aldri tilbake hit)</Radio>
                <Radio value="mail-room">Via postmottaket (manuell vurdering)</Radio>
              </RadioGroup>
            )}
          </VStack>
        </Modal.Body>
        <Modal.Footer>
          <Button onClick={sendBack}>Send tilbake</Button>
          <Button variant="secondary" onClick={() => setReturning(false)}>Avbryt</Button>
        </Modal.Footer>
      </Modal>
    </VStack>
  );
}
