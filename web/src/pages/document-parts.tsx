import { BodyShort, Button, Heading, HStack, Label, Tag, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { blobUrl } from '../api.ts';
import { PageImage } from '../components.tsx';
import type { DocumentView } from '../../../services/document.service.ts';
export type { DocumentView };

/** Page images beside their OCR text; a search term is highlighted in the text. */
export function PagesWithText({ doc, thumbWidth = 360 }: { doc: DocumentView; thumbWidth?: number }) {
  const [highlight, setHighlight] = useState('');
  const [pdfError, setPdfError] = useState<string | null>(null);
  const openPdf = async () => {
    try {
      window.open(await blobUrl(`/api/documents/${doc.id}/archive.pdf`), '_blank', 'noopener');
    } catch (e) {
      setPdfError((e as Error).message);
    }
  };
  return (
    <VStack gap="space-16">
      <HStack gap="space-12" align="end">
        <label className="highlight-field">
          <Label size="small" as="span">Marker i teksten</Label>
          <input className="navds-text-field__input" value={highlight} onChange={(e) => setHighlight(e.target.value)} placeholder="f.eks. fødselsnummer" />
        </label>
        {doc.hasArchivePdf && <Button variant="secondary" size="small" onClick={openPdf}>Åpne søkbar PDF</Button>}
        {pdfError && <BodyShort>{pdfError}</BodyShort>}
      </HStack>
      {doc.pages.length === 0 && <BodyShort>Dokumentet har ingen lesbare sider.</BodyShort>}
      {doc.pages.map((p) => (
        <div key={p.pageNo} className="page-row" data-page={p.pageNo}>
          <div className="page-thumb">
            <PageImage src={`/api/documents/${doc.id}/pages/${p.pageNo}/image?width=${thumbWidth}`} alt={`Side ${p.pageNo} av ${doc.id}`} />
            <BodyShort size="small">Side {p.pageNo}{p.confidence !== null ? ` · OCR-sikkerhet ${Math.round(p.confidence)}` : ''}</BodyShort>
          </div>
          <pre className="ocr-text" aria-label={`Tekst side ${p.pageNo}`}>{mark(p.text ?? '(ikke lest ennå)', highlight)}</pre>
        </div>
      ))}
    </VStack>
  );
}

function mark(text: string, term: string) {
  const t = term.trim();
  if (t.length < 2) return text;
  const parts = text.split(new RegExp(`(${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`, 'gi'));
  return parts.map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part));
}

export function Guesses({ doc }: { doc: DocumentView }) {
  return (
    <VStack gap="space-4" className="guesses">
      <Heading level="3" size="xsmall">Maskinens beste gjetning</Heading>
      <BodyShort size="small">Skjema: {doc.formNumber ?? '—'} · tema: {doc.tema ?? '—'} · type: {doc.kind ?? '—'} · sikkerhet: {doc.confidence ?? '—'}</BodyShort>
      {doc.reasons.length > 0 && <HStack gap="space-4">{doc.reasons.map((r) => <Tag key={r} size="xsmall" variant="neutral">{r}</Tag>)}</HStack>}
      {doc.manualReason && <BodyShort size="small">Årsak til manuell behandling: {doc.manualReason}</BodyShort>}
    </VStack>
  );
}
