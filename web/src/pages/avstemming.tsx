import { BodyShort, Detail, Heading, Link, ReadMore, Table, Tag, VStack } from '@navikt/ds-react';
import { api } from '../api.ts';
import { Loading, useData } from '../components.tsx';
import { navigate } from '../router.ts';
import type { Reconciliation } from '../../../services/reconciliation.service.ts';

/**
 * The daily reconciliation (avstemming) against the vendor's file of what it delivered: per
 * delivery day, how many references the vendor listed, how many we received, and which never came
 * (file names, no personal data). A section of the mail room (the latest days) and a page of its
 * own (/postmottak/avstemming, more days). Data: GET /api/reconciliations.
 */

const dayFmt = new Intl.DateTimeFormat('nb-NO', { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
const dayText = (day: string) => dayFmt.format(new Date(`${day}T12:00:00Z`));

/** The latest run for each day (a day may be run again, e.g. when the file came late). */
export function latestPerDay(items: Reconciliation[]): Reconciliation[] {
  const seen = new Set<string>();
  return items.filter((r) => !seen.has(r.day) && seen.add(r.day));
}

function StatusTag({ r }: { r: Reconciliation }) {
  switch (r.status) {
    case 'ok': return <Tag size="small" variant="success">Alt mottatt</Tag>;
    case 'missing': return <Tag size="small" variant="warning">{r.missing.length} mangler</Tag>;
    case 'no-file': return <Tag size="small" variant="error">Avstemmingsfil mangler</Tag>;
    default: return <Tag size="small" variant="neutral">Ingen fil forventet</Tag>;
  }
}

const SHOWN = 5;

function Missing({ r }: { r: Reconciliation }) {
  if (r.status === 'not-expected' || r.status === 'no-file') {
    // The reason in words (a public holiday, a weekend, or what to do when the file is missing).
    const why = r.note ? r.note.charAt(0).toUpperCase() + r.note.slice(1) : '';
    return <BodyShort size="small">{why}</BodyShort>;
  }
  if (r.missing.length === 0) return <BodyShort size="small">Ingen</BodyShort>;
  const list = (refs: string[]) => <ul className="avstemming-refs" style={{ margin: 0, paddingLeft: '1.1rem', overflowWrap: 'anywhere' }}>{refs.map((m) => <li key={m}>{m}</li>)}</ul>;
  return (
    <>
      {list(r.missing.slice(0, SHOWN))}
      {r.missing.length > SHOWN && <ReadMore size="small" header={`Vis ${r.missing.length - SHOWN} til`}>{list(r.missing.slice(SHOWN))}</ReadMore>}
    </>
  );
}

function ReconciliationTable({ items }: { items: Reconciliation[] }) {
  if (items.length === 0) return <BodyShort>Ingen avstemminger ennå.</BodyShort>;
  return (
    // Scrolls sideways inside its own box on a narrow screen, never the page.
    <div role="region" aria-label="Avstemming per dag" tabIndex={0} style={{ overflowX: 'auto' }}>
      <Table size="small">
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell scope="col">Leveringsdag</Table.HeaderCell>
            <Table.HeaderCell scope="col">Status</Table.HeaderCell>
            <Table.HeaderCell scope="col" align="right">Oppgitt av leverandøren</Table.HeaderCell>
            <Table.HeaderCell scope="col" align="right">Mottatt</Table.HeaderCell>
            <Table.HeaderCell scope="col">Mangler</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {items.map((r) => {
            const hasFile = r.status === 'ok' || r.status === 'missing';
            return (
              <Table.Row key={r.id} data-day={r.day}>
                <Table.DataCell>
                  {dayText(r.day)}
                  {r.fileName && <Detail className="muted" style={{ overflowWrap: 'anywhere' }}>{r.fileName}</Detail>}
                </Table.DataCell>
                <Table.DataCell><StatusTag r={r} /></Table.DataCell>
                <Table.DataCell align="right">{hasFile ? r.expected : '–'}</Table.DataCell>
                <Table.DataCell align="right">
                  {hasFile ? r.filed + r.setAside : '–'}
                  {hasFile && r.setAside > 0 && <Detail className="muted">{r.setAside} satt til side</Detail>}
                </Table.DataCell>
                <Table.DataCell><Missing r={r} /></Table.DataCell>
              </Table.Row>
            );
          })}
        </Table.Body>
      </Table>
    </div>
  );
}

const INTRO = 'Leverandøren sender hver virkedag en liste over filene de skannet og leverte. Her ser du hvor mange vi har mottatt, og hvilke filer som aldri kom.';

/** The mail room's section: the latest days, with a link to the page with more. */
export function AvstemmingSection({ days = 7 }: { days?: number }) {
  const { data, error } = useData(() => api<{ items: Reconciliation[] }>(`/api/reconciliations?limit=${days * 3}`), [days]);
  return (
    <section aria-labelledby="avstemming">
      <Heading level="2" size="medium" id="avstemming" spacing>Daglig avstemming mot leverandøren</Heading>
      <BodyShort spacing>{INTRO}</BodyShort>
      {!data ? <Loading error={error} /> : <ReconciliationTable items={latestPerDay(data.items).slice(0, days)} />}
      <BodyShort spacing={false} style={{ marginTop: '0.5rem' }}>
        <Link href="/postmottak/avstemming" onClick={(e) => { e.preventDefault(); navigate('/postmottak/avstemming'); }}>Se avstemming for flere dager</Link>
      </BodyShort>
    </section>
  );
}

/** /postmottak/avstemming: the last 90 days. */
export function AvstemmingPage() {
  const { data, error } = useData(() => api<{ items: Reconciliation[] }>('/api/reconciliations?limit=365'), []);
  return (
    <VStack gap="space-24">
      <Link href="/postmottak" onClick={(e) => { e.preventDefault(); navigate('/postmottak'); }}>← Postmottak</Link>
      <Heading level="1" size="large">Daglig avstemming mot leverandøren</Heading>
      <BodyShort>{INTRO}</BodyShort>
      {!data ? <Loading error={error} /> : <ReconciliationTable items={latestPerDay(data.items).slice(0, 90)} />}
    </VStack>
  );
}
