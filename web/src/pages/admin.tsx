import { Alert, BodyShort, Button, Heading, HStack, Select, Table, Tabs, Tag, TextField, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { api, type Paged, type Role } from '../api.ts';
import { Loading, Pager, TableBox, useData } from '../components.tsx';
import { ACTION_NAVN, CHANNEL_NAVN, dateTime, PROTECTION_NAVN, ROLE_NAVN } from '../format.ts';
import type { FailedLetterView } from '../../../services/letters.service.ts';

const UNIT_TYPE_NAVN: Record<string, string> = {
  'nav-kontor': 'NAV-kontoret', forvaltning: 'forvaltningsenheten', pensjon: 'NAV Pensjon', hjelpemiddelsentral: 'hjelpemiddelsentralen',
  internasjonalt: 'NAV Internasjonalt', vikafossen: 'NAV Vikafossen', manual: 'postmottakets manuelle kø',
};

interface User { id: string; name: string; role: Role; source: string; active: boolean; units: string[] }
interface AccessRow {
  id: number; at: string; actor: string; role: string | null; channel: string; purpose: string; action: string; subject: string;
  personIds: string[]; documentIds: string[]; outcome: 'granted' | 'denied' | 'not-found';
}
interface Policy { id: string; title: string; source: string; rules: Array<{ id: string; description: string; source: string; to?: Array<{ unitType: string }>; restrict?: string }> }

export function AdminPage() {
  return (
    <VStack gap="space-16">
      <Heading level="1" size="large">Administrasjon</Heading>
      <Tabs defaultValue="logg">
        <Tabs.List>
          <Tabs.Tab value="logg" label="Tilgangslogg" />
          <Tabs.Tab value="brukere" label="Brukere" />
          <Tabs.Tab value="regler" label="Rutingsregler" />
          <Tabs.Tab value="modeller" label="Læring fra rettelser" />
          <Tabs.Tab value="brev" label="Brev som ikke ble sendt" />
        </Tabs.List>
        <Tabs.Panel value="logg"><AccessLog /></Tabs.Panel>
        <Tabs.Panel value="brukere"><Users /></Tabs.Panel>
        <Tabs.Panel value="regler"><Rules /></Tabs.Panel>
        <Tabs.Panel value="modeller"><Models /></Tabs.Panel>
        <Tabs.Panel value="brev"><FailedLetters /></Tabs.Panel>
      </Tabs>
    </VStack>
  );
}

function AccessLog() {
  const [userId, setUserId] = useState('');
  const [personId, setPersonId] = useState('');
  const [filter, setFilter] = useState({ userId: '', personId: '' });
  const [page, setPage] = useState(1);
  const params = new URLSearchParams({ page: String(page) });
  if (filter.userId) params.set('userId', filter.userId);
  if (filter.personId) params.set('personId', filter.personId);
  const q = params.toString();
  const { data, error } = useData(() => api<Paged<AccessRow>>(`/api/admin/access-log?${q}`), [q]);
  return (
    <VStack gap="space-16" className="tab-body">
      <form onSubmit={(e) => { e.preventDefault(); setPage(1); setFilter({ userId: userId.trim(), personId: personId.replace(/\s/g, '') }); }}>
        <HStack gap="space-12" align="end" wrap>
          <TextField label="Bruker (ident)" size="small" value={userId} onChange={(e) => setUserId(e.target.value)} />
          <TextField label="Person (fødselsnummer)" size="small" value={personId} onChange={(e) => setPersonId(e.target.value)} />
          <Button size="small" type="submit">Vis oppslag</Button>
        </HStack>
      </form>
      {!data ? <Loading error={error} /> : (
        <>
          <TableBox label="Tilgangslogg">
          <Table size="small" className="access-log">
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Tid</Table.HeaderCell>
                <Table.HeaderCell>Hvem</Table.HeaderCell>
                <Table.HeaderCell>Hva</Table.HeaderCell>
                <Table.HeaderCell>Oppslag på</Table.HeaderCell>
                <Table.HeaderCell>Personer</Table.HeaderCell>
                <Table.HeaderCell>Formål</Table.HeaderCell>
                <Table.HeaderCell>Kanal</Table.HeaderCell>
                <Table.HeaderCell>Utfall</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.items.map((r) => (
                <Table.Row key={r.id}>
                  <Table.DataCell>{dateTime(r.at)}</Table.DataCell>
                  <Table.DataCell>{r.actor}{r.role ? <span className="muted"> ({ROLE_NAVN[r.role] ?? r.role})</span> : null}</Table.DataCell>
                  <Table.DataCell>{ACTION_NAVN[r.action] ?? 'Annet oppslag'}</Table.DataCell>
                  <Table.DataCell className="break">{r.subject === 'skjermet' ? <i>skjermet</i> : r.subject}{r.documentIds.length ? <BodyShort size="small" className="muted">{r.documentIds.slice(0, 5).join(', ')}{r.documentIds.length > 5 ? ' …' : ''}</BodyShort> : null}</Table.DataCell>
                  <Table.DataCell>{r.personIds.length}</Table.DataCell>
                  <Table.DataCell>{r.purpose}</Table.DataCell>
                  <Table.DataCell>{CHANNEL_NAVN[r.channel] ?? 'Annet'}</Table.DataCell>
                  <Table.DataCell>{r.outcome === 'granted' ? <Tag size="small" variant="success">Gitt</Tag> : r.outcome === 'denied' ? <Tag size="small" variant="error">Avvist</Tag> : <Tag size="small" variant="neutral">Ikke funnet</Tag>}</Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          </TableBox>
          <BodyShort size="small">{data.total} oppslag</BodyShort>
          <Pager {...data} onPage={setPage} />
        </>
      )}
    </VStack>
  );
}

function Users() {
  const [page, setPage] = useState(1);
  const { data, error, reload } = useData(() => api<Paged<User>>(`/api/admin/users?page=${page}`), [page]);
  const [form, setForm] = useState({ id: '', name: '', role: 'caseworker' as Role, units: '' });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async () => {
    try {
      await api('/api/admin/users', {
        method: 'POST', body: { id: form.id.trim(), name: form.name.trim(), role: form.role, units: form.units.split(/[\s,]+/).filter(Boolean), active: true },
      });
      setMessage({ ok: true, text: `${form.id} er lagret` });
      setForm({ id: '', name: '', role: 'caseworker', units: '' });
      await reload();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  const toggle = async (u: User) => {
    try {
      await api(`/api/admin/users/${u.id}`, { method: 'PUT', body: { name: u.name, role: u.role, units: u.units, active: !u.active } });
      await reload();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  return (
    <VStack gap="space-16" className="tab-body">
      {!data ? <Loading error={error} /> : (
        <>
          <TableBox label="Brukere">
          <Table size="small">
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Ident</Table.HeaderCell>
                <Table.HeaderCell>Navn</Table.HeaderCell>
                <Table.HeaderCell>Rolle</Table.HeaderCell>
                <Table.HeaderCell>Enheter</Table.HeaderCell>
                <Table.HeaderCell>Kilde</Table.HeaderCell>
                <Table.HeaderCell>Tilgang</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.items.map((u) => (
                <Table.Row key={u.id}>
                  <Table.DataCell>{u.id}</Table.DataCell>
                  <Table.DataCell>{u.name}</Table.DataCell>
                  <Table.DataCell>{ROLE_NAVN[u.role]}</Table.DataCell>
                  <Table.DataCell>{u.units.join(', ') || '—'}</Table.DataCell>
                  <Table.DataCell>{u.source === 'dev' ? 'utvikler' : 'OIDC'}</Table.DataCell>
                  <Table.DataCell><Button size="xsmall" variant="tertiary" onClick={() => toggle(u)}>{u.active ? 'Aktiv – sperr' : 'Sperret – aktiver'}</Button></Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          </TableBox>
          <Pager {...data} onPage={setPage} />
        </>
      )}
      <Heading level="2" size="small">Legg til bruker</Heading>
      <HStack gap="space-12" align="end" wrap>
        <TextField label="NAV-ident" size="small" value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} />
        <TextField label="Navn" size="small" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <Select label="Rolle" size="small" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
          {Object.entries(ROLE_NAVN).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </Select>
        <TextField label="Enheter" description="for saksbehandlere" size="small" value={form.units} onChange={(e) => setForm({ ...form, units: e.target.value })} />
        <Button size="small" onClick={save} disabled={!form.id || !form.name}>Lagre</Button>
      </HStack>
      {message && <Alert size="small" variant={message.ok ? 'success' : 'error'}>{message.text}</Alert>}
    </VStack>
  );
}

interface ActivePolicy { version: number | null; origin: string; activatedBy: string | null; activatedAt: string | null; policy: Policy }
interface PolicyVersion { version: number; policyId: string; title: string; origin: string; loadedBy: string; loadedAt: string; rules: number; active: boolean }
interface PolicyFile { file: string; policyId: string | null; title: string | null; problem: string | null }
interface PolicySwitch { id: number; version: number | null; policyId: string | null; activatedBy: string; activatedAt: string }
interface LoadResult { version: PolicyVersion; created: boolean; active: ActivePolicy }

const originText = (o: string) => o.startsWith('file:') ? `fil ${o.slice(5)}` : o.startsWith('config:') ? `standard fra konfigurasjonen (${o.slice(7)})` : 'lastet opp';

/** The routing policy in force, switching it (shipped file, uploaded JSON, an earlier version), and who switched when. */
function Rules() {
  const active = useData(() => api<ActivePolicy>('/api/admin/policy'), []);
  const versions = useData(() => api<Paged<PolicyVersion>>('/api/admin/policies?pageSize=50'), []);
  const files = useData(() => api<Paged<PolicyFile>>('/api/admin/policy-files?pageSize=100'), []);
  const history = useData(() => api<Paged<PolicySwitch>>('/api/admin/policy/history?pageSize=20'), []);
  const [file, setFile] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const done = async (text: string) => {
    setMessage({ ok: true, text });
    await Promise.all([active.reload(), versions.reload(), history.reload()]);
  };
  const attempt = (fn: () => Promise<void>) => async () => {
    try {
      await fn();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  const inUse = (r: LoadResult) => `Rutingspolicy ${r.version.policyId} (versjon ${r.version.version}) er tatt i bruk.`;
  const loadFile = attempt(async () => done(inUse(await api<LoadResult>('/api/admin/policies', { method: 'POST', body: { file } }))));
  const upload = (f: File) => attempt(async () => {
    let policy: unknown;
    try {
      policy = JSON.parse(await f.text());
    } catch {
      throw new Error(`${f.name} er ikke gyldig JSON`);
    }
    await done(inUse(await api<LoadResult>('/api/admin/policies', { method: 'POST', body: { policy } })));
  })();
  const switchTo = (version: number | null) => attempt(async () => {
    const r = await api<ActivePolicy>('/api/admin/policy', { method: 'PUT', body: { version } });
    await done(`Rutingspolicy ${r.policy.id} er tatt i bruk.`);
  });

  const data = active.data;
  if (!data) return <Loading error={active.error} />;
  return (
    <VStack gap="space-16" className="tab-body">
      <Alert variant="info" size="small" className="active-policy">
        I bruk: <strong>{data.policy.id}</strong> – {data.policy.title}.{' '}
        {data.version === null ? `Standard fra konfigurasjonen (${data.origin.replace(/^config:/, '')})` : `Versjon ${data.version}, ${originText(data.origin)}`}
        {data.activatedBy ? `, byttet av ${data.activatedBy} ${dateTime(data.activatedAt)}` : ''}.
        Arbeidsprosessene bruker den fra neste ruting.
      </Alert>
      <HStack gap="space-12" align="end" wrap>
        <Select label="Policyfil" size="small" value={file} onChange={(e) => setFile(e.target.value)}>
          <option value="">Velg fil</option>
          {(files.data?.items ?? []).map((f) => <option key={f.file} value={f.file} disabled={Boolean(f.problem)}>{f.file}{f.title ? ` – ${f.title}` : ''}{f.problem ? ' (ugyldig)' : ''}</option>)}
        </Select>
        <Button size="small" onClick={loadFile} disabled={!file}>Last inn og ta i bruk</Button>
        <label className="upload-policy">
          <span className="navds-label navds-label--small">Last opp policy (JSON)</span>
          <input type="file" accept="application/json,.json" data-testid="policy-file" onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void upload(f); }} />
        </label>
        {data.version !== null && <Button size="small" variant="secondary" onClick={switchTo(null)}>Tilbake til standard</Button>}
      </HStack>
      {message && <Alert size="small" variant={message.ok ? 'success' : 'error'} role="status">{message.text}</Alert>}

      <Heading level="2" size="small">Regler i bruk</Heading>
      <TableBox label="Regler i bruk">
      <Table size="small" className="policy-rules">
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>#</Table.HeaderCell>
            <Table.HeaderCell>Regel</Table.HeaderCell>
            <Table.HeaderCell>Beskrivelse</Table.HeaderCell>
            <Table.HeaderCell>Til</Table.HeaderCell>
            <Table.HeaderCell>Kilde</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {data.policy.rules.map((r, i) => (
            <Table.Row key={r.id}>
              <Table.DataCell>{i + 1}</Table.DataCell>
              <Table.DataCell>{r.id}</Table.DataCell>
              <Table.DataCell>{r.description}</Table.DataCell>
              <Table.DataCell>{r.to?.map((t) => UNIT_TYPE_NAVN[t.unitType] ?? 'annen enhet').join(' og ') ?? (r.restrict ? `begrenset innsyn (${(PROTECTION_NAVN[r.restrict] ?? 'skjermet').toLowerCase()}), så neste regel` : '—')}</Table.DataCell>
              <Table.DataCell className="muted break">{r.source}</Table.DataCell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      </TableBox>

      <Heading level="2" size="small">Innlastede versjoner</Heading>
      {versions.data && versions.data.items.length === 0 ? <BodyShort size="small">Ingen er lastet inn ennå; standarden fra konfigurasjonen gjelder.</BodyShort> : (
        <TableBox label="Innlastede versjoner">
        <Table size="small" className="policy-versions">
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Versjon</Table.HeaderCell>
              <Table.HeaderCell>Policy</Table.HeaderCell>
              <Table.HeaderCell>Regler</Table.HeaderCell>
              <Table.HeaderCell>Kilde</Table.HeaderCell>
              <Table.HeaderCell>Lastet inn</Table.HeaderCell>
              <Table.HeaderCell />
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {(versions.data?.items ?? []).map((v) => (
              <Table.Row key={v.version} data-version={v.version}>
                <Table.DataCell>{v.version}</Table.DataCell>
                <Table.DataCell>{v.policyId} <span className="muted">{v.title}</span></Table.DataCell>
                <Table.DataCell>{v.rules}</Table.DataCell>
                <Table.DataCell>{originText(v.origin)}</Table.DataCell>
                <Table.DataCell>{v.loadedBy} {dateTime(v.loadedAt)}</Table.DataCell>
                <Table.DataCell>{v.active ? <Tag size="small" variant="success">I bruk</Tag> : <Button size="xsmall" variant="tertiary" onClick={switchTo(v.version)}>Ta i bruk</Button>}</Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
        </TableBox>
      )}

      <Heading level="2" size="small">Historikk</Heading>
      <TableBox label="Historikk">
      <Table size="small" className="policy-history">
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Tid</Table.HeaderCell>
            <Table.HeaderCell>Hvem</Table.HeaderCell>
            <Table.HeaderCell>Byttet til</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {(history.data?.items ?? []).map((h) => (
            <Table.Row key={h.id}>
              <Table.DataCell>{dateTime(h.activatedAt)}</Table.DataCell>
              <Table.DataCell>{h.activatedBy}</Table.DataCell>
              <Table.DataCell>{h.version === null ? 'standard fra konfigurasjonen' : `${h.policyId} (versjon ${h.version})`}</Table.DataCell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      </TableBox>
    </VStack>
  );
}

interface SmallScore { docs: number; temaRight: number }
interface ModelRow {
  version: number; outcome: 'promoted' | 'refused'; reason: string; createdBy: string; createdAt: string; active: boolean; decisions: number;
  heldOut: SmallScore & { automatic: number; automaticWrong: number }; independent: SmallScore;
  activeScores: { heldOut: SmallScore; independent: SmallScore } | null;
}
interface Models extends Paged<ModelRow> {
  activeVersion: number; shippedDecisions: number;
  activations: Array<{ version: number; activatedBy: string; reason: string; activatedAt: string }>;
}
interface Retrained { version: number; outcome: 'promoted' | 'refused'; reason: string; refreshedVersion: number | null; activeAfter: number }

const share = (a: number, b: number) => (b ? `${a} av ${b} (${((100 * a) / b).toFixed(1).replace('.', ',')} %)` : '–');
const modelName = (v: number) => (v === 0 ? 'den leverte modellen (versjon 0)' : `versjon ${v}`);
const byWhom = (who: string) => (who === 'schedule' ? 'fast kjøring' : who);

/** Issue 13: the classifier retrained from the mail room's corrections; retrain now, or go back to an earlier model. */
function Models() {
  const models = useData(() => api<Models>('/api/admin/models?pageSize=50'), []);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const retrain = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const r = await api<Retrained>('/api/admin/models/retrain', { method: 'POST' });
      setMessage({
        ok: true,
        text: r.outcome === 'promoted'
          ? `Ny modell, versjon ${r.version}, er tatt i bruk. ${r.reason}.`
          : `Versjon ${r.version} ble ikke tatt i bruk. ${r.reason}.${r.refreshedVersion ? ` Modellen i bruk har fått nye terskler (versjon ${r.refreshedVersion}).` : ''}`,
      });
      await models.reload();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const rollback = (version: number) => async () => {
    try {
      await api<Models>('/api/admin/models/active', { method: 'PUT', body: { version } });
      setMessage({ ok: true, text: `Rullet tilbake: ${modelName(version)} er i bruk fra neste dokument.` });
      await models.reload();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  const data = models.data;
  if (!data) return <Loading error={models.error} />;
  return (
    <VStack gap="space-16" className="tab-body">
      <Alert variant="info" size="small" className="active-model">
        I bruk: <strong>{modelName(data.activeVersion)}</strong>. Klassifiseringen av brev uten skjemanummer og tersklene for automatisk ruting
        lærer av postmottakets rettelser. En ny modell tas bare i bruk hvis den ikke er dårligere enn den som er i bruk, verken på rettelser
        den ikke er trent på eller på det uavhengige testsettet. Dokumenter om personer med strengt fortrolig eller fortrolig adresse og om
        NAV-ansatte brukes aldri til trening, og navn, adresser og fødselsnumre fjernes fra teksten før trening.
      </Alert>
      <HStack gap="space-12" align="center" wrap>
        <Button size="small" onClick={() => void retrain()} loading={busy}>Tren ny modell nå</Button>
        {data.activeVersion !== 0 && <Button size="small" variant="secondary" onClick={rollback(0)}>Tilbake til den leverte modellen</Button>}
      </HStack>
      {message && <Alert size="small" variant={message.ok ? 'success' : 'error'} role="status">{message.text}</Alert>}
      <Heading level="2" size="small">Modellversjoner</Heading>
      {data.items.length === 0 ? <BodyShort size="small">Ingen modell er trent ennå; den leverte modellen er i bruk ({data.shippedDecisions} rutingsbeslutninger).</BodyShort> : (
        <TableBox label="Modellversjoner">
        <Table size="small" className="model-versions">
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Versjon</Table.HeaderCell>
              <Table.HeaderCell>Trent</Table.HeaderCell>
              <Table.HeaderCell>Riktig tema, holdt-ut rettelser</Table.HeaderCell>
              <Table.HeaderCell>Riktig tema, uavhengig testsett</Table.HeaderCell>
              <Table.HeaderCell>Automatisk rutet, feil</Table.HeaderCell>
              <Table.HeaderCell>Rutingsbeslutninger</Table.HeaderCell>
              <Table.HeaderCell>Utfall</Table.HeaderCell>
              <Table.HeaderCell />
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {data.items.map((m) => (
              <Table.Row key={m.version} data-version={m.version}>
                <Table.DataCell>{m.version}</Table.DataCell>
                <Table.DataCell>{dateTime(m.createdAt)} <span className="muted">({byWhom(m.createdBy)})</span></Table.DataCell>
                <Table.DataCell>{share(m.heldOut.temaRight, m.heldOut.docs)}{m.activeScores ? <BodyShort size="small" className="muted">modellen i bruk: {m.activeScores.heldOut.temaRight}</BodyShort> : null}</Table.DataCell>
                <Table.DataCell>{share(m.independent.temaRight, m.independent.docs)}{m.activeScores ? <BodyShort size="small" className="muted">modellen i bruk: {m.activeScores.independent.temaRight}</BodyShort> : null}</Table.DataCell>
                <Table.DataCell>{share(m.heldOut.automaticWrong, m.heldOut.automatic)}</Table.DataCell>
                <Table.DataCell>{m.decisions}</Table.DataCell>
                <Table.DataCell className="break">{m.outcome === 'promoted' ? <Tag size="small" variant="success">Tatt i bruk</Tag> : <Tag size="small" variant="warning">Avvist</Tag>} <BodyShort size="small" className="muted">{m.reason}</BodyShort></Table.DataCell>
                <Table.DataCell>{m.active ? <Tag size="small" variant="info">I bruk</Tag> : m.outcome === 'promoted' ? <Button size="xsmall" variant="tertiary" onClick={rollback(m.version)}>Rull tilbake hit</Button> : null}</Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
        </TableBox>
      )}
      <Heading level="2" size="small">Historikk</Heading>
      <TableBox label="Historikk for modeller">
      <Table size="small" className="model-history">
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Tid</Table.HeaderCell>
            <Table.HeaderCell>Hvem</Table.HeaderCell>
            <Table.HeaderCell>Byttet til</Table.HeaderCell>
            <Table.HeaderCell>Hvorfor</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {data.activations.map((a, i) => (
            <Table.Row key={i}>
              <Table.DataCell>{dateTime(a.activatedAt)}</Table.DataCell>
              <Table.DataCell>{byWhom(a.activatedBy)}</Table.DataCell>
              <Table.DataCell>{modelName(a.version)}</Table.DataCell>
              <Table.DataCell>{a.reason}</Table.DataCell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      </TableBox>
    </VStack>
  );
}

const FAILED_LETTER_COLUMNS: Array<[string, (l: FailedLetterView) => string | number]> = [
  ['Brev', (l) => l.id], ['Dokument', (l) => l.documentId], ['Sak', (l) => l.caseId], ['Vedlegg', (l) => l.items],
  ['Stanset', (l) => dateTime(l.failedAt)], ['Årsak', (l) => l.reason],
];

/** Letters to persons the letter adapter refused on every try: an administrator sends them again once the cause is fixed. */
function FailedLetters() {
  const [page, setPage] = useState(1);
  const letters = useData(() => api<Paged<FailedLetterView>>(`/api/admin/letters/failed?page=${page}&pageSize=20`), [page]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const retry = (id: number) => () => api<{ id: number; status: string }>(`/api/admin/letters/${id}/retry`, { method: 'POST' }).then(
    (r) => setMessage(r.status === 'sent' ? { ok: true, text: `Brev ${id} er sendt.` } : { ok: false, text: `Brev ${id} kunne ikke sendes nå heller; det prøves igjen automatisk.` }),
    (e: Error) => setMessage({ ok: false, text: e.message }),
  ).then(() => letters.reload());
  const data = letters.data;
  if (!data) return <Loading error={letters.error} />;
  return (
    <VStack gap="space-16" className="tab-body">
      <BodyShort size="small">
        Brev om manglende vedlegg som ikke kunne leveres til utsending etter siste forsøk. Brevet, førstesiden for ettersendelse og
        saken er tatt vare på; send brevet på nytt når feilen er rettet. Brev til personer med strengt fortrolig adresse vises bare for NAV Vikafossen.
      </BodyShort>
      {message && <Alert size="small" variant={message.ok ? 'success' : 'error'} role="status">{message.text}</Alert>}
      {data.items.length === 0 ? <BodyShort size="small">Ingen brev venter på å bli sendt på nytt.</BodyShort> : (
        <TableBox label="Brev som ikke ble sendt">
          <Table size="small" className="failed-letters">
            <Table.Header>
              <Table.Row>
                {[...FAILED_LETTER_COLUMNS.map(([title]) => title), ''].map((title) => <Table.HeaderCell key={title}>{title}</Table.HeaderCell>)}
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.items.map((l) => (
                <Table.Row key={l.id} data-letter={l.id}>
                  {FAILED_LETTER_COLUMNS.map(([title, cell]) => <Table.DataCell key={title}>{cell(l)}</Table.DataCell>)}
                  <Table.DataCell><Button size="xsmall" variant="secondary" onClick={() => void retry(l.id)()}>Send på nytt</Button></Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </TableBox>
      )}
      <Pager {...data} onPage={setPage} />
    </VStack>
  );
}
