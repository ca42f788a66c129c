import { idnr } from '@navikt/fnrvalidator';
import { describe, expect, it } from 'vitest';
import { fnrCheckDigits, hasValidFnrCheckDigits, isValidLuhn, luhnCheckDigit } from '../../pipeline/identify/check-digits.ts';
import { makeLoepenummer, parseLoepenummer } from '../../pipeline/foersteside/loepenummer.ts';
import { personRegister } from '../../storage/seed/person-register.ts';
import { syntheticId } from '../../storage/seed/synthetic-ids.ts';

describe('Luhn (mod 10) check digit', () => {
  it.each([
    ['7992739871', 3], // the textbook example
    ['0', 0],
    ['2026110300001', luhnCheckDigit('2026110300001')],
  ])('check digit of %s is %i', (body, digit) => {
    expect(luhnCheckDigit(body)).toBe(digit);
    expect(isValidLuhn(body + String(digit))).toBe(true);
  });
  it('catches every single-digit error and most adjacent swaps', () => {
    const good = makeLoepenummer(new Date(Date.UTC(2026, 10, 3)), 4711);
    for (let i = 0; i < good.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === good[i]) continue;
        expect(isValidLuhn(good.slice(0, i) + d + good.slice(i + 1))).toBe(false);
      }
    }
    const swapped = good.slice(0, 9) + good[10] + good[9] + good.slice(11);
    if (swapped !== good && !(good[9] === '0' && good[10] === '9') && !(good[9] === '9' && good[10] === '0')) expect(isValidLuhn(swapped)).toBe(false);
  });
});

describe('løpenummer', () => {
  it('is yyyyMMdd + 5-digit daily counter + Luhn digit', () => {
    const l = makeLoepenummer(new Date(Date.UTC(2026, 0, 9)), 42);
    expect(l).toMatch(/^2026010900042\d$/);
    expect(parseLoepenummer(l)).toEqual({ loepenummer: l, day: '2026-01-09', counter: 42 });
  });
  it('rejects a wrong check digit, an impossible date, counter 0 and wrong lengths', () => {
    const l = makeLoepenummer(new Date(Date.UTC(2026, 0, 9)), 42);
    expect(parseLoepenummer(l.slice(0, 13) + String((Number(l[13]) + 1) % 10))).toBeNull();
    const feb30 = '2026023000001';
    expect(parseLoepenummer(feb30 + luhnCheckDigit(feb30))).toBeNull();
    const zero = '2026010900000';
    expect(parseLoepenummer(zero + luhnCheckDigit(zero))).toBeNull();
    expect(parseLoepenummer(l.slice(1))).toBeNull();
    expect(() => makeLoepenummer(new Date(), 100_000)).toThrow();
  });
});

describe('mod 11 check digits of national ids', () => {
  it('agree with @navikt/fnrvalidator on the synthetic register (fødselsnummer and D-numbers)', () => {
    for (const p of personRegister()) {
      expect(fnrCheckDigits(p.id.slice(0, 9))).toBe(p.id.slice(9));
      expect(idnr(p.id).status).toBe('valid');
    }
  });
  it('rejects a changed digit', () => {
    const id = syntheticId(new Date(Date.UTC(1980, 4, 17)), 212);
    expect(hasValidFnrCheckDigits(id)).toBe(true);
    for (let i = 0; i < 11; i++) {
      const changed = id.slice(0, i) + String((Number(id[i]) + 1) % 10) + id.slice(i + 1);
      expect(hasValidFnrCheckDigits(changed)).toBe(false);
    }
  });
  it('returns null for a base with no valid first check digit', () => {
    // Search a base whose k1 would be 10: such numbers are never issued.
    let base = '';
    for (let n = 100000000; n < 100000200; n++) if (fnrCheckDigits(String(n)) === null) { base = String(n); break; }
    expect(base).not.toBe('');
  });
});
