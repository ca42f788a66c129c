import { BodyShort, Heading, HStack, Select, Table, Tag, ToggleGroup, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { api, type Me, type Paged } from '../api.ts';
import { Loading, Pager, useData } from '../components.tsx';
import { date, KIND_NAVN, tema } from '../format.ts';
import { navigate } from '../router.ts';
import type { InboxItem } from '../../../services/inbox.service.ts';

export function InboxPage({ me, unitId }: { me: Me; unitId?: string }) {
  const unit = unitId && me.units.includes(unitId) ? unitId : me.units[0]!;
  const [state, setState] = useState<'new' | 'taken' | 'all'>('new');
  const [page, setPage] = useState(1);
  const { data, error } = useData(() => api<Paged<InboxItem>>(`/api/inbox/${unit}?state=${state}&page=${page}`), [unit, state, page], { everyMs: 10000 });
  return (
    <VStack gap="space-16">
      <HStack gap="space-16" align="end" justify="space-between">
        <Heading level="1" size="large">Innboks: {unit} {me.unitNames[unit]}</Heading>
        {me.units.length > 1 && (
          <Select label="Enhet" size="small" value={unit} onChange={(e) => navigate(`/innboks/${e.target.value}`)}>
            {me.units.map((u) => <option key={u} value={u}>{u} {me.unitNames[u]}</option>)}
          </Select>
        )}
      </HStack>
      <ToggleGroup size="small" value={state} onChange={(v) => { setState(v as typeof state); setPage(1); }} label="Vis">
        <ToggleGroup.Item value="new">Nye</ToggleGroup.Item>
        <ToggleGroup.Item value="taken">Tatt</ToggleGroup.Item>
        <ToggleGroup.Item value="all">Alle</ToggleGroup.Item>
      </ToggleGroup>
      {!data ? <Loading error={error} /> : (
        <>
          <Table size="small" className="inbox">
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Mottatt</Table.HeaderCell>
                <Table.HeaderCell>Journalpost</Table.HeaderCell>
                <Table.HeaderCell>Sak</Table.HeaderCell>
                <Table.HeaderCell>Tema</Table.HeaderCell>
                <Table.HeaderCell>Skjema</Table.HeaderCell>
                <Table.HeaderCell>Type</Table.HeaderCell>
                <Table.HeaderCell>Bruker</Table.HeaderCell>
                <Table.HeaderCell>Vedlegg</Table.HeaderCell>
                <Table.HeaderCell>Status</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.items.map((d) => (
                <Table.Row key={d.documentId} data-document={d.documentId}>
                  <Table.DataCell>{date(d.receivedAt)}</Table.DataCell>
                  <Table.DataCell><a href={`/innboks/${unit}/${d.documentId}`} onClick={(e) => { e.preventDefault(); navigate(`/innboks/${unit}/${d.documentId}`); }}>{d.documentId}</a></Table.DataCell>
                  <Table.DataCell>{d.caseId ?? '—'}</Table.DataCell>
                  <Table.DataCell>{tema(d.tema)}</Table.DataCell>
                  <Table.DataCell>{d.formNumber ?? '—'}{d.title ? <BodyShort size="small" className="muted">{d.title}</BodyShort> : null}</Table.DataCell>
                  <Table.DataCell>{d.kind ? KIND_NAVN[d.kind] ?? d.kind : '—'}</Table.DataCell>
                  <Table.DataCell>{d.personId ?? '—'}</Table.DataCell>
                  <Table.DataCell>{d.missingAttachment
                    ? <Tag size="small" variant="warning" title={d.missingAttachments.length ? d.missingAttachments.join(', ') : d.expectedAttachment ?? ''}>
                        Mangler vedlegg{d.missingAttachments.length ? `: ${d.missingAttachments.join(', ')}` : ''}
                      </Tag>
                    : '—'}</Table.DataCell>
                  <Table.DataCell>{d.takenAt ? <Tag size="small" variant="success">Tatt av {d.takenBy}</Tag> : <Tag size="small" variant="info">Ny</Tag>}</Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          {data.items.length === 0 && <BodyShort>Ingen dokumenter her.</BodyShort>}
          <Pager {...data} onPage={setPage} />
        </>
      )}
    </VStack>
  );
}
