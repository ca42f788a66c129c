import { Alert, BodyShort, Button, Checkbox, Heading, Select, Table, TextField, VStack } from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { api, type Me, type Paged } from '../api.ts';
import { AppLink, Loading, PageImage, Pager, ProtectionTag, TableBox, useData } from '../components.tsx';
import { dateTime, kind, TEMA_NAVN, tema } from '../format.ts';
import { setQuery } from '../router.ts';
import type { ManualItem } from '../../../services/manual-queue.service.ts';
export type { ManualItem };

const SORT: Record<string, string> = { oldest: 'Eldste først', newest: 'Nyeste først', tema: 'Tema', reason: 'Årsak', file: 'Filnavn' };

/** The ids in the queue in its order, for "next item" on an item's page. */
export async function nextInQueue(after: string): Promise<string | null> {
  const q = new URLSearchParams(location.search);
  const list = await api<Paged<ManualItem>>(`/api/manual?pageSize=25&sort=${q.get('sort') ?? 'oldest'}`);
  return list.items.find((i) => i.documentId !== after)?.documentId ?? null;
}

export function ManualQueuePage({ me }: { me: Me }) {
  const initial = new URLSearchParams(location.search);
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState(initial.get('sort') ?? 'oldest');
  const [temaFilter, setTemaFilter] = useState(initial.get('tema') ?? '');
  const [q, setQ] = useState(initial.get('sok') ?? '');
  const [search, setSearch] = useState(q);
  const [chosen, setChosen] = useState<string[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // Wait for a pause in typing before searching.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(q.trim()), 300);
    return () => clearTimeout(timer);
  }, [q]);
  useEffect(() => setQuery({ sort: sort === 'oldest' ? undefined : sort, tema: temaFilter || undefined, sok: search || undefined }), [sort, temaFilter, search]);
  const params = new URLSearchParams({ page: String(page), sort });
  if (temaFilter) params.set('tema', temaFilter);
  if (search) params.set('q', search);
  const { data, error, reload } = useData(() => api<Paged<ManualItem>>(`/api/manual?${params}`), [params.toString()], { everyMs: 10000 });
  const toggle = (id: string, on: boolean) => setChosen((c) => (on ? [...c, id] : c.filter((x) => x !== id)));

  // Several documents that are one letter: the later ones' pages go after the first one's, in the order they were scanned.
  const mergeChosen = async () => {
    const order = (data?.items ?? []).filter((i) => chosen.includes(i.documentId))
      .sort((x, y) => x.receivedAt.localeCompare(y.receivedAt) || Number(x.documentId.slice(2)) - Number(y.documentId.slice(2)))
      .map((i) => i.documentId);
    const [first, ...rest] = order;
    setMessage(null);
    try {
      for (const other of rest) await api(`/api/manual/${first}/merge`, { method: 'POST', body: { otherId: other } });
      setMessage({ ok: true, text: `${rest.join(', ')} er slått sammen inn i ${first}.` });
      setChosen([]);
      await reload();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };

  return (
    <VStack gap="space-16">
      <Heading level="1" size="large">{me.handlesProtected ? 'Manuell kø: strengt fortrolig adresse' : 'Manuell kø'}</Heading>
      <BodyShort>
        {me.handlesProtected
          ? 'Dokumenter til personer med strengt fortrolig adresse (kode 6) som trenger en person: bare NAV Vikafossen ser dem.'
          : 'Dokumenter maskinen ikke kunne lese, identifisere eller rute.'}
      </BodyShort>
      <div className="toolbar">
        <TextField label="Søk i køen" description="filnavn, årsak, journalpost eller tekst" size="small" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
        <Select label="Tema" size="small" value={temaFilter} onChange={(e) => { setTemaFilter(e.target.value); setPage(1); }}>
          <option value="">Alle tema</option>
          {Object.entries(TEMA_NAVN).map(([k, v]) => <option key={k} value={k}>{k} {v}</option>)}
        </Select>
        <Select label="Sorter" size="small" value={sort} onChange={(e) => { setSort(e.target.value); setPage(1); }}>
          {Object.entries(SORT).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </Select>
        <Button size="small" variant="secondary" disabled={chosen.length < 2} onClick={mergeChosen}>Slå sammen valgte ({chosen.length})</Button>
      </div>
      {message && <Alert variant={message.ok ? 'success' : 'error'} size="small" role="status">{message.text}</Alert>}
      {!data ? <Loading error={error} /> : (
        <>
          <TableBox label="Manuell kø">
            <Table size="small" className="manual">
              <Table.Header>
                <Table.Row>
                  <Table.HeaderCell><span className="navds-sr-only">Velg</span></Table.HeaderCell>
                  <Table.HeaderCell>Side 1</Table.HeaderCell>
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
                  <Table.Row key={m.documentId} data-document={m.documentId} selected={chosen.includes(m.documentId)}>
                    <Table.DataCell>
                      <Checkbox hideLabel size="small" checked={chosen.includes(m.documentId)} onChange={(e) => toggle(m.documentId, e.target.checked)}>Velg {m.documentId}</Checkbox>
                    </Table.DataCell>
                    <Table.DataCell>{(m.pages ?? 0) > 0 && <PageImage src={`/api/documents/${m.documentId}/pages/1/image?width=96`} alt={`Side 1 av ${m.documentId}`} className="thumb" />}</Table.DataCell>
                    <Table.DataCell>
                      <AppLink to={`/manuell/${m.documentId}${location.search}`}>{m.documentId}</AppLink>
                      {m.protection && <div><ProtectionTag protection={m.protection} /></div>}
                    </Table.DataCell>
                    <Table.DataCell>{dateTime(m.receivedAt)}</Table.DataCell>
                    <Table.DataCell className="break">{m.fileName}</Table.DataCell>
                    <Table.DataCell>{m.reason ?? '—'}</Table.DataCell>
                    <Table.DataCell>{tema(m.tema)}</Table.DataCell>
                    <Table.DataCell>{kind(m.kind)}</Table.DataCell>
                    <Table.DataCell align="right">{m.pages ?? '—'}</Table.DataCell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
          </TableBox>
          {data.items.length === 0 && <BodyShort>{search || temaFilter ? 'Ingen dokumenter passer.' : 'Køen er tom.'}</BodyShort>}
          <BodyShort size="small" className="muted">{data.total} dokument(er) i køen{search || temaFilter ? ' som passer' : ''}.</BodyShort>
          <Pager {...data} onPage={setPage} />
        </>
      )}
    </VStack>
  );
}
