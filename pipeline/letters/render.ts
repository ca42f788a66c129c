import { existsSync, readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { renderCoverSheetPdf, type CoverSheet } from '../foersteside/cover-sheet.ts';
import type { LetterContent } from './content.ts';

/**
 * The letter as a PDF: page 1 the letter, page 2 the pre-filled ettersendelse cover sheet drawn by
 * the cover-sheet renderer itself (pipeline/foersteside), so the barcode is the one the pipeline reads.
 * The text is set in DejaVu Sans (Debian's fonts-dejavu-core), embedded and subset: every letter
 * of the three languages (æøå, «», “”, –) is in it, and the PDF reads the same on any machine.
 */

const FONT_DIRS = [process.env.LETTER_FONT_DIR, '/usr/share/fonts/truetype/dejavu'].filter((d): d is string => Boolean(d));

function fontFile(name: string): Buffer {
  for (const dir of FONT_DIRS) {
    const file = `${dir}/${name}`;
    if (existsSync(file)) return readFileSync(file);
  }
  throw new Error(`font ${name} not found in ${FONT_DIRS.join(', ')}: install Debian's fonts-dejavu-core`);
}

let fonts: { regular: Buffer; bold: Buffer } | undefined;
const fontBytes = () => (fonts ??= { regular: fontFile('DejaVuSans.ttf'), bold: fontFile('DejaVuSans-Bold.ttf') });

// fontkit parses a font anew for every PDF pdf-lib embeds it in (~445 ms a letter under load): the parsed font is kept
// per process instead, keyed by the bytes it came from. Each PDF still gets its own subset (createSubset per embed).
type Fontkit = typeof fontkit;
const parsed = new WeakMap<Uint8Array, ReturnType<Fontkit['create']>>();
const cachedFontkit: Fontkit = {
  ...fontkit,
  create(data: Uint8Array, postscriptName?: string) {
    if (postscriptName !== undefined) return fontkit.create(data, postscriptName);
    let font = parsed.get(data);
    if (!font) {
      font = fontkit.create(data);
      parsed.set(data, font);
    }
    return font;
  },
};

const PT_PER_MM = 72 / 25.4;
const mm = (v: number) => v * PT_PER_MM;
const A4: [number, number] = [595.28, 841.89];
const LEFT = mm(22);
const WIDTH = A4[0] - LEFT - mm(22);

/** Splits text into lines no wider than `width` at `size` (words are never broken: names stay whole). */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export interface LetterPdfInput {
  content: LetterContent;
  /** The ettersendelse cover sheet (already stored, with its løpenummer) and its tema's name. */
  coverSheet: CoverSheet;
  temaName?: string;
  /** The letter's date, for the PDF's metadata (the file is the same every time it is made). */
  createdAt: Date;
}

/** `fonts`: the fontkit to parse with (the per-process cache; the bench passes fontkit itself to measure the difference). */
export async function renderLetterPdf(input: LetterPdfInput, fonts: Fontkit = cachedFontkit): Promise<Buffer> {
  const { content: c } = input;
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fonts);
  doc.setTitle(c.heading);
  doc.setLanguage(c.language === 'en' ? 'en-GB' : c.language === 'nn' ? 'nn-NO' : 'nb-NO');
  doc.setProducer('intake');
  doc.setCreationDate(input.createdAt);
  doc.setModificationDate(input.createdAt);
  const regular = await doc.embedFont(fontBytes().regular, { subset: true });
  const bold = await doc.embedFont(fontBytes().bold, { subset: true });
  const page = doc.addPage(A4);

  let y = A4[1] - mm(22);
  const put = (p: PDFPage, s: string, font: PDFFont, size: number, x = LEFT) => p.drawText(s, { x, y, size, font, color: rgb(0, 0, 0) });
  const block = (s: string, font: PDFFont, size: number, after: number, indent = 0) => {
    for (const line of wrap(s, font, size, WIDTH - indent)) {
      put(page, line, font, size, LEFT + indent);
      y -= size * 1.35;
    }
    y -= after;
  };

  put(page, 'NAV', bold, 24);
  y -= 14;
  put(page, c.sender, regular, 9);
  // Right column: date and case number.
  const right = (s: string, dy: number) => page.drawText(s, { x: A4[0] - mm(22) - regular.widthOfTextAtSize(s, 9), y: A4[1] - mm(22) - dy, size: 9, font: regular });
  right(c.date, 0);
  right(c.reference, 12);
  // The address window stays empty: the dispatch service prints the address from the register.
  y = A4[1] - mm(49);
  page.drawRectangle({ x: LEFT, y: A4[1] - mm(80), width: mm(85), height: mm(35), borderColor: rgb(0.8, 0.8, 0.8), borderWidth: 0.5 });
  put(page, c.addressNote, regular, 7, LEFT + mm(2));
  y = A4[1] - mm(95);

  block(c.heading, bold, 15, 8);
  block(c.intro, regular, 10.5, 4);
  for (const item of c.items) {
    const lines = wrap(item, regular, 10.5, WIDTH - mm(8));
    put(page, '•', bold, 10.5, LEFT + mm(2));
    for (const line of lines) {
      put(page, line, regular, 10.5, LEFT + mm(8));
      y -= 10.5 * 1.35;
    }
    y -= 2;
  }
  y -= 6;
  const [deadline, ...rest] = c.paragraphs;
  block(deadline!, bold, 10.5, 6);
  for (const p of rest) block(p, regular, 10.5, 6);
  y -= 6;
  block(c.closing, regular, 10.5, 0);
  block(c.signature, regular, 10.5, 14);
  block(c.attachmentNote, regular, 9, 0);

  const cover = await PDFDocument.load(await renderCoverSheetPdf(input.coverSheet, input.temaName));
  const [coverPage] = await doc.copyPages(cover, [0]);
  doc.addPage(coverPage);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
