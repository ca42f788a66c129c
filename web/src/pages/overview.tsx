import { Alert, BodyShort, Heading, HGrid, Box, Link, Table, VStack } from '@navikt/ds-react';
import { api, type Me } from '../api.ts';
import { Loading, TableBox, useData } from '../components.tsx';
import { date, dateTime, duration, stage, STATUS_NAVN, tema } from '../format.ts';
import type { Overview } from '../../../services/overview.service.ts';
import type { SystemReconciliation } from '../../../services/system-reconciliation.service.ts';

/** A horizontal bar drawn with CSS; the value is also written out. */
export function Bar({ value, max, label, warn }: { value: number; max: number; label: string; warn?: boolean }) {
  const pct = max > 0 ? Math.max(value > 0 ? 2 : 0, Math.round((value / max) * 100)) : 0;
  return (
    <div className="bar" role="img" aria-label={label}>
      <div className={`bar-fill ${warn ? 'warn' : ''}`} style={{ width: `${pct}%` }} />
      <span className="bar-label">{label}</span>
    </div>
  );
}

/** Pages read per hour as an SVG column chart. */
function HourChart({ data }: { data: Overview['pagesPerHour'] }) {
  const hours: Array<{ hour: Date; pages: number }> = [];
  const now = new Date();
  now.setMinutes(0, 0, 0);
  for (let i = 23; i >= 0; i--) {
    const h = new Date(now.getTime() - i * 3600_000);
    hours.push({ hour: h, pages: data.find((d) => new Date(d.hour).getTime() === h.getTime())?.pages ?? 0 });
  }
  const max = Math.max(1, ...hours.map((h) => h.pages));
  const w = 24 * 28;
  return (
    <svg viewBox={`0 0 ${w} 170`} className="hour-chart" role="img" aria-label="Sider lest per time siste døgn">
      {hours.map((h, i) => {
        const height = (h.pages / max) * 130;
        return (
          <g key={i}>
            <rect x={i * 28 + 4} y={140 - height} width={20} height={height} className="col"><title>{`${h.hour.getHours()}:00 – ${h.pages} sider`}</title></rect>
            {h.pages > 0 && <text x={i * 28 + 14} y={136 - height} textAnchor="middle" className="col-value">{h.pages}</text>}
            {i % 3 === 0 && <text x={i * 28 + 14} y={160} textAnchor="middle" className="axis">{String(h.hour.getHours()).padStart(2, '0')}</text>}
          </g>
        );
      })}
      <line x1={0} x2={w} y1={140} y2={140} className="baseline" />
    </svg>
  );
}

const minutes = (m: number) => (m < 120 ? `${m} minutter` : m < 48 * 60 ? `${Math.floor(m / 60)} timer` : `${Math.floor(m / 1440)} døgn`);

/**
 * What came in per day and where it is now; a document older than the threshold that is not
 * finished and has no job in the queue is a red line: nothing will move it without someone.
 */
function SystemReconciliationSection() {
  const { data, error } = useData(() => api<SystemReconciliation>('/api/overview/reconciliation'), [], { everyMs: 15_000 });
  if (!data) return <Loading error={error} />;
  return (
    <section aria-labelledby="avstemming-system">
      <Heading level="2" size="medium" spacing id="avstemming-system">Avstemming av hele systemet</Heading>
      <BodyShort spacing>
        Per mottaksdag: hvor mange dokumenter som kom inn, og hvor de er nå. Levert teller bare dokumenter som også har fått
        arkivversjonen. Et dokument som er eldre enn {minutes(data.thresholdMinutes)}, ikke er ferdig og ikke har noen jobb i køen,
        står fast: ingenting flytter det videre uten at noen griper inn.
      </BodyShort>
      {data.queueUnavailable && <Alert variant="warning">Køsystemet svarer ikke nå, så vi kan ikke si om gamle dokumenter står fast.</Alert>}
      <TableBox label="Avstemming per mottaksdag">
        <Table size="small">
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell scope="col">Mottaksdag</Table.HeaderCell>
              <Table.HeaderCell scope="col" align="right">Mottatt</Table.HeaderCell>
              <Table.HeaderCell scope="col" align="right">Levert</Table.HeaderCell>
              <Table.HeaderCell scope="col" align="right">I manuell kø</Table.HeaderCell>
              <Table.HeaderCell scope="col" align="right">Slått sammen</Table.HeaderCell>
              <Table.HeaderCell scope="col" align="right">Satt til side</Table.HeaderCell>
              <Table.HeaderCell scope="col" align="right">Fortsatt i arbeid</Table.HeaderCell>
              <Table.HeaderCell scope="col" align="right">Står fast</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {data.days.map((d) => (
              <Table.Row key={d.day} className={d.stuck > 0 ? 'red-line' : undefined} data-stuck={d.stuck > 0 ? 'true' : undefined}>
                <Table.HeaderCell scope="row">{date(`${d.day}T12:00:00Z`)}</Table.HeaderCell>
                <Table.DataCell align="right">{d.received}</Table.DataCell>
                <Table.DataCell align="right">{d.delivered}</Table.DataCell>
                <Table.DataCell align="right">{d.manual}</Table.DataCell>
                <Table.DataCell align="right">{d.merged}</Table.DataCell>
                <Table.DataCell align="right">{d.setAside}</Table.DataCell>
                <Table.DataCell align="right">{d.moving}</Table.DataCell>
                <Table.DataCell align="right">{d.stuck > 0 ? <strong>{d.stuck} står fast</strong> : 0}</Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      </TableBox>
      {data.days.length === 0 && <BodyShort>Ingenting mottatt de siste dagene.</BodyShort>}
      {data.stuck.length > 0 && (
        <ul className="stuck-list" aria-label="Dokumenter som står fast">
          {data.stuck.map((s) => (
            <li key={s.documentId} className="red-line">
              <strong>{s.documentId}</strong> står fast: {(STATUS_NAVN[s.status] ?? 'I arbeid').toLowerCase()}, {stage(s.stage).toLowerCase()},
              mottatt {dateTime(s.receivedAt)} ({minutes(s.minutes)} siden), ingen jobb i køen
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function OverviewPage({ me }: { me: Me }) {
  const { data, error } = useData(() => api<Overview>('/api/overview'), [], { everyMs: 5000 });
  if (!data) return <Loading error={error} />;
  const all = data.scanToDelivery.find((s) => s.tema === null);
  const maxQueue = Math.max(1, ...data.queues.map((q) => q.waiting + q.active + q.delayed));
  const maxUnit = Math.max(1, ...data.perUnit.map((u) => u.total));
  const maxP95 = Math.max(1, ...data.scanToDelivery.map((s) => s.p95 ?? 0));
  return (
    <VStack gap="space-32">
      <Heading level="1" size="large">Oversikt</Heading>
      <HGrid columns={{ xs: 1, md: 3 }} gap="space-16">
        <Box padding="space-16" borderRadius="8" className="count"><BodyShort>Sider lest siste døgn</BodyShort><BodyShort size="large" weight="semibold">{data.pagesPerHour.reduce((s, h) => s + h.pages, 0)}</BodyShort></Box>
        <Box padding="space-16" borderRadius="8" className="count"><BodyShort>Fra skanning til levering, median</BodyShort><BodyShort size="large" weight="semibold">{duration(all?.p50 ?? null)}</BodyShort></Box>
        <Box padding="space-16" borderRadius="8" className="count"><BodyShort>Fra skanning til levering, 95 % innen</BodyShort><BodyShort size="large" weight="semibold">{duration(all?.p95 ?? null)}</BodyShort></Box>
      </HGrid>
      <SystemReconciliationSection />
      <section>
        <Heading level="2" size="medium" spacing>Sider per time</Heading>
        <HourChart data={data.pagesPerHour} />
      </section>
      <HGrid columns={{ xs: 1, lg: 2 }} gap="space-32">
        <section>
          <Heading level="2" size="medium" spacing>Kødybde per steg</Heading>
          <TableBox label="Kødybde per steg">
          <Table size="small">
            <Table.Body>
              {data.queues.map((q) => (
                <Table.Row key={q.stage}>
                  <Table.HeaderCell scope="row">{stage(q.stage)}</Table.HeaderCell>
                  <Table.DataCell className="bar-cell"><Bar value={q.waiting + q.active + q.delayed} max={maxQueue} label={`${q.waiting} venter, ${q.active} aktive${q.failed ? `, ${q.failed} feilet` : ''}`} warn={q.failed > 0} /></Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          </TableBox>
          <BodyShort size="small" spacing>
            I postmottaket nå: {data.documentsPerStage.map((s) => `${s.documents} ${(STATUS_NAVN[s.status] ?? 'i arbeid').toLowerCase()} (${stage(s.stage).toLowerCase()})`).join(', ') || 'ingen'}
          </BodyShort>
          {me.role === 'admin' && (
            <Link href="/admin/queues" target="_blank" rel="noopener">Åpne kødashbordet (BullMQ, bare lesing)</Link>
          )}
        </section>
        <section>
          <Heading level="2" size="medium" spacing>Dokumenter per enhet og tema</Heading>
          <TableBox label="Dokumenter per enhet og tema">
          <Table size="small">
            <Table.Body>
              {data.perUnit.map((u) => (
                <Table.Row key={u.unitId}>
                  <Table.HeaderCell scope="row">{u.unitId} {u.name}</Table.HeaderCell>
                  <Table.DataCell className="bar-cell">
                    <Bar value={u.total} max={maxUnit} label={`${u.total}: ${Object.entries(u.tema).map(([t, n]) => `${t} ${n}`).join(', ')}`} />
                  </Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          </TableBox>
          {data.perUnit.length === 0 && <BodyShort>Ingen leveranser ennå.</BodyShort>}
        </section>
      </HGrid>
      <Automation data={data.learning} />
      <section>
        <Heading level="2" size="medium" spacing>Fra skanning til levering per tema (median / 95 % innen)</Heading>
        <TableBox label="Fra skanning til levering per tema">
        <Table size="small">
          <Table.Body>
            {data.scanToDelivery.filter((s) => s.tema !== null).map((s) => (
              <Table.Row key={s.tema}>
                <Table.HeaderCell scope="row">{tema(s.tema)} <span className="muted">({s.documents})</span></Table.HeaderCell>
                <Table.DataCell className="bar-cell"><Bar value={s.p50 ?? 0} max={maxP95} label={`median ${duration(s.p50)}`} /></Table.DataCell>
                <Table.DataCell className="bar-cell"><Bar value={s.p95 ?? 0} max={maxP95} label={`95 % innen ${duration(s.p95)}`} warn /></Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
        </TableBox>
      </section>
    </VStack>
  );
}

const FELT_NAVN: Record<string, string> = { tema: 'Tema', person: 'Person (fødselsnummer)', form: 'Skjema (skjemanummer)' };
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1).replace('.', ',')} %` : '–');
const terskel = (t: number | null) => (t === null ? 'klassifiseringens egen' : t.toFixed(2).replace('.', ','));

/** Issue 13: per field and per tema, the share routed without a person and how often that was wrong. */
function Automation({ data }: { data: Overview['learning'] }) {
  return (
    <section className="automation">
      <Heading level="2" size="medium" spacing>Automatisk ruting og målt feil</Heading>
      <BodyShort size="small" spacing>
        Andel dokumenter som gikk rett til enheten uten at noen i postmottaket så på dem, og hvor mange av dem som senere ble rettet
        eller sendt tilbake som feilsendt. Tersklene settes fra rettelsene slik at feilandelen holdes under {pct(data.ceiling, 1)} per felt og tema
        (klassifiseringsmodell {data.activeVersion === 0 ? 'levert med systemet' : `versjon ${data.activeVersion}`}). Dokumenter om personer med
        strengt fortrolig adresse er ikke med.
      </BodyShort>
      <TableBox label="Automatisk ruting per felt">
      <Table size="small" className="automation-fields">
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Felt</Table.HeaderCell>
            <Table.HeaderCell>Dokumenter</Table.HeaderCell>
            <Table.HeaderCell>Rett gjennom</Table.HeaderCell>
            <Table.HeaderCell>Feil blant dem</Table.HeaderCell>
            <Table.HeaderCell>Terskel</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {data.byField.map((f) => (
            <Table.Row key={f.field}>
              <Table.HeaderCell scope="row">{FELT_NAVN[f.field] ?? 'Annet felt'}</Table.HeaderCell>
              <Table.DataCell>{f.documents}</Table.DataCell>
              <Table.DataCell>{f.automatic} ({pct(f.automatic, f.documents)})</Table.DataCell>
              <Table.DataCell>{f.wrong} ({pct(f.wrong, f.automatic)})</Table.DataCell>
              <Table.DataCell>{terskel(f.threshold)}</Table.DataCell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      </TableBox>
      <TableBox label="Automatisk ruting per tema">
      <Table size="small" className="automation-tema">
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Tema</Table.HeaderCell>
            <Table.HeaderCell>Dokumenter</Table.HeaderCell>
            <Table.HeaderCell>Rett gjennom</Table.HeaderCell>
            <Table.HeaderCell>Feil blant dem</Table.HeaderCell>
            <Table.HeaderCell>Terskel tema / person / skjema</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {data.byTema.map((t) => (
            <Table.Row key={t.tema}>
              <Table.HeaderCell scope="row">{tema(t.tema)}</Table.HeaderCell>
              <Table.DataCell>{t.documents}</Table.DataCell>
              <Table.DataCell>{t.automatic} ({pct(t.automatic, t.documents)})</Table.DataCell>
              <Table.DataCell>{t.wrong} ({pct(t.wrong, t.automatic)})</Table.DataCell>
              <Table.DataCell>{[t.thresholds.tema, t.thresholds.person, t.thresholds.form].map(terskel).join(' / ')}</Table.DataCell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
      </TableBox>
      {data.byTema.length === 0 && <BodyShort size="small">Ingen dokumenter med kjent utfall ennå.</BodyShort>}
    </section>
  );
}
