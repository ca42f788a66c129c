import { BodyShort, Heading, HGrid, Box, Label, ProgressBar, Table, Tag, VStack } from '@navikt/ds-react';
import { api } from '../api.ts';
import { AppLink, Loading, TableBox, useData } from '../components.tsx';
import { dateTime, SOURCE_NAVN, stage, STATUS_NAVN, tema } from '../format.ts';
import { processed, type BatchOverview } from './mailroom.tsx';

interface Reconciliation {
  batch: BatchOverview;
  received: number;
  processed: number;
  documents: Array<{ id: string; file: string; status: string; stage: string; pages: number | null; tema: string | null; protected: boolean; mergedInto: string | null }>;
  setAside: Array<{ name: string; reason: string }>;
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <Box padding="space-12" borderRadius="8" className="count">
      <BodyShort size="small">{label}</BodyShort>
      <BodyShort size="large" weight="semibold" className="count-value">{value}</BodyShort>
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
      <AppLink to="/postmottak">← Alle bunker</AppLink>
      <Heading level="1" size="large" className="break">Bunke {b.id}: {b.name}</Heading>
      <BodyShort>Mottatt {dateTime(b.createdAt)} · {SOURCE_NAVN[b.source] ?? 'annen kilde'} · {b.pages} sider, {b.pagesRead} lest</BodyShort>
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
      <section aria-labelledby="dokumenter">
        <Heading level="2" size="medium" spacing id="dokumenter">Dokumenter</Heading>
        <TableBox label="Dokumenter i bunken">
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
                <Table.Row key={`${d.id}-${i}`} data-document={d.protected ? undefined : d.id}>
                  <Table.DataCell>
                    {d.protected
                      ? <Tag size="small" variant="neutral" title="Dokumentet telles med i avstemmingen, men kan ikke vises her">Skjermet dokument</Tag>
                      : d.status === 'manual' && !d.mergedInto ? <AppLink to={`/manuell/${d.id}`}>{d.id}</AppLink> : d.id}
                  </Table.DataCell>
                  <Table.DataCell className="break">{d.protected ? 'kan ikke vises' : d.file}</Table.DataCell>
                  <Table.DataCell>{d.mergedInto ? <>Slått sammen inn i {d.mergedInto}</> : STATUS_NAVN[d.status] ?? 'Ukjent'}</Table.DataCell>
                  <Table.DataCell>{d.mergedInto ? '—' : stage(d.stage)}</Table.DataCell>
                  <Table.DataCell align="right">{d.pages ?? '—'}</Table.DataCell>
                  <Table.DataCell>{tema(d.tema)}</Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </TableBox>
      </section>
      {data.setAside.length > 0 && (
        <section aria-labelledby="satt-til-side">
          <Heading level="2" size="medium" spacing id="satt-til-side">Satt til side</Heading>
          <ul className="break">{data.setAside.map((s, i) => <li key={i}><Label as="span" size="small">{s.name}</Label>: {s.reason}</li>)}</ul>
        </section>
      )}
    </VStack>
  );
}
