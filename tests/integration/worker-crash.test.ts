import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPages } from '../../fixtures/claim-content.ts';
import { toPdf } from '../../fixtures/documents.ts';
import { renderPage } from '../../fixtures/render-page.ts';
import { ROOT, type Config } from '../../schemas/config.ts';
import { ingest } from '../../services/ingest.service.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { listEvents } from '../../storage/repositories/events.repository.ts';
import { listPages } from '../../storage/repositories/pages.repository.ts';
import { createContext, type Context } from '../../app/context.ts';
import { testConfig, waitFor, closeTestContext } from '../helpers/services.ts';

let ctx: Context;
const children: ChildProcess[] = [];

function startWorker(config: Config): ChildProcess {
  const env: Record<string, string> = { ...process.env } as Record<string, string>;
  for (const [k, v] of Object.entries(config)) if (v !== undefined) env[k] = String(v);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin', 'intake.ts'), 'worker', '--concurrency', '1'], {
    cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));

beforeAll(async () => {
  ctx = await createContext(testConfig({ JOB_LOCK_MS: '2000' }), 'test');
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await closeTestContext(ctx);
});

describe('a worker killed during OCR', () => {
  it('loses nothing: another worker picks the job up and the document completes once', async () => {
    const person = personRegister()[0]!;
    const pages = await Promise.all(
      claimPages({ formNumber: 'NAV 04-01.03', title: 'Søknad om dagpenger', tema: 'DAG', person, kind: 'claim', pages: 4, seed: 11 })
        .map((content, i) => renderPage(content, { dpi: 200, noise: 0.01, seed: 100 + i, format: 'jpeg', jpegQuality: 70 })),
    );
    const report = await ingest(ctx, [{ name: 'crash.pdf', data: await toPdf(pages) }], { batchName: 'crash', source: 'test' });
    const id = report.documents[0]!.documentId;

    const first = startWorker(ctx.config);
    // Kill it while it is reading pages: some pages done, not all.
    await waitFor(async () => {
      const active = await ctx.queues.byStage.ocr.getActiveCount();
      const done = (await listPages(ctx.db, id)).filter((p) => p.ocrAt).length;
      return active > 0 && done >= 1 && done < 4;
    }, 120_000, 'OCR to be under way');
    first.kill('SIGKILL');
    await exited(first);
    expect((await getDocument(ctx.db, id))!.ocrAt).toBeNull();

    startWorker(ctx.config);
    const doc = await waitFor(async () => {
      const d = await getDocument(ctx.db, id);
      return d?.archivedAt ? d : null;
    }, 180_000, 'the document to complete after the crash');

    expect(doc).toMatchObject({ status: 'delivered', tema: 'DAG', personId: person.id, pageCount: 4 });
    const read = await listPages(ctx.db, id);
    expect(read.every((p) => p.ocrAt && (p.text ?? '').length > 20)).toBe(true);
    const types = (await listEvents(ctx.db, [id])).map((e) => e.type);
    for (const once of ['split', 'ocr-done', 'classified', 'routed', 'delivered', 'archived']) {
      expect(types.filter((t) => t === once), once).toHaveLength(1);
    }
  }, 360_000);
});
