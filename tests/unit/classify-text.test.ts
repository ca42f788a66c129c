import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineRegister } from '../../bin/identify-commands.ts';
import { claimPages } from '../../fixtures/claim-content.ts';
import { toPdf } from '../../fixtures/documents.ts';
import { renderPage } from '../../fixtures/render-page.ts';
import { readDocumentFile, type ReadDeps } from '../../pipeline/identify/read-document.ts';
import { OcrEngine } from '../../pipeline/ocr/ocr-engine.ts';
import { loadPolicy, loadReference } from '../../pipeline/reference.ts';
import { UnitDirectory } from '../../pipeline/route/route.ts';
import { ROOT } from '../../schemas/config.ts';
import { personRegister } from '../../storage/seed/person-register.ts';

describe('intake classify --text: what was read and how each page was turned', () => {
  let ocr: OcrEngine;
  let deps: ReadDeps;
  let pdf: Buffer;
  beforeAll(async () => {
    ocr = await OcrEngine.create({ langs: 'nor+eng', size: 1 });
    const reference = loadReference();
    deps = {
      ocr, reference, policy: loadPolicy(`${ROOT}/data/policies/ekspertgruppe-2010.json`),
      directory: new UnitDirectory(reference.units, reference.municipalities), person: offlineRegister(), coverSheet: () => null,
    };
    const person = personRegister()[3]!;
    const [first, second] = claimPages({ formNumber: 'NAV 04-01.03', title: 'Søknad om dagpenger', tema: 'DAG', person, kind: 'claim', pages: 2, seed: 9 });
    // Page 1 upright, page 2 fed upside down.
    pdf = await toPdf([await renderPage(first!, { dpi: 200, seed: 1, noise: 0.01 }), await renderPage(second!, { dpi: 200, seed: 2, noise: 0.01, rotate: 180 })]);
  });
  afterAll(() => ocr.close());

  it('adds the text and the page turns, and changes nothing else', async () => {
    const plain = await readDocumentFile(deps, 'scan.pdf', pdf);
    const withText = await readDocumentFile({ ...deps, withText: true }, 'scan.pdf', pdf);
    expect(plain[0]).not.toHaveProperty('text');
    expect(plain[0]).not.toHaveProperty('pageTurns');
    const { text, pageTurns, ...rest } = withText[0]!;
    expect(rest).toEqual(plain[0]);
    expect(pageTurns).toEqual([0, 180]);
    expect(text!.split('\f')).toHaveLength(2);
    expect(text).toMatch(/NAV 04-01\.03/);
  }, 240_000); // four page reads (two files' worth): 6 s alone, past a minute on a loaded machine
});
