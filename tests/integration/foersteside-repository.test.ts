import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLoepenummer } from '../../pipeline/foersteside/loepenummer.ts';
import { CoverSheetError, orderCoverSheet, validateOrder } from '../../services/foersteside.service.ts';
import { getCoverSheet } from '../../storage/repositories/foersteside.repository.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { createContext, type Context } from '../../app/context.ts';
import { testConfig, closeTestContext } from '../helpers/services.ts';

let ctx: Context;
beforeAll(async () => {
  ctx = await createContext(testConfig(), 'test');
}, 60_000);
afterAll(async () => {
  await closeTestContext(ctx);
});

describe('cover sheets in PostgreSQL', () => {
  it('gives each sheet the next løpenummer of the day, with a valid check digit, even when ordered concurrently', async () => {
    const orders = await Promise.all(Array.from({ length: 6 }, () => orderCoverSheet(ctx, { tema: 'AAP', formNumber: 'NAV 11-13.05' }, 'test')));
    const numbers = orders.map((o) => o.sheet.loepenummer);
    expect(new Set(numbers).size).toBe(6);
    const counters = numbers.map((n) => parseLoepenummer(n)!.counter).sort((a, b) => a - b);
    expect(counters).toEqual([1, 2, 3, 4, 5, 6]);
    for (const o of orders) expect(o.pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
  it('stores the metadata: tema, form, user, expected attachments, unit, language', async () => {
    const id = personRegister()[5]!.id;
    const { sheet } = await orderCoverSheet(ctx, {
      tema: 'DAG', formNumber: 'NAV 04-01.03', personId: id, attachments: ['Arbeidsavtale'], unit: '4450', language: 'nn', followUp: true,
    }, 'test');
    expect(await getCoverSheet(ctx.db, sheet.loepenummer)).toMatchObject({
      tema: 'DAG', formNumber: 'NAV 04-01.03', personId: id, attachments: ['Arbeidsavtale'], unit: '4450', language: 'nn', followUp: true, title: expect.stringMatching(/dagpenger/i),
    });
  });
  it('rejects orders the catalogue contradicts', () => {
    expect(() => validateOrder({ tema: 'DAG', formNumber: 'NAV 11-13.05' }, ctx.reference)).toThrow(CoverSheetError);
    expect(() => validateOrder({ tema: 'DAG', formNumber: 'NAV 99-99.99' }, ctx.reference)).toThrow(/skjemakatalogen/);
    expect(() => validateOrder({ tema: 'DAG', personId: '12345678901' }, ctx.reference)).toThrow(/fødselsnummer/);
    expect(() => validateOrder({ tema: 'DAG', unit: '9999' }, ctx.reference)).toThrow(/ukjent enhet/);
  });
});
