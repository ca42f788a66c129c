import { BodyShort, Heading, HGrid, Box, Label, ProgressBar, Table, Tag, VStack, Link } from '@navikt/ds-react';
import { api } from '../api.ts';
import { Loading, useData } from '../components.tsx';
import { dateTime, STATUS_NAVN, tema } from '../format.ts';
import { navigate } from '../router.ts';
import { processed, type BatchOverview } from './mailroom.tsx';

interface Reconciliation {
  batch: BatchOverview;
  received: number;
  processed: number;
  documents: Array<{ id: string; file: string; status: string; stage: string; pages: number | null; tema: string | null; protected: boolean }>;
  setAside: Array<{ name: string; reason: string }>;
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <Box padding="space-12" borderRadius="8" className="count">
      <BodyShort size="small">{label}</BodyShort>
      <Heading level="3" size="large">{value}</Heading>
    </Box>
  );
}

/** Per-batch reconciliation: received = documents + duplicates + set aside. */
export function BatchPage({ id }: { id: string }) {
  const { data, error } = useData(() => api<Reconciliation>(`/api/batches/${id}`), [id], { everyMs: 2000 });
  if (!data) return <Loading error={error} />;
  const b = data.batch;
  return (
    <VStack gap="space-24">
      <Link href="/postmottak" onClick={(e) => { e.preventDefault(); navigate('/postmottak'); }}>← Alle bunker</Link>
      <Heading level="1" size="large">Bunke {b.id}: {b.name}</Heading>
      <BodyShort>Mottatt {dateTime(b.createdAt)} · kilde {b.source} · {b.pages} sider, {b.pagesRead} lest</BodyShort>
      <section aria-label="Avstemming">
        <HGrid columns={{ xs: 2, md: 6 }} gap="space-12">
          <Count label="Filer mottatt" value={data.received} />
          <Count label="Behandlet" value={data.processed} />
          <Count label="Under behandling" value={b.processing} />
          <Count label="Manuell kø" value={b.manual} />
          <Count label="Satt til side" value={b.setAside} />
          <Count label="Duplikater" value={b.duplicates} />
        </HGrid>
      </section>
      {b.documents > 0 && <ProgressBar value={processed(b)} valueMax={b.documents} aria-label="Behandlingsfremdrift" />}
      <section>
        <Heading level="2" size="medium" spacing>Dokumenter</Heading>
        <Table size="small">
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Journalpost</Table.HeaderCell>
              <Table.HeaderCell>Fil</Table.HeaderCell>
              <Table.HeaderCell>Status</Table.HeaderCell>
              <Table.HeaderCell>Steg</Table.HeaderCell>
              <Table.HeaderCell align="right">Sider</Table.HeaderCell>
              <Table.HeaderCell>Tema</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {data.documents.map((d, i) => (
              <Table.Row key={`${d.id}-${i}`}>
                <Table.DataCell>{d.protected ? <Tag size="small" variant="warning">Skjermet</Tag> : d.status === 'manual' ? <a href={`/manuell/${d.id}`} onClick={(e) => { e.preventDefault(); navigate(`/manuell/${d.id}`); }}>{d.id}</a> : d.id}</Table.DataCell>
                <Table.DataCell>{d.file}</Table.DataCell>
                <Table.DataCell>{STATUS_NAVN[d.status] ?? d.status}</Table.DataCell>
                <Table.DataCell>{d.stage}</Table.DataCell>
                <Table.DataCell align="right">{d.pages ?? '—'}</Table.DataCell>
                <Table.DataCell>{tema(d.tema)}</Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      </section>
      {data.setAside.length > 0 && (
        <section>
          <Heading level="2" size="medium" spacing>Satt til side</Heading>
          <ul>{data.setAside.map((s, i) => <li key={i}><Label as="span" size="small">{s.name}</Label>: {s.reason}</li>)}</ul>
        </section>
      )}
    </VStack>
  );
}
