import { describe, expect, it } from 'vitest';
import { completeBlot, findPersonIds, hasIdLabel, possibleIds } from '../../pipeline/identify/person-id.ts';
import { agreedId, cropBitmap, idLines, idRegions, mainLine, wordLines, type Bitmap } from '../../pipeline/ocr/id-rescue.ts';
import { OcrEngine, type BackendFactory } from '../../pipeline/ocr/ocr-engine.ts';
import { readPage, shouldCarryId } from '../../pipeline/ocr/read-page.ts';
import type { Word } from '../../pipeline/pages/page-image.ts';
import { syntheticId } from '../../storage/seed/synthetic-ids.ts';

const applicant = syntheticId(new Date(Date.UTC(1975, 2, 14)), 10);
const other = syntheticId(new Date(Date.UTC(1982, 6, 2)), 20);

describe('an id with one character OCR could not read (issue 9)', () => {
  for (const at of [0, 4, 9, 10]) {
    it(`is completed by its check digits when the register knows the result (blot at ${at})`, () => {
      const blotted = `${applicant.slice(0, at)}%${applicant.slice(at + 1)}`;
      // Without the register nothing is guessed.
      expect(findPersonIds(`Fødselsnummer: ${blotted}`)).toEqual([]);
      expect(completeBlot(blotted, (id) => id === applicant)).toBe(applicant);
      const [hit] = findPersonIds(`Fødselsnummer: ${blotted}`, { isKnown: (id) => id === applicant });
      expect(hit).toMatchObject({ id: applicant, repaired: true, role: 'applicant' });
      expect(possibleIds(`Fødselsnummer: ${blotted}`)).toContain(applicant);
    });
  }
  it('never completes to an id the register does not know, nor with two blots', () => {
    const blotted = `${applicant.slice(0, 10)}%`;
    expect(completeBlot(blotted, () => false)).toBeNull();
    expect(completeBlot(`%${applicant.slice(1, 10)}%`, () => true)).toBeNull();
    expect(findPersonIds(`Fødselsnummer: ${blotted}`, { isKnown: (id) => id === other })).toEqual([]);
  });
});

describe('where the id is on the page, from the first reading\'s words', () => {
  const w = (text: string, x0: number, y0: number, width = text.length * 12, h = 24): Word => ({ text, conf: 90, x0, y0, x1: x0 + width, y1: y0 + h });

  it('groups words into lines by their vertical middle, left to right', () => {
    const lines = wordLines([w('b', 300, 102), w('a', 100, 100), w('c', 100, 200)]);
    expect(lines.map((l) => l.map((x) => x.text).join(' '))).toEqual(['a b', 'c']);
  });
  it('looks right of and under a fødselsnummer label, with the label as context', () => {
    const regions = idRegions([w('Fødselsnummer:', 100, 100), w('2988', 300, 100)], 1654, 2339);
    expect(regions).toHaveLength(2);
    expect(regions[0]).toMatchObject({ context: 'Fødselsnummer:', psm: '7', group: 0 });
    expect(regions[0]!.box.x0).toBe(268);
    expect(regions[0]!.box.x1).toBeLessThan(1654);
    expect(regions[1]).toMatchObject({ psm: '6', group: 0 });
    expect(regions[1]!.box.y0).toBe(124);
  });
  it('looks at a run of digits that is not a valid id, and keeps the words before it', () => {
    const regions = idRegions([w('Barnets', 100, 300), w('fnr.', 200, 300), w('0482109759%', 260, 300)], 1654, 2339);
    // "fnr." is a label: the run is to its right.
    expect(regions[0]!.context).toBe('Barnets fnr.');
    const run = idRegions([w('Kontonummer', 100, 500), w('4105.89.48047', 260, 500)], 1654, 2339);
    expect(run).toHaveLength(1);
    expect(run[0]).toMatchObject({ context: 'Kontonummer', psm: '7' });
    expect(run[0]!.box.x0).toBeLessThan(260);
    expect(idRegions([w('Søknad', 100, 100), w('om', 200, 100), w('dagpenger', 250, 100), w('2026', 400, 100)], 1654, 2339)).toEqual([]);
    // Dates and phone numbers are not ids.
    expect(idRegions([w('Oslo,', 100, 100), w('23.03.2026', 200, 100)], 1654, 2339)).toEqual([]);
    expect(idRegions([w('Telefon', 100, 100), w('488', 200, 100), w('52', 250, 100), w('673', 300, 100)], 1654, 2339)).toEqual([]);
  });
  it('ends a run of digits at eleven: the phone number field beside the id is not read with it (issue 9)', () => {
    // Digit boxes read with a wall as a one, then the phone number in the next field.
    const [run] = idRegions([w('1198', 230, 800), w('10767130', 300, 800), w('498', 900, 800), w('48', 960, 800), w('757', 1000, 800)], 1654, 2339);
    expect(run!.box.x1).toBeLessThan(900);
    expect(run!.box.x1).toBeGreaterThanOrEqual(300 + 8 * 12);
  });
  it('keeps regions inside the page', () => {
    const [r] = idRegions([w('Fnr', 1600, 2320, 40, 19)], 1654, 2339);
    expect(r!.box.x1).toBeLessThanOrEqual(1654);
    expect(r!.box.y1).toBeLessThanOrEqual(2339);
  });
});

describe('readings of one field', () => {
  it('take the only valid id they read', () => {
    expect(agreedId([[applicant], [], [applicant]])).toBe(applicant);
    expect(agreedId([[], [applicant], []])).toBe(applicant);
    expect(agreedId([[], [], []])).toBeNull();
  });
  it('give none when two readings disagree, even outvoted: a doubt goes to a person', () => {
    expect(agreedId([[applicant], [other]])).toBeNull();
    expect(agreedId([[applicant], [other], [applicant]])).toBeNull();
    expect(agreedId([[applicant, other]])).toBeNull();
  });
  it('keep only the lines with an id and the line before each', () => {
    expect(idLines(`Søknad om dagpenger\nFødselsnummer\n${applicant}\nAdresse`)).toBe(`Fødselsnummer\n${applicant}`);
    expect(idLines('Søknad om dagpenger\nAdresse')).toBe('');
  });
});

describe('a box of the cleaned page, enlarged', () => {
  it('keeps the page\'s ink, adds white around it and scales it', async () => {
    // 16 x 2 page: the second byte of row 0 all ink (x 8-15), row 1 empty.
    const pbm = Buffer.concat([Buffer.from('P4\n16 2\n', 'latin1'), Buffer.from([0x00, 0xff, 0x00, 0x00])]);
    const page: Bitmap = { pbm, width: 16, height: 2, dpi: 200 };
    const pgm = await cropBitmap(page, { x0: 6, y0: 0, x1: 10, y1: 1 }, 1, 1);
    const header = 'P5\n6 3\n255\n';
    expect(pgm.subarray(0, header.length).toString('latin1')).toBe(header);
    const px = [...pgm.subarray(header.length)];
    expect(px).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 255, 255, 255]);
    const big = await cropBitmap(page, { x0: 6, y0: 0, x1: 10, y1: 1 }, 1, 2);
    expect(big.subarray(0, 12).toString('latin1')).toBe('P5\n12 6\n255\n');
  });
});

describe('pages that should carry an id', () => {
  it('a label, a NAV heading or the section about the person, not a form number alone', () => {
    expect(hasIdLabel('Fødselsnr.')).toBe(true);
    expect(hasIdLabel('Frødselsnummer')).toBe(true);
    expect(shouldCarryId('Arbeids- og velferdsetaten')).toBe(true);
    expect(shouldCarryId('1 Opplysninger om deg\nFornavn')).toBe(true);
    expect(shouldCarryId('NAV 10-07.53 side 2 av 3')).toBe(false);
    expect(shouldCarryId('Hei, jeg lurer på om dere har fått brevet mitt.')).toBe(false);
  });
});

describe('a page read without a valid id gets its id field read again', () => {
  // A stand-in recogniser: the full reading has the label and a broken run of digits; a
  // digits-only reading of a field gives what `field` says (per call).
  async function readWith(field: (call: number) => string, first = `Søknad om dagpenger\nFødselsnummer: 1483 75O 1l8 2x\nAdresse`) {
    const calls: Array<{ whitelist?: string; psm?: string }> = [];
    let fieldCalls = 0;
    const factory: BackendFactory = async () => ({
      recognize: async (_image, opts) => {
        calls.push({ whitelist: opts.whitelist, psm: opts.psm });
        if (opts.whitelist) return { text: field(fieldCalls++), confidence: 90, words: [] };
        const words: Word[] = [
          // The page's other text, read well (a page reading with little text is read again at another level).
          ...['Søknad', 'om', 'dagpenger', 'Arbeids-', 'og', 'velferdsetaten'].map((text, i) => ({ text, conf: 92, x0: 100 + i * 200, y0: 100, x1: 280 + i * 200, y1: 130 })),
          { text: 'Fødselsnummer:', conf: 90, x0: 100, y0: 300, x1: 300, y1: 324 },
          { text: '1483', conf: 40, x0: 310, y0: 300, x1: 360, y1: 324 },
          { text: '75O', conf: 40, x0: 370, y0: 300, x1: 410, y1: 324 },
        ];
        return { text: first, confidence: 90, words };
      },
      terminate: async () => {},
    });
    const engine = await OcrEngine.create({ langs: 'nor', size: 1, factory });
    const page = { data: Buffer.alloc(1654 * 2339, 255), width: 1654, height: 2339 };
    const r = await readPage(engine, page, 200);
    await engine.close();
    return { text: r.text ?? '', calls };
  }

  it('adds "<label> <id>" when the field\'s readings agree', async () => {
    const { text, calls } = await readWith(() => `${applicant}\n`);
    expect(text).toContain(`Fødselsnummer: ${applicant}`);
    expect(findPersonIds(text)[0]).toMatchObject({ id: applicant, role: 'applicant' });
    // Two levels agreed on the first field: no third reading of it.
    expect(calls.filter((c) => c.whitelist).length).toBe(2);
  });
  it('adds nothing when the readings disagree', async () => {
    const { text } = await readWith((n) => (n % 2 ? other : applicant));
    expect(findPersonIds(text)).toEqual([]);
  });
  it('reads the applicant\'s field again when the only valid id read is someone else\'s (a child\'s)', async () => {
    const first = `Søknad om barnetrygd\nFødselsnummer: 1483 75O 1l8 2x\nBarnets fødselsnummer: ${other}`;
    expect(findPersonIds(first).map((h) => h.role)).toEqual(['other']);
    const { text, calls } = await readWith(() => `${applicant}\n`, first);
    expect(calls.some((c) => c.whitelist)).toBe(true);
    expect(findPersonIds(text)[0]).toMatchObject({ id: applicant, role: 'applicant' });
  });
  it('reads nothing again when the first reading has a valid id', async () => {
    const { calls } = await readWith(() => applicant, `Fødselsnummer: ${applicant}`);
    expect(calls).toHaveLength(1);
  });
});

describe('a reading still poor after the bold level (issue 9: a noisy scanner)', () => {
  it('is read once more at the hard level, and that reading is kept when it reads better', async () => {
    const good = (n: number): Word[] => Array.from({ length: n }, (_, i) => ({ text: 'uføretrygd', conf: 90, x0: 10 + i * 200, y0: 100, x1: 190 + i * 200, y1: 130 }));
    const readings = [
      { text: `speckled ${applicant}`, confidence: 50, words: [{ text: 'x1', conf: 40, x0: 0, y0: 0, x1: 10, y1: 10 }] },
      { text: `bold ${applicant}`, confidence: 40, words: [] as Word[] },
      { text: `hard ${applicant}`, confidence: 80, words: good(6) },
    ];
    let call = 0;
    const factory: BackendFactory = async () => ({
      recognize: async () => readings[Math.min(call++, readings.length - 1)]!,
      terminate: async () => {},
    });
    const engine = await OcrEngine.create({ langs: 'nor', size: 1, factory });
    const page = { data: Buffer.alloc(1654 * 2339, 255), width: 1654, height: 2339 };
    const r = await readPage(engine, page, 200);
    await engine.close();
    expect(call).toBe(3);
    expect(r.text).toBe(`hard ${applicant}`);
    expect(r.level).toBe('hard');
  });
});

describe('a reading with little text, however sure (issue 9: a bad photocopy)', () => {
  // A copy whose print faded below the normal level's threshold: only the bold heading "NAV" is
  // read, with full confidence; the bold level reads the title and the rest.
  async function read(first: { text: string; words: Word[] }) {
    const good = (n: number): Word[] => Array.from({ length: n }, (_, i) => ({ text: 'grunnstønad', conf: 85, x0: 10 + i * 200, y0: 100, x1: 190 + i * 200, y1: 130 }));
    let call = 0;
    const factory: BackendFactory = async () => ({
      recognize: async () => (call++ === 0 ? { ...first, confidence: 96 } : { text: `Søknad om grunnstønad\nFødselsnummer ${applicant}`, confidence: 70, words: good(8) }),
      terminate: async () => {},
    });
    const engine = await OcrEngine.create({ langs: 'nor', size: 1, factory });
    const page = { data: Buffer.alloc(1654 * 2339, 255), width: 1654, height: 2339 };
    const r = await readPage(engine, page, 200);
    await engine.close();
    return { r, calls: call };
  }
  it('is read again at the bold level, and that reading is kept when it reads clearly more', async () => {
    const { r, calls } = await read({ text: 'NAV', words: [{ text: 'NAV', conf: 96, x0: 100, y0: 100, x1: 200, y1: 140 }] });
    expect(calls).toBe(2);
    expect(r.level).toBe('bold');
    expect(r.text).toContain('Søknad om grunnstønad');
  });
  it('a page read with enough sure text is read once', async () => {
    const words = Array.from({ length: 12 }, (_, i): Word => ({ text: 'omstillingsstønad', conf: 95, x0: 10, y0: 100 + i * 40, x1: 300, y1: 130 + i * 40 }));
    const { calls } = await read({ text: `${words.map((w) => w.text).join(' ')}\nFødselsnummer ${applicant}`, words });
    expect(calls).toBe(1);
  });
});

describe('a field read as one line (issue 9: digit boxes)', () => {
  it('is cut to its main line of print: the label above and the rule under it are left out', () => {
    // 200 dpi: a small label (rows 10-20), the digits (rows 30-52), the box's bottom rule (row 60).
    const width = 400;
    const height = 80;
    const rowBytes = Math.ceil(width / 8);
    const header = Buffer.from(`P4\n${width} ${height}\n`, 'latin1');
    const pbm = Buffer.concat([header, Buffer.alloc(rowBytes * height)]);
    const set = (x0: number, y0: number, x1: number, y1: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) pbm[header.length + y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    };
    for (let x = 10; x < 200; x += 9) set(x, 10, x + 2, 20);
    for (let x = 20; x < 380; x += 32) {
      set(x, 30, x + 3, 52);
      set(x, 30, x + 12, 33);
      set(x, 49, x + 12, 52);
    }
    set(0, 60, 400, 61);
    const line = mainLine({ pbm, width, height, dpi: 200 }, { x0: 0, y0: 0, x1: 400, y1: 80 });
    expect(line.y0).toBeGreaterThan(20);
    expect(line.y0).toBeLessThanOrEqual(30);
    expect(line.y1).toBeGreaterThanOrEqual(52);
    expect(line.y1).toBeLessThan(60);
  });
});
