/**
 * Archive PDF size on real scans (OCRmyPDF's test files, copied with their licences into
 * tests/fixtures/real-scans/ by tests that use them; here read from REAL_SCANS, default
 * ../shared/real-scans): our archive variant beside the original and beside OCRmyPDF's PDF/A-2b
 * output, run here when `ocrmypdf` is installed (Debian: `apt-get install ocrmypdf`).
 *
 *   npm run bench:archive [-- --dir ../shared/real-scans --no-ocrmypdf]
 *
 * Pages go through what the pipeline does (extract, normalise, OCR with a text layer, colour
 * where the image file has it) and then pipeline/archive. Writes benchmarks/RESULTS-archive.md.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { buildArchivePdf, keepsAsItIs, type ArchivePage } from '../pipeline/archive/archive-pdf.ts';
import { encodePage, uprightColour } from '../pipeline/archive/page-encoding.ts';
import { renderedColour } from '../pipeline/archive/pdf-colour.ts';
import { detectMediaType, type MediaType } from '../pipeline/ingest/detect.ts';
import { OcrEngine } from '../pipeline/ocr/ocr-engine.ts';
import { readPage } from '../pipeline/ocr/read-page.ts';
import { extractPages } from '../pipeline/pages/extract-pages.ts';
import { encodePng, normalisePage, toGrey } from '../pipeline/pages/normalise.ts';
import { loadConfig, ROOT } from '../schemas/config.ts';

const run = promisify(execFile);
const argv = process.argv.slice(2);
const dirArg = argv.indexOf('--dir');
const DIR = path.resolve(dirArg >= 0 ? argv[dirArg + 1]! : path.join(ROOT, '..', 'shared', 'real-scans'));
const WITH_OCRMYPDF = !argv.includes('--no-ocrmypdf');
// Left out: invalid.pdf (not a PDF: refused, nothing to archive) and the two whose pages are
// refused or downscaled by design (hugemono 35 000 px square, enormous).
const SKIP = new Set(['invalid.pdf', 'hugemono.pdf', 'enormous.pdf']);

async function ocrmypdf(file: string, out: string): Promise<{ bytes: number; version: string } | { error: string }> {
  try {
    const { stdout } = await run('ocrmypdf', ['--version']);
    await run('ocrmypdf', ['-q', '-l', 'eng', '--output-type', 'pdfa-2', '--rotate-pages', '--jobs', '1', file, out], { timeout: 600_000 });
    return { bytes: (await stat(out)).size, version: stdout.trim() };
  } catch (err) {
    return { error: ((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').pop()!.slice(0, 100) };
  }
}

async function main() {
  const config = loadConfig();
  const engine = await OcrEngine.create({ langs: 'eng', size: 1, langPath: config.OCR_LANG_PATH });
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'intake-archive-bench-'));
  const rows: string[] = [];
  let version = '';
  try {
    for (const name of (await readdir(DIR)).filter((f) => /\.(pdf|png)$/.test(f) && !SKIP.has(f)).sort()) {
      const data = await readFile(path.join(DIR, name));
      const type = detectMediaType(data) as MediaType | null;
      if (!type) continue;
      const t = Date.now();
      let pages;
      try {
        pages = await extractPages(data, type);
      } catch (err) {
        rows.push(`| ${name} | ${data.length} | — | — | — | refused: ${(err as Error).message.slice(0, 60)} |`);
        continue;
      }
      const input: ArchivePage[] = [];
      const kinds: string[] = [];
      for (const [i, page] of pages.entries()) {
        const n = await normalisePage(await toGrey(page.png), page.dpi);
        const png = await encodePng(n.raster, n.dpi);
        const size = { width: n.raster.width, height: n.raster.height };
        const kept = type === 'application/pdf' && keepsAsItIs((await PDFDocument.load(data)).getPages()[i]!);
        // Colour as the archive takes it: from an image file, or rendered from a PDF page that is rebuilt.
        const colour = type.startsWith('image/') ? await uprightColour(data, i, n.orientation, n.skew, size)
          : kept ? null : await renderedColour(data, i, n.orientation, n.skew, size).catch(() => null);
        const r = n.blank ? null : await readPage(engine, n.raster, n.dpi, { textPdf: true });
        const p: ArchivePage = {
          png, ...size, dpi: n.dpi, textPdf: r?.textPdf ?? null, colour,
          scan: type === 'application/pdf' ? { pdf: data, pageIndex: i, orientation: n.orientation, skew: n.skew } : null,
        };
        kinds.push(kept ? 'kept' : (await encodePage(p)).kind);
        input.push(p);
      }
      const pdf = await buildArchivePdf(input, { title: name, documentId: 'BENCH', created: new Date(Date.UTC(2026, 0, 1)) });
      const ours = pdf.length;
      await writeFile(path.join(tmp, `ours-${name}.pdf`), pdf);
      let theirs = '—';
      let vsTheirs = '—';
      if (WITH_OCRMYPDF) {
        const o = await ocrmypdf(path.join(DIR, name), path.join(tmp, `ocrmypdf-${name}.pdf`));
        if ('bytes' in o) {
          version = o.version;
          theirs = String(o.bytes);
          vsTheirs = (ours / o.bytes).toFixed(2);
        } else theirs = `failed: ${o.error}`;
      }
      const kindSummary = [...new Set(kinds)].map((k) => `${kinds.filter((x) => x === k).length} ${k}`).join(', ');
      rows.push(`| ${name} | ${data.length} | ${ours} | ${(ours / data.length).toFixed(2)} | ${theirs} | ${vsTheirs} | ${pages.length} (${kindSummary}) | ${((Date.now() - t) / 1000).toFixed(1)} s |`);
      console.log(rows[rows.length - 1]);
    }
  } finally {
    await engine.close();
    if (!process.env.KEEP_ARCHIVES) await rm(tmp, { recursive: true, force: true });
    else console.log(`archives kept in ${tmp}`);
  }
  const md = `# Archive PDF size on real scans

\`npm run bench:archive\` (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}). Files: OCRmyPDF's test
scans (../shared/real-scans, licences in its README). Our archive variant is built the way the
pipeline builds it: page images extracted, turned upright, read by OCR (eng) with an invisible text
layer; a scanned PDF page that PDF/A-2 can take is kept as it is (its images losslessly optimised:
Flate at level 9, grey-in-RGB as grey, black-and-white as 1 bit, a Flate layer over JPEG/fax/JBIG2
where it saves), other pages encoded per page (1-bit CCITT G4 for black-and-white, JPEG q${80} for
grey, JPEG for colour); one text-layer font for the document; object streams; PDF/A-2b structure.
OCRmyPDF column: ${version ? `\`${version}\` run here (Debian 12's package) as \`ocrmypdf -l eng --output-type pdfa-2 --rotate-pages\`` : 'not run (not installed here)'}
(its default optimisation, -O1).

| file | original (bytes) | ours (bytes) | ours / original | OCRmyPDF (bytes) | ours / OCRmyPDF | pages (encoding) | our time |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Left out: invalid.pdf (not a PDF: refused at ingest), hugemono.pdf and enormous.pdf (pages refused
or downscaled by design, see issue 9).
`;
  await writeFile(path.join(ROOT, 'benchmarks', 'RESULTS-archive.md'), md);
  console.log(md);
}

await main();
