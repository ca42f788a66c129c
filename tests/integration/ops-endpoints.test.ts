import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPages } from '../../fixtures/claim-content.ts';
import { toPdf } from '../../fixtures/documents.ts';
import { flateBombPdf, longPdf } from '../../fixtures/hostile.ts';
import { renderPage } from '../../fixtures/render-page.ts';
import { navForms } from '../../fixtures/sample-batch.ts';
import { createContext, type Context } from '../../app/context.ts';
import { registerManualQueue } from '../../app/metrics.ts';
import { startOpsServer, type OpsServer } from '../../app/ops-server.ts';
import { ingest, type IngestReport } from '../../services/ingest.service.ts';
import { reasonNb } from '../../services/reason-text.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { documentsPerStage } from '../../storage/repositories/overview.repository.ts';
import { S3Store } from '../../storage/objects/s3-store.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { Queues, redisOptions } from '../../workers/queues.ts';
import { startWorkers, type RunningWorkers } from '../../workers/worker.ts';
import { closeTestContext, testConfig, waitFor } from '../helpers/services.ts';

let ctx: Context;
let workers: RunningWorkers;
let ops: OpsServer;
let report: IngestReport;
const person = personRegister()[5]!;
const form = navForms().find((f) => f.tema === 'DAG' && /^Søknad/.test(f.title))!;
const get = async (port: number, path: string) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
};

beforeAll(async () => {
  // A page cap of 3 so the long file is refused without making a thousand pages.
  ctx = await createContext(testConfig({ JOB_LOCK_MS: '10000', MAX_PAGES_PER_FILE: '3' }), 'test', { ocrSize: 1 });
  registerManualQueue(ctx.metrics, () => documentsPerStage(ctx.db));
  ops = await startOpsServer(ctx, { port: 0, host: '127.0.0.1' });
  workers = startWorkers(ctx, { concurrency: 1 });
  const [p1] = claimPages({ formNumber: form.formNumber, title: form.title, tema: form.tema, person, kind: 'claim', pages: 1, seed: 7 });
  report = await ingest(ctx, [
    { name: 'krav-med-fnr.pdf', data: await toPdf([await renderPage(p1!, { dpi: 150, jpegQuality: 75, seed: 7 })]) },
    { name: 'bombe.pdf', data: await flateBombPdf(300 * 1024 ** 2) },
    { name: 'lang.pdf', data: await longPdf(4) },
  ], { batchName: 'ops', source: 'test' });
  await waitFor(async () => {
    const docs = await Promise.all(report.documents.map((d) => getDocument(ctx.db, d.documentId)));
    return docs.every((d) => d?.archivedAt || d?.status === 'manual');
  }, 180_000, 'documents done or in the manual queue');
}, 240_000);

afterAll(async () => {
  await ops?.close();
  await workers?.close();
  await closeTestContext(ctx);
});

const docOf = (file: string) => getDocument(ctx.db, report.documents.find((d) => d.file === file)!.documentId);

describe('hostile files through the split stage', () => {
  it('sends the compressed-stream bomb to the mail room with the limit in Norwegian, and the worker carries on', async () => {
    const bomb = (await docOf('bombe.pdf'))!;
    expect(bomb.status).toBe('manual');
    expect(bomb.manualReason).toMatch(/pakkes ut til mer enn 256 MB/);
    expect(reasonNb(bomb.manualReason!)).toBe(bomb.manualReason);
    expect((await docOf('krav-med-fnr.pdf'))!.archivedAt).not.toBeNull();
  });

  it('sends a file over the page cap to the mail room naming both numbers', async () => {
    const long = (await docOf('lang.pdf'))!;
    expect(long.status).toBe('manual');
    expect(long.manualReason).toBe('Filen har 4 sider, og grensen er 3 sider per fil. Del filen i flere og send dem inn på nytt.');
  });
});

describe('metrics', () => {
  it('serves the pipeline metrics by stage, with queue depth and the manual queue', async () => {
    const { status, text } = await get(ops.port, '/metrics');
    expect(status).toBe(200);
    for (const name of [
      'intake_stage_jobs_total', 'intake_stage_duration_seconds_bucket', 'intake_pages_total', 'intake_ocr_seconds_bucket',
      'intake_queue_depth', 'intake_manual_queue_documents', 'intake_db_queries_total', 'intake_redis_commands_total',
      'intake_db_bytes', 'intake_redis_bytes', 'intake_store_bytes_total', 'intake_process_resident_memory_bytes',
    ]) expect(text, name).toContain(name);
    const value = (re: RegExp) => Number(text.match(re)?.[1] ?? NaN);
    expect(value(/^intake_pages_total\{stage="split"\} (\d+)/m)).toBe(1); // the claim's one page; the refused files make none
    expect(value(/^intake_pages_total\{stage="ocr"\} (\d+)/m)).toBe(1);
    expect(value(/^intake_stage_jobs_total\{stage="archive",outcome="done"\} (\d+)/m)).toBe(1);
    expect(value(/^intake_manual_queue_documents\{stage="split"\} (\d+)/m)).toBe(2);
    expect(value(/^intake_queue_depth\{stage="ocr",state="waiting"\} (\d+)/m)).toBe(0);
    expect(value(/^intake_db_queries_total (\d+)/m)).toBeGreaterThan(10);
    expect(value(/^intake_redis_commands_total (\d+)/m)).toBeGreaterThan(10);
  });

  it('carries no fødselsnummer, name, document id or file name', async () => {
    const { text } = await get(ops.port, '/metrics');
    // Names and labels (a sample's value is a count, a sum or a byte total: it may have 11 digits).
    const series = text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.slice(0, l.lastIndexOf(' ')));
    expect(series.length).toBeGreaterThan(50);
    expect(series.filter((s) => /\d{11}/.test(s))).toEqual([]);
    expect(text).not.toContain(person.id);
    for (const part of person.name.split(' ')) expect(text).not.toContain(part);
    for (const d of report.documents) {
      expect(text).not.toContain(d.documentId);
      expect(text).not.toContain(d.file);
    }
  });
});

describe('health', () => {
  it('is live, and ready when PostgreSQL, Redis and the store answer', async () => {
    expect(await get(ops.port, '/health/live')).toEqual({ status: 200, text: JSON.stringify({ status: 'ok' }) });
    const ready = await get(ops.port, '/health/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ status: 'ok', postgres: 'ok', redis: 'ok', store: 'ok' });
    expect((await get(ops.port, '/nothing')).status).toBe(404);
  });

  it('is not ready, naming what is down, when Redis and the store cannot be reached', async () => {
    const queues = new Queues({ ...redisOptions('redis://127.0.0.1:1'), retryStrategy: () => 1000 } as never, ctx.config);
    queues.byStage.split.on('error', () => {});
    const store = new S3Store({ endpoint: 'http://127.0.0.1:1', accessKey: 'x', secretKey: 'y', bucket: 'none', region: 'us-east-1' });
    const broken = await startOpsServer({ ...ctx, queues, store }, { port: 0, host: '127.0.0.1', timeoutMs: 1500 });
    try {
      const ready = await get(broken.port, '/health/ready');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text)).toEqual({ status: 'feil', postgres: 'ok', redis: 'feil', store: 'feil' });
      // Liveness does not depend on the services: restarting the pod would not bring them back.
      expect((await get(broken.port, '/health/live')).status).toBe(200);
      await broken.close();
      expect(broken.port).toBeGreaterThan(0);
    } finally {
      await queues.close().catch(() => {});
    }
  });
});
