import { Alert, BodyShort, Box, Button, Heading, HStack, Select, TextField, VStack } from '@navikt/ds-react';
import { useEffect, useRef, useState } from 'react';
import { api, type Me } from '../api.ts';
import { AppLink, Loading, ProtectionTag, useData } from '../components.tsx';
import { KIND_NAVN, TEMA_NAVN } from '../format.ts';
import { navigate } from '../router.ts';
import { Guesses, PagesWithText, type DocumentView } from './document-parts.tsx';
import { nextInQueue } from './manual-queue.tsx';

interface ResolveResult {
  documentId: string;
  caseId: string;
  outcome: 'delivered' | 'manual';
  units: Array<{ unitId: string; name: string }>;
  corrections: number;
}
interface Unit { unitId: string; name: string; type: string }

export function ManualItemPage({ id, me }: { id: string; me: Me }) {
  const { data: doc, error, reload } = useData(() => api<DocumentView>(`/api/manual/${id}`), [id]);
  const units = useData(() => api<Unit[]>('/api/units'), []);
  const [personId, setPersonId] = useState('');
  const [tema, setTema] = useState('');
  const [formNumber, setFormNumber] = useState('');
  const [kind, setKind] = useState('other');
  const [unitId, setUnitId] = useState('');
  const [splitAt, setSplitAt] = useState('2');
  const [mergeWith, setMergeWith] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const nextButton = useRef<HTMLButtonElement>(null);

  // The machine's reading fills the form once; later reloads (pages still being read, split, merge) keep what the operator typed.
  const filledFor = useRef<string | null>(null);
  useEffect(() => {
    if (!doc || filledFor.current === doc.id) return;
    filledFor.current = doc.id;
    setPersonId(doc.personId ?? '');
    setTema(doc.tema && doc.tema !== 'UKJ' ? doc.tema : '');
    setFormNumber(doc.formNumber ?? '');
    setKind(doc.kind ?? 'other');
    setUnitId('');
    setDone(false);
    setMessage(null);
  }, [doc]);
  useEffect(() => { if (done) nextButton.current?.focus(); }, [done]);

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

  const fnr = personId.replace(/\s/g, '');
  const ready = Boolean(tema) && /^\d{11}$/.test(fnr) && !done;
  const resolve = (e: React.FormEvent) => {
    e.preventDefault();
    if (!ready || busy) return;
    void act(async () => {
      const r = await api<ResolveResult>(`/api/manual/${id}/resolve`, {
        method: 'POST', body: { personId: fnr, tema, formNumber: formNumber.trim() || null, kind, ...(unitId ? { unitId } : {}) },
      });
      setDone(r.outcome === 'delivered');
      return r.outcome === 'delivered'
        ? `${id} er knyttet til sak ${r.caseId} og sendt til ${r.units.map((u) => `${u.unitId} ${u.name}`).join(' og ')}. ${r.corrections} rettelse(r) lagret.`
        : `${id} er knyttet til sak ${r.caseId}, men reglene fant ingen enhet: velg enhet og send på nytt.`;
    });
  };
  const goNext = async () => {
    const next = await nextInQueue(id).catch(() => null);
    navigate(next ? `/manuell/${next}${location.search}` : `/manuell${location.search}`);
  };
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

  if (!doc) {
    return (
      <VStack gap="space-16">
        <AppLink to="/manuell">← Manuell kø</AppLink>
        <Loading error={error} />
      </VStack>
    );
  }
  return (
    <VStack gap="space-24">
      <HStack gap="space-16" justify="space-between" wrap>
        <AppLink to={`/manuell${location.search}`}>← Manuell kø</AppLink>
        <Button size="small" variant="tertiary" onClick={goNext}>Hopp til neste</Button>
      </HStack>
      <Heading level="1" size="large" className="break">{doc.id}: {doc.file}</Heading>
      {doc.protection === 'strengt-fortrolig' && (
        <Alert variant="error" size="small">Strengt fortrolig adresse (kode 6): dokumentet behandles bare i NAV Vikafossen, og adressen skal aldri ut av enheten.</Alert>
      )}
      {doc.protection && doc.protection !== 'strengt-fortrolig' && <div><ProtectionTag protection={doc.protection} long /></div>}
      {doc.returns.map((r) => (
        <Alert key={`${r.unitId}-${r.at}`} variant="warning" size="small">
          Sendt tilbake av {r.unitId} {r.name}: {r.reason}. Reglene sender det ikke dit igjen; velg enheten selv om du mener den er riktig.
        </Alert>
      ))}
      <div className="manual-layout">
        <div className="manual-pages">
          <PagesWithText doc={doc} thumbWidth={300} />
        </div>
        <Box padding="space-16" borderRadius="8" className="manual-form">
          <VStack gap="space-12">
            <Guesses doc={doc} />
            <form onSubmit={resolve} aria-labelledby="lesning">
              <VStack gap="space-12">
                <Heading level="2" size="small" id="lesning">{me.handlesProtected ? 'Saksbehandlerens lesning' : 'Operatørens lesning'}</Heading>
                <TextField label="Fødselsnummer" value={personId} onChange={(e) => setPersonId(e.target.value)} inputMode="numeric" autoComplete="off" />
                {doc.personName && doc.personId === fnr && <BodyShort size="small">Folkeregisteret: {doc.personName}</BodyShort>}
                <Select label="Tema" value={tema} onChange={(e) => setTema(e.target.value)}>
                  <option value="">Velg tema</option>
                  {Object.entries(TEMA_NAVN).filter(([k]) => k !== 'UKJ').map(([k, v]) => <option key={k} value={k}>{k} {v}</option>)}
                </Select>
                <TextField label="Skjemanummer (valgfritt)" description="f.eks. NAV 04-01.03" value={formNumber} onChange={(e) => setFormNumber(e.target.value)} autoComplete="off" />
                <Select label="Dokumenttype" value={kind} onChange={(e) => setKind(e.target.value)}>
                  {Object.entries(KIND_NAVN).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
                </Select>
                <Select label="Send til enhet" description="Som regel etter reglene" value={unitId} onChange={(e) => setUnitId(e.target.value)}>
                  <option value="">Etter reglene</option>
                  {(units.data ?? []).map((u) => <option key={u.unitId} value={u.unitId}>{u.unitId} {u.name}</option>)}
                </Select>
                <div><Button type="submit" loading={busy} disabled={!ready}>Send videre</Button></div>
              </VStack>
            </form>
            {message && <Alert variant={message.ok ? 'success' : 'error'} size="small" role="status">{message.text}</Alert>}
            {done && <div><Button ref={nextButton} variant="primary" onClick={goNext}>Neste i køen</Button></div>}
            {!done && (
              <>
                <Heading level="2" size="small">Del eller slå sammen</Heading>
                <HStack gap="space-8" align="end" wrap>
                  <Select label="Del fra side" size="small" value={splitAt} onChange={(e) => setSplitAt(e.target.value)}>
                    {doc.pages.slice(1).map((p) => <option key={p.pageNo} value={p.pageNo}>{p.pageNo}</option>)}
                  </Select>
                  <Button size="small" variant="secondary" onClick={split} disabled={doc.pages.length < 2 || busy}>Del dokumentet</Button>
                </HStack>
                <HStack gap="space-8" align="end" wrap>
                  <TextField label="Slå sammen med" size="small" placeholder="JP…" value={mergeWith} onChange={(e) => setMergeWith(e.target.value)} autoComplete="off" />
                  <Button size="small" variant="secondary" onClick={merge} disabled={!/^jp\d+$/i.test(mergeWith.trim()) || busy}>Slå sammen</Button>
                </HStack>
              </>
            )}
          </VStack>
        </Box>
      </div>
    </VStack>
  );
}
