import { BodyShort, Heading, Table, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { api, type Paged } from '../api.ts';
import { Loading, Pager, useData } from '../components.tsx';
import { dateTime, KIND_NAVN, tema } from '../format.ts';
import { navigate } from '../router.ts';
import type { ManualItem } from '../../../services/manual-queue.service.ts';
export type { ManualItem };

export function ManualQueuePage() {
  const [page, setPage] = useState(1);
  const { data, error } = useData(() => api<Paged<ManualItem>>(`/api/manual?page=${page}`), [page], { everyMs: 5000 });
  return (
    <VStack gap="space-16">
      <Heading level="1" size="large">Manuell kø</Heading>
      <BodyShort>Dokumenter maskinen ikke kunne lese, identifisere eller rute. Eldste først.</BodyShort>
      {!data ? <Loading error={error} /> : (
        <>
          <Table size="small">
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Journalpost</Table.HeaderCell>
                <Table.HeaderCell>Mottatt</Table.HeaderCell>
                <Table.HeaderCell>Fil</Table.HeaderCell>
                <Table.HeaderCell>Årsak</Table.HeaderCell>
                <Table.HeaderCell>Maskinens tema</Table.HeaderCell>
                <Table.HeaderCell>Type</Table.HeaderCell>
                <Table.HeaderCell align="right">Sider</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.items.map((m) => (
                <Table.Row key={m.documentId} data-document={m.documentId}>
                  <Table.DataCell><a href={`/manuell/${m.documentId}`} onClick={(e) => { e.preventDefault(); navigate(`/manuell/${m.documentId}`); }}>{m.documentId}</a></Table.DataCell>
                  <Table.DataCell>{dateTime(m.receivedAt)}</Table.DataCell>
                  <Table.DataCell>{m.fileName}</Table.DataCell>
                  <Table.DataCell>{m.reason ?? '—'}</Table.DataCell>
                  <Table.DataCell>{tema(m.tema)}</Table.DataCell>
                  <Table.DataCell>{m.kind ? KIND_NAVN[m.kind] ?? m.kind : '—'}</Table.DataCell>
                  <Table.DataCell align="right">{m.pages ?? '—'}</Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          {data.items.length === 0 && <BodyShort>Køen er tom.</BodyShort>}
          <Pager {...data} onPage={setPage} />
        </>
      )}
    </VStack>
  );
}
