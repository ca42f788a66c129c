import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const url = (p: string) => pathToFileURL(path.join(ROOT, p)).href;

/**
 * What a worker of the split stages only (`intake worker --stages split,page`) loads, in a fresh
 * process: not tesseract.js (the OCR stage's) and not the native canvas pdf.js renders with (only
 * pages that must be rendered need it). Each was tens of MB of an idle split worker's 284 MB
 * (issue 14: a 2 000-page split under 300 MB).
 */
describe('a split worker loads what splitting needs', () => {
  it('leaves the OCR stage and the renderer unloaded until a stage needs them', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const loaded = (re) => Object.keys(require.cache).some((k) => re.test(k));
      const { handlerOf } = await import(${JSON.stringify(url('workers/runner.ts'))});
      await import(${JSON.stringify(url('workers/worker.ts'))});
      await handlerOf('split');
      await handlerOf('page');
      const split = { tesseract: loaded(/tesseract\\.js/), canvas: loaded(/@napi-rs[\\/\\\\]canvas/) };
      await handlerOf('ocr');
      const { createCanvas } = await import(${JSON.stringify(url('pipeline/pages/pdf-render.ts'))});
      createCanvas(1, 1);
      console.log(JSON.stringify({ split, later: { tesseract: loaded(/tesseract\\.js/), canvas: loaded(/@napi-rs[\\/\\\\]canvas/) } }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ split: { tesseract: false, canvas: false }, later: { tesseract: true, canvas: true } });
  }, 60_000);
});
