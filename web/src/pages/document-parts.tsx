import { BodyShort, Heading, HStack, Label, Link, TextField, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { PageImage } from '../components.tsx';
import { kind, percent, tema } from '../format.ts';
import type { DocumentView } from '../../../services/document.service.ts';
export type { DocumentView };

/** Page images beside their OCR text; a search term is highlighted in the text. */
export function PagesWithText({ doc, thumbWidth = 360, purpose }: { doc: DocumentView; thumbWidth?: number; purpose?: string }) {
  const [highlight, setHighlight] = useState('');
  const why = purpose ? `&purpose=${encodeURIComponent(purpose)}` : '';
  return (
    <VStack gap="space-16">
      <HStack gap="space-12" align="end" wrap>
        <TextField label="Marker i teksten" size="small" value={highlight} onChange={(e) => setHighlight(e.target.value)} placeholder="f.eks. fødselsnummer" autoComplete="off" />
        {doc.hasArchivePdf && (
          <Link href={`/api/documents/${doc.id}/archive.pdf${why ? `?${why.slice(1)}` : ''}`} target="_blank" rel="noopener">Åpne søkbar PDF</Link>
        )}
      </HStack>
      {doc.pages.length === 0 && <BodyShort>Dokumentet har ingen lesbare sider.</BodyShort>}
      {doc.pages.map((p) => (
        <div key={p.pageNo} className="page-row" data-page={p.pageNo}>
          <div className="page-thumb">
            <PageImage src={`/api/documents/${doc.id}/pages/${p.pageNo}/image?width=${thumbWidth}${why}`} alt={`Side ${p.pageNo} av ${doc.id}`} />
            <BodyShort size="small">Side {p.pageNo}{p.confidence !== null ? ` · lesesikkerhet ${Math.round(p.confidence)} av 100` : ''}</BodyShort>
          </div>
          {/* Focusable, so the text can be scrolled and read with the keyboard. */}
          <pre className="ocr-text" tabIndex={0} aria-label={`Tekst på side ${p.pageNo}`}>{mark(p.text ?? '(ikke lest ennå)', highlight)}</pre>
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
      <Heading level="2" size="xsmall">Maskinens beste gjetning</Heading>
      <BodyShort size="small">
        Skjema: {doc.formNumber ?? 'ikke funnet'} · tema: {tema(doc.tema)} · dokumenttype: {kind(doc.kind).toLowerCase()} · sikkerhet: {percent(doc.confidence)}
      </BodyShort>
      {doc.reasons.length > 0 && (
        <>
          <Label size="small" as="p">Hvorfor</Label>
          <ul className="reasons">{doc.reasons.map((r, i) => <li key={i}><BodyShort size="small">{r}</BodyShort></li>)}</ul>
        </>
      )}
      {doc.manualReason && <BodyShort size="small">Venter på en person fordi: {doc.manualReason}</BodyShort>}
    </VStack>
  );
}
