import { openPdfjs } from '../../pipeline/pages/pdf-render.ts';

/** The text layer of each page of a PDF, whitespace folded (what a search in a PDF viewer finds). */
export async function pdfPages(pdf: Uint8Array): Promise<string[]> {
  const d = await openPdfjs(new Uint8Array(pdf));
  try {
    const out: string[] = [];
    for (let n = 1; n <= d.pageCount; n++) out.push(((await d.text(n, 72))?.text ?? '').replace(/\s+/g, ' '));
    return out;
  } finally {
    await d.close();
  }
}
