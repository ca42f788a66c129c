import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../app/context.ts';
import { compareReferences, dayOfFileName, expectedDelivery, isPublicHoliday, parseAvstemmingsfil } from '../../pipeline/ingest/avstemming.ts';
import { ingest } from '../../services/ingest.service.ts';
import { listReconciliations, runReconciliation } from '../../services/reconciliation.service.ts';
import { closeTestContext, testConfig } from '../helpers/services.ts';

// NAV's sample (skanmotovrig test resources; README beside it): 28 lines, one reference twice.
const NAV = path.join(import.meta.dirname, '..', 'fixtures', 'nav', 'skanmotovrig');
const SAMPLE = '04.01.2024_avstemmingsfil_1.txt';

describe('the avstemmingsfil and the calendar', () => {
  it("reads NAV's sample as a set of references and its day from the name", async () => {
    const refs = parseAvstemmingsfil(await readFile(path.join(NAV, SAMPLE), 'utf8'));
    expect(refs).toHaveLength(27);
    expect(refs[0]).toBe('04.11.2024_R511382572_2_8408.pdf');
    expect(dayOfFileName(SAMPLE)).toBe('2024-01-04');
  });
  it('expects no file after a public holiday or a weekend, and one after a working day', () => {
    expect(isPublicHoliday('2024-05-17')).toBeTruthy(); // Grunnlovsdag
    expect(isPublicHoliday('2024-03-29')).toBeTruthy(); // Langfredag
    expect(isPublicHoliday('2024-12-26')).toBeTruthy(); // 2. juledag
    expect(isPublicHoliday('2024-05-16')).toBeNull();
    expect(expectedDelivery('2024-05-18')).toMatchObject({ day: '2024-05-17', expected: false });
    expect(expectedDelivery('2024-04-01')).toMatchObject({ day: '2024-03-29', expected: false }); // Monday after Easter: Friday was Langfredag
    expect(expectedDelivery('2024-01-08')).toEqual({ day: '2024-01-05', expected: true }); // Monday: Friday's
    expect(expectedDelivery('2024-01-05')).toEqual({ day: '2024-01-04', expected: true });
  });
  it('sorts references into filed, set aside and missing', () => {
    expect(compareReferences(['a.pdf', 'b.pdf', 'c.pdf'], new Set(['a.pdf']), new Set(['b.pdf']))).toEqual({ expected: 3, filed: ['a.pdf'], setAside: ['b.pdf'], missing: ['c.pdf'] });
  });
});

describe('reconciliation against what was received', () => {
  let ctx: Context;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'intake-avstem-'));
    ctx = await createContext(testConfig({ AVSTEMMING_DIR: dir }), 'avstemming-test');
    await ingest(ctx, [{ name: 'OVRIG-20200529-1.zip', data: await readFile(path.join(NAV, 'OVRIG-20200529-1.zip')) }], { batchName: 'b', source: 'test' });
  });
  afterAll(async () => {
    await closeTestContext(ctx);
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the references the vendor delivered that never came, and those set aside', async () => {
    const file = ['OVRIG-20200529-1-1.pdf', 'OVRIG-20200529-1-2.pdf', 'OVRIG-20200529-1-4.pdf', 'OVRIG-20200529-1-9.pdf', ''].join('\n');
    await writeFile(path.join(dir, '05.01.2024_avstemmingsfil_1.txt'), file);
    const r = await runReconciliation(ctx, { today: '2024-01-08', actor: 'test' }); // Monday: Friday 5 January
    expect(r).toMatchObject({ day: '2024-01-05', fileName: '05.01.2024_avstemmingsfil_1.txt', status: 'missing', expected: 4, filed: 2, setAside: 1, missing: ['OVRIG-20200529-1-9.pdf'], setAsideRefs: ['OVRIG-20200529-1-4.pdf'] });
  });

  it("NAV's sample: every reference missing here", async () => {
    const data = await readFile(path.join(NAV, SAMPLE));
    const r = await runReconciliation(ctx, { file: { name: SAMPLE, data }, actor: 'test' });
    expect(r).toMatchObject({ day: '2024-01-04', status: 'missing', expected: 27, filed: 0 });
    expect(r.missing).toHaveLength(27);
  });

  it('no file after a working day is itself reported; none after a holiday is not', async () => {
    expect(await runReconciliation(ctx, { today: '2024-01-10', actor: 'test' })).toMatchObject({ day: '2024-01-09', status: 'no-file' });
    expect(await runReconciliation(ctx, { today: '2024-05-18', actor: 'test' })).toMatchObject({ day: '2024-05-17', status: 'not-expected', note: expect.stringMatching(/helligdag/) });
    expect((await listReconciliations(ctx)).length).toBe(4);
  });
});
