import { Alert, BodyShort, Button, Heading, HStack, ProgressBar, Table, Tag, TextField, VStack } from '@navikt/ds-react';
import { UploadIcon } from '@navikt/aksel-icons';
import { useRef, useState } from 'react';
import { AvstemmingSection } from './avstemming.tsx';
import { api, upload, type Paged } from '../api.ts';
import { AppLink, Loading, Pager, TableBox, useData } from '../components.tsx';
import { bytes, dateTime } from '../format.ts';
import type { BatchOverview, UploadReport as IngestReport } from '../../../services/batches.service.ts';
export type { BatchOverview };

/** Processing progress: documents that have left the pipeline. */
export function processed(b: BatchOverview): number {
  return b.documents - b.processing;
}

export function MailRoomPage() {
  const [page, setPage] = useState(1);
  const batches = useData(() => api<Paged<BatchOverview>>(`/api/batches?page=${page}&pageSize=15`), [page], { everyMs: 2000 });
  return (
    <VStack gap="space-32">
      <Heading level="1" size="large">Postmottak</Heading>
      <Uploader onUploaded={() => void batches.reload()} />
      <section aria-labelledby="bunker">
        <Heading level="2" size="medium" id="bunker" spacing>Bunker</Heading>
        {!batches.data ? <Loading error={batches.error} /> : (
          <>
            <TableBox label="Bunker">
            <Table size="small" className="batches">
              <Table.Header>
                <Table.Row>
                  <Table.HeaderCell>Bunke</Table.HeaderCell>
                  <Table.HeaderCell>Navn</Table.HeaderCell>
                  <Table.HeaderCell>Mottatt</Table.HeaderCell>
                  <Table.HeaderCell align="right">Dokumenter</Table.HeaderCell>
                  <Table.HeaderCell align="right">Under behandling</Table.HeaderCell>
                  <Table.HeaderCell align="right">Manuell kø</Table.HeaderCell>
                  <Table.HeaderCell align="right">Levert</Table.HeaderCell>
                  <Table.HeaderCell align="right">Satt til side</Table.HeaderCell>
                  <Table.HeaderCell align="right">Duplikater</Table.HeaderCell>
                  <Table.HeaderCell>Fremdrift</Table.HeaderCell>
                </Table.Row>
              </Table.Header>
              <Table.Body>
                {batches.data.items.map((b) => (
                  <Table.Row key={b.id} data-batch={b.id}>
                    <Table.DataCell><AppLink to={`/postmottak/bunke/${b.id}`}>{b.id}</AppLink></Table.DataCell>
                    <Table.DataCell>{b.name}</Table.DataCell>
                    <Table.DataCell>{dateTime(b.createdAt)}</Table.DataCell>
                    <Table.DataCell align="right">{b.documents}</Table.DataCell>
                    <Table.DataCell align="right">{b.processing}</Table.DataCell>
                    <Table.DataCell align="right">{b.manual}</Table.DataCell>
                    <Table.DataCell align="right">{b.delivered}</Table.DataCell>
                    <Table.DataCell align="right">{b.setAside}</Table.DataCell>
                    <Table.DataCell align="right">{b.duplicates}</Table.DataCell>
                    <Table.DataCell className="progress-cell">
                      {b.documents === 0 ? <Tag size="small" variant="neutral">Tom</Tag> : b.finished ? <Tag size="small" variant="success">Ferdig</Tag> : (
                        <ProgressBar size="small" value={processed(b)} valueMax={b.documents} aria-label={`Behandlet ${processed(b)} av ${b.documents} i ${b.id}`} />
                      )}
                    </Table.DataCell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
            </TableBox>
            {batches.data.items.length === 0 && <BodyShort>Ingen bunker ennå.</BodyShort>}
            <Pager {...batches.data} onPage={setPage} />
          </>
        )}
      </section>
      <AvstemmingSection />
    </VStack>
  );
}

function Uploader({ onUploaded }: { onUploaded: () => void }) {
  const [files, setFiles] = useState<File[]>([]);
  const [name, setName] = useState('');
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [result, setResult] = useState<IngestReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const add = (list: FileList | null) => {
    if (list) setFiles((f) => [...f, ...Array.from(list)]);
    setResult(null);
    setError(null);
  };

  const send = async () => {
    const form = new FormData();
    if (name.trim()) form.append('batchName', name.trim());
    for (const f of files) form.append('files', f, f.name);
    setProgress({ loaded: 0, total: files.reduce((s, f) => s + f.size, 0) });
    setError(null);
    try {
      const report = await upload<IngestReport>('/api/uploads', form, setProgress);
      setResult(report);
      setFiles([]);
      setName('');
      onUploaded();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setProgress(null);
    }
  };

  return (
    <section aria-labelledby="last-opp">
      <Heading level="2" size="medium" id="last-opp" spacing>Last opp skannet post</Heading>
      <VStack gap="space-12">
        <div
          className={`dropzone ${over ? 'over' : ''}`}
          onDragOver={(e) => { e.preventDefault(); setOver(true); }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => { e.preventDefault(); setOver(false); add(e.dataTransfer.files); }}
        >
          <UploadIcon aria-hidden fontSize="2rem" />
          <BodyShort>Dra filer hit: PDF, TIFF, PNG, JPEG eller leverandørens ZIP-bunke</BodyShort>
          <Button variant="secondary" size="small" onClick={() => input.current?.click()}>Velg filer</Button>
          <input ref={input} type="file" multiple hidden data-testid="file-input" accept=".pdf,.tif,.tiff,.png,.jpg,.jpeg,.zip" onChange={(e) => { add(e.target.files); e.target.value = ''; }} />
        </div>
        {files.length > 0 && (
          <ul className="file-list" aria-label="Valgte filer">
            {files.map((f, i) => <li key={`${f.name}-${i}`}>{f.name} <span className="muted">({bytes(f.size)})</span></li>)}
          </ul>
        )}
        <HStack gap="space-12" align="end" wrap>
          <TextField label="Navn på bunken (valgfritt)" size="small" value={name} onChange={(e) => setName(e.target.value)} />
          <Button onClick={send} disabled={files.length === 0 || progress !== null} loading={progress !== null}>Last opp {files.length > 0 ? `${files.length} fil(er)` : ''}</Button>
        </HStack>
        {progress && (
          <ProgressBar value={progress.loaded} valueMax={Math.max(1, progress.total)} aria-label="Opplasting" />
        )}
        {error && <Alert variant="error">{error}</Alert>}
        {result && (
          <Alert variant="success">
            Bunke {result.batchId}: {result.documents.length} dokument(er) i arbeid, {result.duplicates.length} duplikat(er), {result.setAside.length} satt til side.
            {result.duplicates.length > 0 && (
              <ul>{result.duplicates.map((d) => <li key={d.file}>{d.file}: mottatt før{d.existingDocumentId ? ` (${d.existingDocumentId})` : ''}, ingen ny journalpost</li>)}</ul>
            )}
          </Alert>
        )}
      </VStack>
    </section>
  );
}
