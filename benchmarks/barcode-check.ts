/**
 * Cover and separator barcodes on every page of an evaluation set, read as the split reads them
 * (pipeline/foersteside/barcode.ts) and with the options before issue 14's speed work (zxing's
 * pass on a copy scaled down by 3 on): every difference is printed, with the CPU of each.
 *
 *   npx tsx benchmarks/barcode-check.ts [files 50] [seed 4242]
 */
import { readBarcodes } from 'zxing-wasm/reader';
import { generateEvalSet } from '../fixtures/eval-set.ts';
import { detectMediaType } from '../pipeline/ingest/detect.ts';
import { pageImages } from '../pipeline/pages/extract-pages.ts';
import { readPageBarcodes } from '../pipeline/foersteside/barcode.ts';
import { greyPgm } from '../pipeline/pages/pgm.ts';

const files = Number(process.argv[2] ?? 50);
const seed = Number(process.argv[3] ?? 4242);
const set = await generateEvalSet({ files, seed });
const before = { formats: ['Code39'], tryHarder: true, tryRotate: true, tryInvert: false, maxNumberOfSymbols: 4 } as const;
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
await readPageBarcodes({ data: Buffer.alloc(64, 255), width: 8, height: 8 }); // loads zxing
const ms = { before: 0, now: 0 };
const found = { before: 0, now: 0 };
let pages = 0;
let differ = 0;
for (const f of set.files) {
  const type = detectMediaType(f.data);
  if (!type) continue;
  for await (const p of pageImages(f.data, type)) {
    pages++;
    let c0 = cpu();
    const old = (await readBarcodes(greyPgm(p.grey!.data, p.grey!.width, p.grey!.height), before as never)).filter((r) => r.isValid && r.text).map((r) => r.text.trim()).sort().join(',');
    ms.before += cpu() - c0;
    c0 = cpu();
    const now = (await readPageBarcodes(p.grey!)).map((b) => b.text).sort().join(',');
    ms.now += cpu() - c0;
    if (old) found.before++;
    if (now) found.now++;
    if (old !== now) {
      differ++;
      console.log('differs', f.name, { before: old, now });
    }
  }
}
console.log(JSON.stringify({ files, seed, pages, differ, found, msPerPage: { before: Math.round((ms.before / pages) * 10) / 10, now: Math.round((ms.now / pages) * 10) / 10 } }));
