import { BodyShort, Button, Heading, Link, List, Tag, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { api } from '../api.ts';
import { AppLink, useData } from '../components.tsx';
import { date, dateTime } from '../format.ts';
import type { LetterView } from '../../../services/letters.service.ts';

const LANGUAGE: Record<string, string> = { nb: 'bokmål', nn: 'nynorsk', en: 'engelsk' };

/** The letters sent to the person about this document, and which of the items named in them have come. */
export function LettersPanel({ documentId, purpose, unitPath }: { documentId: string; purpose: string; unitPath?: string }) {
  const why = `purpose=${encodeURIComponent(purpose)}`;
  const { data, reload } = useData(() => api<{ letters: LetterView[] }>(`/api/documents/${documentId}/letters?${why}`), [documentId], { everyMs: 15000 });
  const [retried, setRetried] = useState<string | null>(null);
  const retry = async (id: number) => {
    try {
      const r = await api<{ status: string }>(`/api/documents/${documentId}/letters/${id}/retry?${why}`, { method: 'POST' });
      setRetried(r.status === 'sent' ? 'Brevet er sendt.' : 'Brevet kunne ikke sendes nå heller; det prøves igjen automatisk.');
    } catch (e) {
      setRetried((e as Error).message);
    }
    await reload();
  };
  if (!data || data.letters.length === 0) return null;
  return (
    <section aria-label="Brev til bruker" className="letters">
      <VStack gap="space-8">
        <Heading level="2" size="small">Brev til bruker om manglende vedlegg</Heading>
        {data.letters.map((l) => (
          <VStack key={l.id} gap="space-4" data-letter={l.id}>
            <BodyShort>
              {l.status === 'failed' ? <Tag size="small" variant="error">Brevet kunne ikke sendes etter {l.attempts} forsøk og er stanset</Tag>
                : l.status !== 'sent' ? <Tag size="small" variant="neutral">Brevet er laget, men ikke sendt ennå</Tag>
                : l.waitingFor > 0 ? <Tag size="small" variant="warning">Brev sendt, venter på {l.waitingFor} vedlegg</Tag>
                : <Tag size="small" variant="success">Alle vedlegg i brevet er mottatt</Tag>}
            </BodyShort>
            <BodyShort size="small">
              {l.sentAt ? `Sendt ${dateTime(l.sentAt)}` : `Laget ${dateTime(l.createdAt)}`} på {LANGUAGE[l.language] ?? l.language} · frist {date(l.deadline)} · førsteside for ettersendelse {l.followUpSheet}
            </BodyShort>
            <List as="ul" size="small">
              {l.items.map((i) => (
                <List.Item key={i.name}>
                  {i.arrivedIn
                    ? <>✓ {i.name}: mottatt i {unitPath ? <AppLink to={`${unitPath}/${i.arrivedIn}`}>{i.arrivedIn}</AppLink> : i.arrivedIn}</>
                    : <>{i.name}: ikke mottatt</>}
                </List.Item>
              ))}
            </List>
            {l.status === 'failed' && unitPath && <Button size="xsmall" variant="secondary" className="letter-retry" onClick={() => void retry(l.id)}>Send brevet på nytt</Button>}
            {retried && <BodyShort size="small" role="status">{retried}</BodyShort>}
            {l.status === 'sent' && <Link href={`/api/documents/${documentId}/letters/${l.id}/pdf?${why}`} target="_blank" rel="noopener">Åpne brevet (PDF)</Link>}
          </VStack>
        ))}
      </VStack>
    </section>
  );
}
