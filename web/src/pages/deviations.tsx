import { Alert, BodyShort, Button, Checkbox, Heading, Modal, Select, Table, Tag, Textarea, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { api, type Me, type Paged } from '../api.ts';
import { AppLink, Loading, Pager, TableBox, useData } from '../components.tsx';
import { dateTime, DEVIATION_NAVN, tema } from '../format.ts';
import { Bar } from './overview.tsx';

interface Deviation {
  id: number;
  kind: string;
  documentId: string | null;
  documentStatus: string | null;
  caseId: string | null;
  unitId: string | null;
  unitName: string | null;
  ruleId: string | null;
  ruleText: string | null;
  reason: string | null;
  reportedBy: string | null;
  detectedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  tema: string | null;
}
interface Stats {
  perRule: Array<{ policyId: string; ruleId: string; ruleText: string; routed: number; misrouted: number; bounced: number }>;
  perUnit: Array<{ unitId: string; unitName: string; misrouted: number; bounced: number; missingAttachment: number; stuck: number; open: number }>;
  lastSweepAt: string | null;
}

/** Where a deviation's document can be opened by this user: their inbox, the manual queue, or its status. */
function documentLink(me: Me, d: Deviation): string | null {
  if (!d.documentId) return null;
  if (me.role === 'caseworker' && d.unitId && me.units.includes(d.unitId) && d.documentStatus === 'delivered') return `/innboks/${d.unitId}/${d.documentId}`;
  if ((me.role === 'operator' || me.handlesProtected) && d.documentStatus === 'manual') return `/manuell/${d.documentId}`;
  if (me.role === 'admin') return null;
  return `/status?sok=${d.documentId}`;
}

export function DeviationsPage({ me }: { me: Me }) {
  const [unit, setUnit] = useState(me.role === 'caseworker' ? me.units[0]! : '');
  const [kind, setKind] = useState('');
  const [open, setOpen] = useState('');
  const [page, setPage] = useState(1);
  const [chosen, setChosen] = useState<number[]>([]);
  const [closing, setClosing] = useState<number[] | null>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const params = new URLSearchParams({ page: String(page) });
  if (unit) params.set('unitId', unit);
  if (kind) params.set('kind', kind);
  if (open) params.set('open', open);
  const q = params.toString();
  const list = useData(() => api<Paged<Deviation>>(`/api/deviations?${q}`), [q]);
  const stats = useData(() => api<Stats>(`/api/deviations/stats${unit ? `?unitId=${unit}` : ''}`), [unit]);
  const maxRate = Math.max(0.0001, ...(stats.data?.perRule ?? []).map((r) => (r.misrouted + r.bounced) / Math.max(1, r.routed)));
  const toggle = (id: number, on: boolean) => setChosen((c) => (on ? [...c, id] : c.filter((x) => x !== id)));

  const close = async () => {
    if (!closing) return;
    const failed: string[] = [];
    for (const id of closing) {
      try {
        await api(`/api/deviations/${id}/close`, { method: 'POST', body: { note: note.trim() } });
      } catch (e) {
        failed.push((e as Error).message);
      }
    }
    setMessage(failed.length ? { ok: false, text: failed.join('; ') } : { ok: true, text: `${closing.length} avvik er lukket.` });
    setClosing(null);
    setNote('');
    setChosen([]);
    await Promise.all([list.reload(), stats.reload()]);
  };

  return (
    <VStack gap="space-24">
      <Heading level="1" size="large">Avvik</Heading>
      {stats.data && (
        <BodyShort size="small" className="muted sweep-info">
          {stats.data.lastSweepAt
            ? `Fastlåste dokumenter og manglende vedlegg sist kontrollert ${dateTime(stats.data.lastSweepAt)} (kontrolleres jevnlig i bakgrunnen).`
            : 'Fastlåste dokumenter og manglende vedlegg er ikke kontrollert ennå (kontrolleres jevnlig i bakgrunnen).'}
        </BodyShort>
      )}
      <div className="toolbar">
        {me.role === 'caseworker' ? (
          me.units.length > 1 && (
            <Select label="Enhet" size="small" value={unit} onChange={(e) => { setUnit(e.target.value); setPage(1); }}>
              {me.units.map((u) => <option key={u} value={u}>{u} {me.unitNames[u]}</option>)}
            </Select>
          )
        ) : (
          <Select label="Enhet" size="small" value={unit} onChange={(e) => { setUnit(e.target.value); setPage(1); }}>
            <option value="">Alle enheter</option>
            {(stats.data?.perUnit ?? []).map((u) => <option key={u.unitId} value={u.unitId}>{u.unitId} {u.unitName}</option>)}
          </Select>
        )}
        <Select label="Type" size="small" value={kind} onChange={(e) => { setKind(e.target.value); setPage(1); }}>
          <option value="">Alle typer</option>
          {Object.entries(DEVIATION_NAVN).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </Select>
        <Select label="Vis" size="small" value={open} onChange={(e) => { setOpen(e.target.value); setPage(1); }}>
          <option value="">Alle</option>
          <option value="true">Åpne</option>
          <option value="false">Lukkede</option>
        </Select>
        <Button size="small" variant="secondary" disabled={chosen.length === 0} onClick={() => setClosing(chosen)}>Lukk valgte ({chosen.length})</Button>
      </div>
      {message && <Alert size="small" variant={message.ok ? 'success' : 'error'} role="status">{message.text}</Alert>}
      <section aria-labelledby="avviksliste">
        <Heading level="2" size="medium" spacing id="avviksliste">Avviksliste</Heading>
        {!list.data ? <Loading error={list.error} /> : (
          <>
            <TableBox label="Avviksliste">
              <Table size="small" className="deviations">
                <Table.Header>
                  <Table.Row>
                    <Table.HeaderCell><span className="navds-sr-only">Velg</span></Table.HeaderCell>
                    <Table.HeaderCell>Oppdaget</Table.HeaderCell>
                    <Table.HeaderCell>Type</Table.HeaderCell>
                    <Table.HeaderCell>Journalpost</Table.HeaderCell>
                    <Table.HeaderCell>Tema</Table.HeaderCell>
                    <Table.HeaderCell>Enhet</Table.HeaderCell>
                    <Table.HeaderCell>Regel</Table.HeaderCell>
                    <Table.HeaderCell>Årsak</Table.HeaderCell>
                    <Table.HeaderCell>Status</Table.HeaderCell>
                    <Table.HeaderCell><span className="navds-sr-only">Handling</span></Table.HeaderCell>
                  </Table.Row>
                </Table.Header>
                <Table.Body>
                  {list.data.items.map((d) => {
                    const link = documentLink(me, d);
                    return (
                      <Table.Row key={d.id} data-deviation={d.id} selected={chosen.includes(d.id)}>
                        <Table.DataCell>
                          {!d.resolvedAt && <Checkbox hideLabel size="small" checked={chosen.includes(d.id)} onChange={(e) => toggle(d.id, e.target.checked)}>Velg avvik {d.id}</Checkbox>}
                        </Table.DataCell>
                        <Table.DataCell>{dateTime(d.detectedAt)}</Table.DataCell>
                        <Table.DataCell>{DEVIATION_NAVN[d.kind] ?? 'Annet'}</Table.DataCell>
                        <Table.DataCell>{d.documentId ? (link ? <AppLink to={link}>{d.documentId}</AppLink> : d.documentId) : '—'}</Table.DataCell>
                        <Table.DataCell>{tema(d.tema)}</Table.DataCell>
                        <Table.DataCell>{d.unitId ? `${d.unitId} ${d.unitName ?? ''}` : '—'}</Table.DataCell>
                        <Table.DataCell>{d.ruleText ?? '—'}</Table.DataCell>
                        <Table.DataCell className="break">{d.reason ?? '—'}</Table.DataCell>
                        <Table.DataCell>
                          {d.resolvedAt
                            ? <><Tag size="small" variant="success">Lukket</Tag>{d.resolutionNote && <BodyShort size="small">{d.resolutionNote}{d.resolvedBy ? ` (${d.resolvedBy})` : ''}</BodyShort>}</>
                            : <Tag size="small" variant="warning">Åpent</Tag>}
                        </Table.DataCell>
                        <Table.DataCell>{!d.resolvedAt && <Button size="xsmall" variant="secondary" onClick={() => setClosing([d.id])}>Lukk</Button>}</Table.DataCell>
                      </Table.Row>
                    );
                  })}
                </Table.Body>
              </Table>
            </TableBox>
            {list.data.items.length === 0 && <BodyShort>Ingen avvik.</BodyShort>}
            <Pager {...list.data} onPage={setPage} />
          </>
        )}
      </section>
      <section aria-labelledby="per-regel">
        <Heading level="2" size="medium" spacing id="per-regel">Per rutingsregel</Heading>
        <BodyShort size="small" spacing className="muted">Andel av dokumentene regelen rutet som ble sendt tilbake: en dårlig regel synes her.</BodyShort>
        {!stats.data ? <Loading error={stats.error} /> : (
          <TableBox label="Avvik per rutingsregel">
            <Table size="small" className="per-rule">
              <Table.Header>
                <Table.Row>
                  <Table.HeaderCell>Regel</Table.HeaderCell>
                  <Table.HeaderCell align="right">Rutet</Table.HeaderCell>
                  <Table.HeaderCell align="right">Feilrutet</Table.HeaderCell>
                  <Table.HeaderCell align="right">Sendt flere ganger</Table.HeaderCell>
                  <Table.HeaderCell>Andel</Table.HeaderCell>
                </Table.Row>
              </Table.Header>
              <Table.Body>
                {stats.data.perRule.map((r) => {
                  const rate = (r.misrouted + r.bounced) / Math.max(1, r.routed);
                  return (
                    <Table.Row key={`${r.policyId}/${r.ruleId}`}>
                      <Table.DataCell>{r.ruleText}</Table.DataCell>
                      <Table.DataCell align="right">{r.routed}</Table.DataCell>
                      <Table.DataCell align="right">{r.misrouted}</Table.DataCell>
                      <Table.DataCell align="right">{r.bounced}</Table.DataCell>
                      <Table.DataCell><Bar value={rate} max={maxRate} label={`${Math.round(rate * 100)} %`} warn={rate > 0.1} /></Table.DataCell>
                    </Table.Row>
                  );
                })}
              </Table.Body>
            </Table>
          </TableBox>
        )}
      </section>
      {stats.data && stats.data.perUnit.length > 0 && (
        <section aria-labelledby="per-enhet">
          <Heading level="2" size="medium" spacing id="per-enhet">Per enhet</Heading>
          <TableBox label="Avvik per enhet">
            <Table size="small">
              <Table.Header>
                <Table.Row>
                  <Table.HeaderCell>Enhet</Table.HeaderCell>
                  {Object.values(DEVIATION_NAVN).map((v) => <Table.HeaderCell key={v} align="right">{v}</Table.HeaderCell>)}
                  <Table.HeaderCell align="right">Åpne</Table.HeaderCell>
                </Table.Row>
              </Table.Header>
              <Table.Body>
                {stats.data.perUnit.map((u) => (
                  <Table.Row key={u.unitId}>
                    <Table.DataCell>{u.unitId} {u.unitName}</Table.DataCell>
                    <Table.DataCell align="right">{u.misrouted}</Table.DataCell>
                    <Table.DataCell align="right">{u.bounced}</Table.DataCell>
                    <Table.DataCell align="right">{u.missingAttachment}</Table.DataCell>
                    <Table.DataCell align="right">{u.stuck}</Table.DataCell>
                    <Table.DataCell align="right">{u.open}</Table.DataCell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
          </TableBox>
        </section>
      )}
      <Modal open={closing !== null} onClose={() => setClosing(null)} header={{ heading: closing && closing.length > 1 ? `Lukk ${closing.length} avvik` : 'Lukk avviket' }} width="medium">
        <Modal.Body>
          <Textarea label="Merknad" description="Hva ble gjort? Ikke skriv personopplysninger her." value={note} minLength={3} maxLength={500} onChange={(e) => setNote(e.target.value)} />
        </Modal.Body>
        <Modal.Footer>
          <Button onClick={close} disabled={note.trim().length < 3}>Lukk avviket</Button>
          <Button variant="secondary" onClick={() => setClosing(null)}>Avbryt</Button>
        </Modal.Footer>
      </Modal>
    </VStack>
  );
}
