import bwipjs from 'bwip-js';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { z } from 'zod';
import { FORM_NUMBER_RE } from '../../schemas/reference.ts';
import { isValidPersonId } from '../identify/person-id.ts';
import { SEPARATOR_CODE } from './barcode.ts';

export const COVER_LANGUAGES = ['nb', 'nn', 'en'] as const;
export type CoverLanguage = (typeof COVER_LANGUAGES)[number];

/** What a cover sheet is ordered with: validated at the CLI and API edge. */
export const CoverSheetRequest = z
  .object({
    tema: z.string().regex(/^[A-Z]{3}$/),
    formNumber: z.string().regex(FORM_NUMBER_RE).optional(),
    /** Follow-up submission (ettersendelse) to an earlier claim: printed as NAVe. */
    followUp: z.boolean().default(false),
    title: z.string().min(3).max(200).optional(),
    personId: z.string().refine(isValidPersonId, 'not a valid fødselsnummer or D-number').optional(),
    attachments: z.array(z.string().trim().min(2).max(200)).max(30).default([]),
    unit: z.string().regex(/^\d{4}$/).optional(),
    language: z.enum(COVER_LANGUAGES).default('nb'),
  })
  .strict();
export type CoverSheetRequest = z.infer<typeof CoverSheetRequest>;
export type CoverSheetRequestInput = z.input<typeof CoverSheetRequest>;

export interface CoverSheet extends CoverSheetRequest {
  loepenummer: string;
  /** Title of the form from the catalogue or the request. */
  title: string;
  createdAt: Date;
}

const LABELS: Record<CoverLanguage, Record<string, string>> = {
  nb: {
    heading: 'Førsteside', sub: 'Legg denne siden øverst, foran skjema og vedlegg', form: 'Skjema', tema: 'Gjelder',
    person: 'Fødselsnummer', unit: 'Enhet', attachments: 'Vedlegg som skal sendes med', none: '(ingen vedlegg)',
    send: 'Send til: NAV skanning, Postboks 1400, 0109 Oslo', followUp: 'Ettersendelse', no: 'Løpenummer',
  },
  nn: {
    heading: 'Førsteside', sub: 'Legg denne sida øvst, framfor skjema og vedlegg', form: 'Skjema', tema: 'Gjeld',
    person: 'Fødselsnummer', unit: 'Eining', attachments: 'Vedlegg som skal sendast med', none: '(ingen vedlegg)',
    send: 'Send til: NAV skanning, Postboks 1400, 0109 Oslo', followUp: 'Ettersending', no: 'Løpenummer',
  },
  en: {
    heading: 'Cover sheet', sub: 'Place this page on top, before the form and attachments', form: 'Form', tema: 'Concerns',
    person: 'National identity number', unit: 'Unit', attachments: 'Attachments to enclose', none: '(no attachments)',
    send: 'Send to: NAV skanning, Postboks 1400, 0109 Oslo, Norway', followUp: 'Follow-up submission', no: 'Serial number',
  },
};

/** Narrow bar width on paper: wide enough for a 200 dpi scan of a skewed, copied sheet. */
export const MODULE_MM = 0.42;
const PT_PER_MM = 72 / 25.4;

/** A Code 39 barcode as a crisp PNG (1 pixel per module) and its width in modules. */
export async function code39Png(text: string, heightMm = 15): Promise<{ png: Buffer; modules: number }> {
  const png = await bwipjs.toBuffer({ bcid: 'code39', text, scale: 1, height: heightMm, includetext: false, paddingwidth: 0, paddingheight: 0 });
  const width = png.readUInt32BE(16); // IHDR width
  return { png, modules: width };
}

function drawBarcode(page: PDFPage, image: Awaited<ReturnType<PDFDocument['embedPng']>>, modules: number, x: number, y: number, heightMm: number) {
  page.drawImage(image, { x, y, width: modules * MODULE_MM * PT_PER_MM, height: heightMm * PT_PER_MM });
}

/** The formatted id for print: 6 + 5 digits, easier to check by eye. */
const fmtId = (id: string) => `${id.slice(0, 6)} ${id.slice(6)}`;

function text(page: PDFPage, font: PDFFont, s: string, x: number, y: number, size: number) {
  page.drawText(s, { x, y, size, font, color: rgb(0, 0, 0) });
}

/** A printable A4 cover sheet (PDF) with the løpenummer as Code 39 and the metadata in plain text. */
export async function renderCoverSheetPdf(sheet: CoverSheet, temaName?: string): Promise<Buffer> {
  const L = LABELS[sheet.language];
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`${L.heading} ${sheet.loepenummer}`);
  doc.setCreationDate(sheet.createdAt);
  doc.setModificationDate(sheet.createdAt);
  const page = doc.addPage([595.28, 841.89]);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const mm = (v: number) => v * PT_PER_MM;
  const top = 841.89;

  text(page, bold, 'NAV', mm(20), top - mm(25), 28);
  text(page, regular, 'Arbeids- og velferdsetaten', mm(20), top - mm(31), 9);
  text(page, bold, L.heading!, mm(20), top - mm(45), 22);
  text(page, regular, L.sub!, mm(20), top - mm(52), 10);

  const bar = await code39Png(sheet.loepenummer);
  const image = await doc.embedPng(bar.png);
  drawBarcode(page, image, bar.modules, mm(20), top - mm(78), 15);
  text(page, regular, `${L.no}: ${sheet.loepenummer}`, mm(20), top - mm(84), 10);

  let y = top - mm(100);
  const line = (label: string, value: string) => {
    text(page, bold, `${label}:`, mm(20), y, 11);
    text(page, regular, value, mm(62), y, 11);
    y -= mm(7);
  };
  const formLabel = sheet.formNumber ? `${sheet.followUp ? sheet.formNumber.replace(/^NAV /, 'NAVe ') : sheet.formNumber}` : '-';
  line(L.form!, formLabel);
  line(L.tema!, `${sheet.title}`);
  line('Tema', temaName ? `${temaName} (${sheet.tema})` : sheet.tema);
  if (sheet.followUp) line(L.followUp!, 'Ja');
  if (sheet.personId) line(L.person!, fmtId(sheet.personId));
  if (sheet.unit) line(L.unit!, sheet.unit);

  y -= mm(4);
  text(page, bold, `${L.attachments}:`, mm(20), y, 12);
  y -= mm(8);
  if (sheet.attachments.length === 0) {
    text(page, regular, L.none!, mm(26), y, 11);
    y -= mm(7);
  }
  for (const a of sheet.attachments) {
    page.drawRectangle({ x: mm(20), y: y - 1, width: mm(3.5), height: mm(3.5), borderColor: rgb(0, 0, 0), borderWidth: 0.8 });
    text(page, regular, a, mm(27), y, 11);
    y -= mm(7);
  }
  text(page, regular, L.send!, mm(20), mm(20), 10);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A separator sheet (skilleark): put between documents in a stack, it starts a new document. */
export async function renderSeparatorPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([595.28, 841.89]);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const mm = (v: number) => v * PT_PER_MM;
  text(page, bold, 'SKILLEARK', mm(20), 841.89 - mm(40), 36);
  text(page, regular, 'Nytt dokument begynner etter dette arket. Arket skannes ikke inn som en del av dokumentet.', mm(20), 841.89 - mm(50), 10);
  const bar = await code39Png(SEPARATOR_CODE, 20);
  drawBarcode(page, await doc.embedPng(bar.png), bar.modules, mm(20), 841.89 - mm(85), 20);
  drawBarcode(page, await doc.embedPng(bar.png), bar.modules, mm(20), mm(40), 20);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
