import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Tokens } from '../../api/auth/tokens.ts';
import { buildApi } from '../../api/server.ts';
import { route } from '../../pipeline/route/route.ts';
import { ROOT, type Config } from '../../schemas/config.ts';
import { STAGES, type Stage } from '../../pipeline/stages.ts';
import { applyOutcome, received } from '../../services/lifecycle.service.ts';
import { routedEvents } from '../../services/routing-actions.ts';
import type { DocumentKind } from '../../schemas/reference.ts';
import { inTransaction } from '../../storage/db/pool.ts';
import { createBatch } from '../../storage/repositories/batches.repository.ts';
import { findOrOpenCase } from '../../storage/repositories/cases.repository.ts';
import { insertDocument } from '../../storage/repositories/documents.repository.ts';
import { appendEvent } from '../../storage/repositories/events.repository.ts';
import { saveOcr, upsertPage } from '../../storage/repositories/pages.repository.ts';
import { recordDecision } from '../../storage/repositories/routing.repository.ts';
import { personRegister, type RegisterPerson } from '../../storage/seed/person-register.ts';
import { createContext, type Context } from '../../app/context.ts';
import { dropDatabase, testConfig } from '../helpers/services.ts';

/** Builds web/dist if it is missing or stale (the same check the scripts use). */
export function ensureWebBuilt(): void {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'build-web.sh')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

export interface TestApp {
  ctx: Context;
  app: FastifyInstance;
  url: string;
  token(userId: string): Promise<string>;
  close(): Promise<void>;
}

/** API + web app on a free port with its own database and queue prefix. */
export async function startApp(overrides: Partial<Record<keyof Config, string>> = {}): Promise<TestApp> {
  const config = testConfig({ AUTH_DEV_SECRET: randomBytes(24).toString('hex'), ...overrides });
  const ctx = await createContext(config, 'e2e', { ocrSize: 1 });
  const tokens = new Tokens(config);
  const app = buildApi(ctx, { tokens });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    ctx, app, url,
    token: async (userId) => (await tokens.signDev(userId)).token,
    async close() {
      await app.close();
      await Promise.all(ctx.queues.all().map((q) => q.obliterate({ force: true }))).catch(() => {});
      await ctx.close();
      await dropDatabase(config.DATABASE_URL);
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Signs in through the login page as a seeded dev user. */
export async function login(page: Page, url: string, userId: string): Promise<void> {
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  const select = page.getByLabel('Logg inn som');
  await select.locator(`option[value="${userId}"]`).waitFor({ state: 'attached' });
  // The list arrives after the first render; select again until the choice has stuck.
  for (let i = 0; i < 20 && (await select.inputValue()) !== userId; i++) {
    await select.selectOption(userId);
    await page.waitForTimeout(50);
  }
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.getByRole('button', { name: 'Logg ut' }).waitFor();
  await page.waitForURL((u) => u.pathname !== '/');
}

export const people = personRegister();
/** Oslo (NAV Frogner/Grünerløkka), nothing special. */
export const OSLO_PERSON = people[0]!;
/** Bærum: the NAV office is 0219. */
export const BAERUM_PERSON = people[7]!;
export const BAERUM_PERSON_2 = people[23]!;
/** Strictly confidential address (kode 6): only NAV Vikafossen 2103. */
export const PROTECTED_PERSON = people[22]!;

/** A scanned-looking page: white A4-ish PNG with a few lines of text. */
export async function pagePng(lines: string[]): Promise<Buffer> {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="877"><rect width="100%" height="100%" fill="white"/>${
    lines.map((l, i) => `<text x="40" y="${70 + i * 34}" font-family="DejaVu Sans" font-size="${i === 0 ? 26 : 18}">${esc(l)}</text>`).join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export interface Seed {
  person: RegisterPerson | null;
  tema: string;
  kind: DocumentKind;
  formNumber?: string | null;
  title?: string;
  /** Page texts (also drawn on the page images). */
  pages?: string[][];
  /** Leave it in the manual queue with this reason instead of routing it. */
  manual?: string;
  /** In the manual queue, keep the person (as when vendor metadata named them). */
  manualWithPerson?: boolean;
  /** The scanned file's name (default seed-<hash>.png). */
  fileName?: string;
  /** Add to this batch instead of a new one. */
  batchId?: string;
  /** Store the real SHA-256 of the first page as the document's hash, so uploading those bytes again is a duplicate. */
  contentHash?: boolean;
}

/**
 * A document as the pipeline would leave it (split, read, identified, attached, routed), through
 * the lifecycle's own transitions (services/lifecycle.service.ts) so browser tests need no OCR.
 * Nothing is queued: what is still to come (the archive) waits in the outbox for a re-drive.
 */
export async function seedDocument(ctx: Context, s: Seed): Promise<{ id: string; caseId: string | null; units: string[]; batchId: string; original: Buffer }> {
  const batch = s.batchId ? { id: s.batchId } : await createBatch(ctx.db, 'seed', 'test');
  const pages = s.pages ?? [[s.title ?? 'Søknad', `Fødselsnummer: ${s.person?.id ?? 'ukjent'}`, 'Jeg søker om ytelse.']];
  const first = await pagePng(pages[0]!);
  const sha = s.contentHash ? createHash('sha256').update(first).digest('hex') : randomBytes(32).toString('hex');
  const originalKey = `originals/${sha.slice(0, 2)}/${sha}`;
  await ctx.store.put(originalKey, first, 'image/png');
  const images: Buffer[] = [];
  for (const [i, lines] of pages.entries()) images.push(i === 0 ? first : await pagePng(lines));
  return inTransaction(ctx.db, async (tx) => {
    const doc = (await insertDocument(tx, { batchId: batch.id, fileName: s.fileName ?? `seed-${sha.slice(0, 6)}.png`, mediaType: 'image/png', sha256: sha, originalKey, sizeBytes: first.length, vendorMetadata: null, externalRef: null }))!;
    await appendEvent(tx, doc.id, 'received', { batchId: batch.id, file: doc.fileName, mediaType: 'image/png', channel: 'SKAN' });
    await received(tx, doc.id);
    const at = (stage: Stage) => ({ documentId: doc.id, stage, pageNo: 0 });
    for (const [i, img] of images.entries()) await ctx.store.put(`pages/${doc.id}/${i + 1}.png`, img, 'image/png');
    // Split with every page's text: OCR is complete with the split, as for a born-digital file.
    await applyOutcome(tx, at('split'), {
      kind: 'done',
      fields: { pageCount: pages.length },
      events: [{ type: 'split', detail: { pages: pages.length, dpi: [75] } }],
      write: async (q) => {
        for (const [i, lines] of pages.entries()) {
          await upsertPage(q, { documentId: doc.id, pageNo: i + 1, imageKey: `pages/${doc.id}/${i + 1}.png`, width: 620, height: 877, dpi: 75 });
          await saveOcr(q, doc.id, i + 1, { text: lines.join('\n'), confidence: 91, ms: 5 });
        }
      },
    });
    await applyOutcome(tx, at('header'), { kind: 'done', enough: false });
    if (s.manual) {
      const personId = s.manualWithPerson ? s.person?.id ?? null : null;
      await tx.query(
        'UPDATE documents SET tema = $2, document_kind = $3, person_id = $4, confidence = 0.3, form_number = $5, classification = $6 WHERE id = $1',
        [doc.id, s.tema, s.kind, personId, s.formNumber ?? null, { reasons: [personId ? 'person id from vendor metadata' : 'no valid person id'] }],
      );
      await applyOutcome(tx, at('identify'), { kind: 'manual', reason: s.manual });
      return { id: doc.id, caseId: null, units: [], batchId: batch.id, original: first };
    }
    await applyOutcome(tx, at('identify'), {
      kind: 'done',
      fields: { tema: s.tema, documentKind: s.kind, personId: s.person?.id ?? null, confidence: 0.95, formNumber: s.formNumber ?? null, title: s.title ?? null, classification: { reasons: ['seeded'] } },
      events: [{ type: 'classified', detail: { formNumber: s.formNumber ?? null, tema: s.tema, kind: s.kind, confidence: 0.95, personIdentified: Boolean(s.person) } }],
    });
    let caseId: string | null = null;
    await applyOutcome(tx, at('attach'), {
      kind: 'done',
      write: async (q) => {
        if (!s.person) return;
        const { case: sak, opened } = await findOrOpenCase(q, s.person.id, s.tema);
        caseId = sak.id;
        await q.query('UPDATE documents SET case_id = $2 WHERE id = $1', [doc.id, sak.id]);
        await appendEvent(q, doc.id, 'attached', { caseId, opened, tema: s.tema });
      },
    });
    const decision = route({ tema: s.tema, kind: s.kind, person: s.person }, ctx.policy, ctx.directory);
    await applyOutcome(tx, at('route'), {
      kind: 'done',
      fields: { status: 'delivered' },
      write: (q) => recordDecision(q, doc.id, decision),
      events: routedEvents(ctx, decision),
    });
    return { id: doc.id, caseId, units: decision.destinations.map((d) => d.unitId), batchId: batch.id, original: first };
  });
}

/** Saves a screenshot under var/screenshots for a human to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ROOT, 'var', 'screenshots', `${name}.png`), fullPage: true });
}

/** Every request the browser context makes (pages, popups, fonts, images), to prove nothing leaves this machine. */
export function recordRequests(context: BrowserContext): { urls: string[]; outside(): string[] } {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  return {
    urls,
    outside: () => urls.filter((u) => {
      if (u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return false;
      try {
        return new URL(u).hostname !== '127.0.0.1';
      } catch {
        return true;
      }
    }),
  };
}
