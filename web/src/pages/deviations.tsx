import { BodyShort, Heading, HStack, Select, Table, Tag, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { api, type Me, type Paged } from '../api.ts';
import { Loading, Pager, useData } from '../components.tsx';
import { dateTime, DEVIATION_NAVN, tema } from '../format.ts';
import { Bar } from './overview.tsx';

interface Deviation {
  id: number;
  kind: string;
  documentId: string | null;
  caseId: string | null;
  unitId: string | null;
  unitName: string | null;
  ruleId: string | null;
  reason: string | null;
  reportedBy: string | null;
  detectedAt: string;
  resolvedAt: string | null;
  tema: string | null;
}
interface Stats {
  perRule: Array<{ policyId: string; ruleId: string; routed: number; misrouted: number; bounced: number }>;
  perUnit: Array<{ unitId: string; unitName: string; misrouted: number; bounced: number; missingAttachment: number; stuck: number; open: number }>;
  lastSweepAt: string | null;
}

export function DeviationsPage({ me }: { me: Me }) {
  const [unit, setUnit] = useState(me.role === 'caseworker' ? me.units[0]! : '');
  const [kind, setKind] = useState('');
  const [page, setPage] = useState(1);
  const params = new URLSearchParams({ page: String(page) });
  if (unit) params.set('unitId', unit);
  if (kind) params.set('kind', kind);
  const q = params.toString();
  const list = useData(() => api<Paged<Deviation>>(`/api/deviations?${q}`), [q]);
  const stats = useData(() => api<Stats>(`/api/deviations/stats${unit ? `?unitId=${unit}` : ''}`), [unit]);
  const maxRate = Math.max(0.0001, ...(stats.data?.perRule ?? []).map((r) => (r.misrouted + r.bounced) / Math.max(1, r.routed)));

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
      <HStack gap="space-12">
        {me.role === 'caseworker' ? (
          me.units.length > 1 && (
            <Select label="Enhet" size="small" value={unit} onChange={(e) => setUnit(e.target.value)}>
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
      </HStack>
      <section>
        <Heading level="2" size="medium" spacing>Per rutingsregel</Heading>
        <BodyShort size="small" spacing className="muted">Andel av dokumentene regelen rutet som ble sendt tilbake: en dårlig regel synes her.</BodyShort>
        {!stats.data ? <Loading error={stats.error} /> : (
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
                    <Table.DataCell>{r.ruleId} <span className="muted">({r.policyId})</span></Table.DataCell>
                    <Table.DataCell align="right">{r.routed}</Table.DataCell>
                    <Table.DataCell align="right">{r.misrouted}</Table.DataCell>
                    <Table.DataCell align="right">{r.bounced}</Table.DataCell>
                    <Table.DataCell><Bar value={rate} max={maxRate} label={`${Math.round(rate * 100)} %`} warn={rate > 0.1} /></Table.DataCell>
                  </Table.Row>
                );
              })}
            </Table.Body>
          </Table>
        )}
      </section>
      {stats.data && stats.data.perUnit.length > 0 && (
        <section>
          <Heading level="2" size="medium" spacing>Per enhet</Heading>
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
        </section>
      )}
      <section>
        <Heading level="2" size="medium" spacing>Avviksliste</Heading>
        {!list.data ? <Loading error={list.error} /> : (
          <>
            <Table size="small" className="deviations">
              <Table.Header>
                <Table.Row>
                  <Table.HeaderCell>Oppdaget</Table.HeaderCell>
                  <Table.HeaderCell>Type</Table.HeaderCell>
                  <Table.HeaderCell>Journalpost</Table.HeaderCell>
                  <Table.HeaderCell>Tema</Table.HeaderCell>
                  <Table.HeaderCell>Enhet</Table.HeaderCell>
                  <Table.HeaderCell>Regel</Table.HeaderCell>
                  <Table.HeaderCell>Årsak</Table.HeaderCell>
                  <Table.HeaderCell>Status</Table.HeaderCell>
                </Table.Row>
              </Table.Header>
              <Table.Body>
                {list.data.items.map((d) => (
                  <Table.Row key={d.id}>
                    <Table.DataCell>{dateTime(d.detectedAt)}</Table.DataCell>
                    <Table.DataCell>{DEVIATION_NAVN[d.kind] ?? d.kind}</Table.DataCell>
                    <Table.DataCell>{d.documentId ?? '—'}</Table.DataCell>
                    <Table.DataCell>{tema(d.tema)}</Table.DataCell>
                    <Table.DataCell>{d.unitId ? `${d.unitId} ${d.unitName ?? ''}` : '—'}</Table.DataCell>
                    <Table.DataCell>{d.ruleId ?? '—'}</Table.DataCell>
                    <Table.DataCell>{d.reason ?? '—'}</Table.DataCell>
                    <Table.DataCell>{d.resolvedAt ? <Tag size="small" variant="success">Løst</Tag> : <Tag size="small" variant="warning">Åpent</Tag>}</Table.DataCell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
            {list.data.items.length === 0 && <BodyShort>Ingen avvik.</BodyShort>}
            <Pager {...list.data} onPage={setPage} />
          </>
        )}
      </section>
    </VStack>
  );
}
