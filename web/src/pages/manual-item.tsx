import { Alert, BodyShort, Box, Button, Heading, HStack, Link, Select, TextField, VStack } from '@navikt/ds-react';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api.ts';
import { Loading, useData } from '../components.tsx';
import { KIND_NAVN, TEMA_NAVN } from '../format.ts';
import { navigate } from '../router.ts';
import { Guesses, PagesWithText, type DocumentView } from './document-parts.tsx';

interface ResolveResult {
  documentId: string;
  caseId: string;
  outcome: 'delivered' | 'manual';
  units: Array<{ unitId: string; name: string }>;
  corrections: number;
}

export function ManualItemPage({ id }: { id: string }) {
  const { data: doc, error, reload } = useData(() => api<DocumentView>(`/api/manual/${id}`), [id]);
  const [personId, setPersonId] = useState('');
  const [tema, setTema] = useState('');
  const [formNumber, setFormNumber] = useState('');
  const [kind, setKind] = useState('other');
  const [splitAt, setSplitAt] = useState('2');
  const [mergeWith, setMergeWith] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  // The machine's reading fills the form once; later reloads (pages still being read, split, merge) keep what the operator typed.
  const filledFor = useRef<string | null>(null);
  useEffect(() => {
    if (!doc || filledFor.current === doc.id) return;
    filledFor.current = doc.id;
    setPersonId(doc.personId ?? '');
    setTema(doc.tema && doc.tema !== 'UKJ' ? doc.tema : '');
    setFormNumber(doc.formNumber ?? '');
    setKind(doc.kind ?? 'other');
  }, [doc]);

  // The header fast path can send a document here before its full text is read: refresh until it is.
  const unread = doc?.pages.some((p) => p.text === null) ?? false;
  useEffect(() => {
    if (!unread) return;
    const timer = setTimeout(() => void reload(), 2000);
    return () => clearTimeout(timer);
  }, [doc, unread, reload]);

  const act = async (fn: () => Promise<string>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ ok: true, text: await fn() });
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const resolve = () => act(async () => {
    const r = await api<ResolveResult>(`/api/manual/${id}/resolve`, {
      method: 'POST', body: { personId: personId.replace(/\s/g, ''), tema, formNumber: formNumber.trim() || null, kind },
    });
    return r.outcome === 'delivered'
      ? `${id} er knyttet til sak ${r.caseId} og sendt til ${r.units.map((u) => `${u.unitId} ${u.name}`).join(' og ')}. ${r.corrections} rettelse(r) lagret.`
      : `${id} er knyttet til sak ${r.caseId}, men reglene fant ingen enhet: den ligger fortsatt i køen.`;
  });
  const split = () => act(async () => {
    const r = await api<{ newDocumentId: string }>(`/api/manual/${id}/split`, { method: 'POST', body: { fromPage: Number(splitAt) } });
    await reload();
    return `Sidene fra side ${splitAt} er nå ${r.newDocumentId} i køen.`;
  });
  const merge = () => act(async () => {
    const other = mergeWith.trim().toUpperCase();
    const r = await api<{ pages: number }>(`/api/manual/${id}/merge`, { method: 'POST', body: { otherId: other } });
    await reload();
    return `${other} er slått sammen inn i ${id} (${r.pages} sider).`;
  });

  if (!doc) return <Loading error={error} />;
  const done = message?.ok && message.text.includes('sendt til');
  return (
    <VStack gap="space-24">
      <Link href="/manuell" onClick={(e) => { e.preventDefault(); navigate('/manuell'); }}>← Manuell kø</Link>
      <Heading level="1" size="large">{doc.id}: {doc.file}</Heading>
      <div className="manual-layout">
        <div className="manual-pages">
          <PagesWithText doc={doc} thumbWidth={300} />
        </div>
        <Box padding="space-16" borderRadius="8" className="manual-form">
          <VStack gap="space-12">
            <Guesses doc={doc} />
            <Heading level="2" size="small">Operatørens lesning</Heading>
            <TextField label="Fødselsnummer" value={personId} onChange={(e) => setPersonId(e.target.value)} inputMode="numeric" autoComplete="off" />
            {doc.personName && doc.personId === personId && <BodyShort size="small">Folkeregisteret: {doc.personName}</BodyShort>}
            <Select label="Tema" value={tema} onChange={(e) => setTema(e.target.value)}>
              <option value="">Velg tema</option>
              {Object.entries(TEMA_NAVN).filter(([k]) => k !== 'UKJ').map(([k, v]) => <option key={k} value={k}>{k} {v}</option>)}
            </Select>
            <TextField label="Skjemanummer (valgfritt)" description="f.eks. NAV 04-01.03" value={formNumber} onChange={(e) => setFormNumber(e.target.value)} />
            <Select label="Dokumenttype" value={kind} onChange={(e) => setKind(e.target.value)}>
              {Object.entries(KIND_NAVN).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </Select>
            <Button onClick={resolve} loading={busy} disabled={!tema || personId.replace(/\s/g, '').length !== 11 || Boolean(done)}>Send videre</Button>
            {message && <Alert variant={message.ok ? 'success' : 'error'} size="small" role="status">{message.text}</Alert>}
            <Heading level="2" size="small">Del eller slå sammen</Heading>
            <HStack gap="space-8" align="end">
              <Select label="Del fra side" size="small" value={splitAt} onChange={(e) => setSplitAt(e.target.value)}>
                {doc.pages.slice(1).map((p) => <option key={p.pageNo} value={p.pageNo}>{p.pageNo}</option>)}
              </Select>
              <Button size="small" variant="secondary" onClick={split} disabled={doc.pages.length < 2 || busy}>Del dokumentet</Button>
            </HStack>
            <HStack gap="space-8" align="end">
              <TextField label="Slå sammen med" size="small" placeholder="JP…" value={mergeWith} onChange={(e) => setMergeWith(e.target.value)} />
              <Button size="small" variant="secondary" onClick={merge} disabled={!/^jp\d+$/i.test(mergeWith.trim()) || busy}>Slå sammen</Button>
            </HStack>
          </VStack>
        </Box>
      </div>
    </VStack>
  );
}
