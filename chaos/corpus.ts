/**
 * The chaos batch: one-page claims from the project's generators. Most are born-digital PDFs
 * (their own text layer, so every stage runs but tesseract does not: the machine has two shared
 * cores); every `scannedEvery`-th is a rendered 200 dpi scan that goes through OCR.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { claimPages } from '../fixtures/claim-content.ts';
import { toPdf } from '../fixtures/documents.ts';
import { renderPage } from '../fixtures/render-page.ts';
import { navForms } from '../fixtures/sample-batch.ts';
import { personRegister } from '../storage/seed/person-register.ts';

export interface ChaosFile {
  name: string;
  data: Buffer;
  scanned: boolean;
}

/** Helvetica's WinAnsi covers æøå; anything else it cannot draw becomes '?'. */
const winAnsi = (s: string) => s.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');

async function bornDigital(lines: string[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  let y = 790;
  for (const line of lines) {
    if (y < 50) break;
    page.drawText(winAnsi(line), { x: 50, y, size: 10, font });
    y -= 14;
  }
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}

export async function chaosCorpus(count: number, opts: { scannedEvery?: number; seed?: number } = {}): Promise<ChaosFile[]> {
  const scannedEvery = opts.scannedEvery ?? 10;
  const seed = opts.seed ?? 1;
  // Forms whose tema the default policy routes by rule (not the catch-all), persons without protection.
  const forms = navForms().filter((f) => ['DAG', 'AAP', 'SYK', 'FOR', 'BAR', 'PEN', 'UFO', 'HJE'].includes(f.tema) && /^NAV \d/.test(f.formNumber));
  const persons = personRegister().filter((p) => p.addressProtection === 'none' && !p.skjermet);
  const files: ChaosFile[] = [];
  for (let i = 0; i < count; i++) {
    const form = forms[(i * 7 + seed) % forms.length]!;
    const person = persons[(i * 11 + seed) % persons.length]!;
    const [content] = claimPages({ formNumber: form.formNumber, title: form.title, tema: form.tema, person, kind: 'claim', pages: 1, seed: seed * 100_000 + i });
    const scanned = scannedEvery > 0 && i % scannedEvery === scannedEvery - 1;
    // A reference of its own, so no two files share bytes (duplicates are a scenario of their own).
    const lines = [...content!.lines.filter((l) => !l.rule).map((l) => l.text), `Referanse chaos-${seed}-${i}`];
    const data = scanned
      ? await toPdf([await renderPage({ lines: [...content!.lines, { text: `Referanse chaos-${seed}-${i}`, size: 8 }] }, { dpi: 200, noise: 0.005, jpegQuality: 75, seed: seed * 1000 + i })])
      : await bornDigital(lines);
    files.push({ name: `chaos-${String(i + 1).padStart(4, '0')}${scanned ? '-scan' : ''}.pdf`, data, scanned });
  }
  return files;
}

export async function writeCorpus(dir: string, files: ChaosFile[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(files.map((f) => writeFile(path.join(dir, f.name), f.data)));
}
