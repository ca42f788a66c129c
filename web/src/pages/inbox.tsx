import { Alert, BodyShort, Button, Checkbox, Heading, HStack, Select, Table, Tag, TextField, ToggleGroup, VStack } from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { api, type Me, type Paged } from '../api.ts';
import { AppLink, Loading, Pager, ProtectionTag, TableBox, useData } from '../components.tsx';
import { date, kind, TEMA_NAVN, tema } from '../format.ts';
import { navigate, setQuery } from '../router.ts';
import type { InboxItem } from '../../../services/inbox.service.ts';

const SORT: Record<string, string> = { oldest: 'Eldste først', newest: 'Nyeste først', tema: 'Tema', case: 'Sak' };

export function InboxPage({ me, unitId }: { me: Me; unitId?: string }) {
  const unit = unitId && me.units.includes(unitId) ? unitId : me.units[0]!;
  const initial = new URLSearchParams(location.search);
  const [state, setState] = useState<'new' | 'taken' | 'all'>((initial.get('vis') as 'new') ?? 'new');
  const [sort, setSort] = useState(initial.get('sort') ?? 'oldest');
  const [temaFilter, setTemaFilter] = useState(initial.get('tema') ?? '');
  const [q, setQ] = useState(initial.get('sok') ?? '');
  const [search, setSearch] = useState(q);
  const [page, setPage] = useState(1);
  const [chosen, setChosen] = useState<string[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setSearch(q.trim()), 300);
    return () => clearTimeout(timer);
  }, [q]);
  useEffect(() => setQuery({ vis: state === 'new' ? undefined : state, sort: sort === 'oldest' ? undefined : sort, tema: temaFilter || undefined, sok: search || undefined }), [state, sort, temaFilter, search]);
  const params = new URLSearchParams({ state, page: String(page), sort });
  if (temaFilter) params.set('tema', temaFilter);
  if (search) params.set('q', search);
  const { data, error, reload } = useData(() => api<Paged<InboxItem>>(`/api/inbox/${unit}?${params}`), [unit, params.toString()], { everyMs: 15000 });
  const toggle = (id: string, on: boolean) => setChosen((c) => (on ? [...c, id] : c.filter((x) => x !== id)));

  const takeChosen = async () => {
    setMessage(null);
    const failed: string[] = [];
    for (const id of chosen) {
      try {
        await api(`/api/inbox/${unit}/documents/${id}/take`, { method: 'POST' });
      } catch (e) {
        failed.push(`${id}: ${(e as Error).message}`);
      }
    }
    const taken = chosen.length - failed.length;
    setMessage(failed.length ? { ok: false, text: `${taken} tatt. Ikke tatt: ${failed.join('; ')}` } : { ok: true, text: `${taken} dokument(er) er tatt til behandling.` });
    setChosen([]);
    await reload();
  };

  return (
    <VStack gap="space-16">
      <HStack gap="space-16" align="end" justify="space-between" wrap>
        <Heading level="1" size="large">Innboks: {unit} {me.unitNames[unit]}</Heading>
        {me.units.length > 1 && (
          <Select label="Enhet" size="small" value={unit} onChange={(e) => navigate(`/innboks/${e.target.value}`)}>
            {me.units.map((u) => <option key={u} value={u}>{u} {me.unitNames[u]}</option>)}
          </Select>
        )}
      </HStack>
      <div className="toolbar">
        <ToggleGroup size="small" value={state} onChange={(v) => { setState(v as typeof state); setPage(1); setChosen([]); }} label="Vis">
          <ToggleGroup.Item value="new">Nye</ToggleGroup.Item>
          <ToggleGroup.Item value="taken">Tatt</ToggleGroup.Item>
          <ToggleGroup.Item value="all">Alle</ToggleGroup.Item>
        </ToggleGroup>
        <TextField label="Søk i innboksen" description="tittel, skjema, sak, journalpost eller tekst" size="small" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
        <Select label="Tema" size="small" value={temaFilter} onChange={(e) => { setTemaFilter(e.target.value); setPage(1); }}>
          <option value="">Alle tema</option>
          {Object.entries(TEMA_NAVN).map(([k, v]) => <option key={k} value={k}>{k} {v}</option>)}
        </Select>
        <Select label="Sorter" size="small" value={sort} onChange={(e) => { setSort(e.target.value); setPage(1); }}>
          {Object.entries(SORT).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </Select>
        <Button size="small" variant="secondary" disabled={chosen.length === 0} onClick={takeChosen}>Ta valgte ({chosen.length})</Button>
      </div>
      {message && <Alert variant={message.ok ? 'success' : 'error'} size="small" role="status">{message.text}</Alert>}
      {!data ? <Loading error={error} /> : (
        <>
          <TableBox label="Innboks">
            <Table size="small" className="inbox">
              <Table.Header>
                <Table.Row>
                  <Table.HeaderCell><span className="navds-sr-only">Velg</span></Table.HeaderCell>
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
                  <Table.Row key={d.documentId} data-document={d.documentId} selected={chosen.includes(d.documentId)}>
                    <Table.DataCell>
                      {!d.takenAt && <Checkbox hideLabel size="small" checked={chosen.includes(d.documentId)} onChange={(e) => toggle(d.documentId, e.target.checked)}>Velg {d.documentId}</Checkbox>}
                    </Table.DataCell>
                    <Table.DataCell>{date(d.receivedAt)}</Table.DataCell>
                    <Table.DataCell>
                      <AppLink to={`/innboks/${unit}/${d.documentId}`}>{d.documentId}</AppLink>
                      {d.protection && <div><ProtectionTag protection={d.protection} /></div>}
                    </Table.DataCell>
                    <Table.DataCell>{d.caseId ?? '—'}</Table.DataCell>
                    <Table.DataCell>{tema(d.tema)}</Table.DataCell>
                    <Table.DataCell>{d.formNumber ?? '—'}{d.title ? <BodyShort size="small" className="muted">{d.title}</BodyShort> : null}</Table.DataCell>
                    <Table.DataCell>{kind(d.kind)}</Table.DataCell>
                    <Table.DataCell>{d.personId ?? '—'}</Table.DataCell>
                    <Table.DataCell>{d.letter?.sentAt && d.letter.waitingFor > 0
                      ? <Tag size="small" variant="warning" title={d.missingAttachments.join(', ')}>Brev sendt, venter på {d.letter.waitingFor} vedlegg</Tag>
                      : d.missingAttachment
                      ? <Tag size="small" variant="warning" title={d.missingAttachments.length ? d.missingAttachments.join(', ') : d.expectedAttachment ?? ''}>
                          Mangler vedlegg{d.missingAttachments.length ? `: ${d.missingAttachments.join(', ')}` : ''}
                        </Tag>
                      : d.letter && d.letter.waitingFor === 0
                      ? <Tag size="small" variant="success">Ettersendte vedlegg mottatt</Tag>
                      : '—'}</Table.DataCell>
                    <Table.DataCell>{d.takenAt ? <Tag size="small" variant="success">Tatt av {d.takenBy}</Tag> : <Tag size="small" variant="info">Ny</Tag>}</Table.DataCell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
          </TableBox>
          {data.items.length === 0 && <BodyShort>{search || temaFilter ? 'Ingen dokumenter passer.' : 'Ingen dokumenter her.'}</BodyShort>}
          <Pager {...data} onPage={setPage} />
        </>
      )}
    </VStack>
  );
}
