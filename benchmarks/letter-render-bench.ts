#!/usr/bin/env -S npx tsx
/**
 * Time to render one letter PDF (issue 13), in one process: letters whose fonts fontkit parses anew
 * (as before the cache) and letters with the process's parsed fonts (as shipped), interleaved so
 * both see the same load.
 *   npx tsx benchmarks/letter-render-bench.ts [--letters 20]
 */
import fontkit from '@pdf-lib/fontkit';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { COVER_LANGUAGES } from '../pipeline/foersteside/cover-sheet.ts';
import { makeLoepenummer } from '../pipeline/foersteside/loepenummer.ts';
import { missingAttachmentsLetter } from '../pipeline/letters/content.ts';
import { renderLetterPdf, type LetterPdfInput } from '../pipeline/letters/render.ts';

const { values } = parseArgs({ options: { letters: { type: 'string', default: '20' } } });
const n = Number(values.letters);

function letter(i: number): LetterPdfInput {
  const createdAt = new Date(Date.UTC(2026, 11, 3, 9, i));
  const content = missingAttachmentsLetter({
    language: COVER_LANGUAGES[i % 3]!, title: 'Søknad om dagpenger', formNumber: 'NAV 04-01.03', caseId: `SAK${i}`,
    receivedAt: createdAt, letterDate: createdAt, deadline: new Date(createdAt.getTime() + 14 * 86_400_000), missing: ['Arbeidsavtale', 'Lønnsslipper for de siste tre månedene'],
  });
  const coverSheet = { loepenummer: makeLoepenummer(createdAt, 100 + i), tema: 'DAG', formNumber: 'NAV 04-01.03', followUp: true, title: 'Søknad om dagpenger', personId: '01017012345', attachments: content.items, language: content.language, createdAt };
  return { content, coverSheet, temaName: 'Dagpenger', createdAt };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
// A first letter each way, not counted: module loading and the cache's first parse.
await renderLetterPdf(letter(0), fontkit);
await renderLetterPdf(letter(0));
const anew: number[] = [];
const cached: number[] = [];
const load0 = os.loadavg()[0]!;
for (let i = 1; i <= n; i++) {
  let t = performance.now();
  await renderLetterPdf(letter(i), fontkit);
  anew.push(performance.now() - t);
  t = performance.now();
  await renderLetterPdf(letter(i));
  cached.push(performance.now() - t);
}
console.log(JSON.stringify({
  letters: n, parsedAnewMedianMs: Math.round(median(anew)), cachedMedianMs: Math.round(median(cached)), ratio: +(median(anew) / median(cached)).toFixed(2),
  load: `${load0.toFixed(1)}-${os.loadavg()[0]!.toFixed(1)}`, cores: os.availableParallelism(),
}));
