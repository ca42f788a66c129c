import { Alert, BodyShort, Box, Button, Heading, HStack, Process, Select, Tag, TextField, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { api } from '../api.ts';
import { dateTime, kind, STATUS_NAVN, tema } from '../format.ts';
import type { Timeline } from '../../../services/timeline.service.ts';

const PURPOSES = ['Svar på henvendelse fra bruker', 'Saksbehandling', 'Oppfølging av avvik', 'Kontroll'];

export function StatusPage() {
  const [query, setQuery] = useState(new URLSearchParams(location.search).get('sok') ?? '');
  // No purpose is chosen for the user: the access log must say why this look-up was made.
  const [purpose, setPurpose] = useState('');
  const [result, setResult] = useState<Timeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!purpose || query.trim().length < 2) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api<Timeline>(`/api/status/${encodeURIComponent(query.trim())}?purpose=${encodeURIComponent(purpose)}`));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <VStack gap="space-24">
      <Heading level="1" size="large">Statusoppslag</Heading>
      <form onSubmit={search} role="search" aria-label="Statusoppslag">
        <HStack gap="space-12" align="end" wrap>
          <TextField label="Journalpost-id, saksnummer eller fødselsnummer" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
          <Select label="Formål (logges)" value={purpose} onChange={(e) => setPurpose(e.target.value)}>
            <option value="">Velg formål</option>
            {PURPOSES.map((p) => <option key={p} value={p}>{p}</option>)}
          </Select>
          <Button type="submit" loading={busy} disabled={query.trim().length < 2 || !purpose}>Søk</Button>
        </HStack>
      </form>
      <BodyShort size="small" className="muted">Oppslaget registreres i tilgangsloggen med hvem, når, hva og formål.</BodyShort>
      {error && <Alert variant="warning">{error}</Alert>}
      {result && result.documents.map((d) => (
        <Box key={d.id} padding="space-16" borderRadius="8" className="status-doc" data-document={d.id}>
          <VStack gap="space-12">
            <Heading level="2" size="medium" className="break">{d.id}{d.title ? `: ${d.title}` : ''}</Heading>
            <BodyShort className="now">Nå: {d.now}</BodyShort>
            <HStack gap="space-8" wrap>
              <Tag size="small" variant={d.status === 'manual' ? 'warning' : d.status === 'processing' ? 'info' : 'success'}>{STATUS_NAVN[d.status] ?? 'Ukjent'}</Tag>
              <Tag size="small" variant="neutral">{tema(d.tema)}</Tag>
              {d.kind && <Tag size="small" variant="neutral">{kind(d.kind)}</Tag>}
              {d.caseId && <Tag size="small" variant="neutral">Sak {d.caseId}</Tag>}
              {d.person && <Tag size="small" variant="neutral">Bruker {d.person}</Tag>}
            </HStack>
            {d.deliveries.length > 0 && (
              <BodyShort>
                Levert til: {d.deliveries.map((x) => `${x.unitId} ${x.name}${x.returnedAt ? ' (sendt tilbake)' : x.takenAt ? ' (tatt)' : ''}`).join(', ')}
              </BodyShort>
            )}
            <Process hideStatusText aria-label={`Hendelser for ${d.id}`}>
              {d.history.map((h, i) => (
                <Process.Event key={i} title={h.text} timestamp={dateTime(h.at)} status={i === d.history.length - 1 ? 'active' : 'completed'} />
              ))}
            </Process>
          </VStack>
        </Box>
      ))}
    </VStack>
  );
}
