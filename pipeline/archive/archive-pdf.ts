import { PDFDocument } from 'pdf-lib';
import type { PageImage } from '../pages/page-image.ts';

/** The archive variant: one PDF of the page images at their true size. (Text layer and PDF/A come later.) */
export async function buildArchivePdf(pages: Array<Pick<PageImage, 'png' | 'width' | 'height' | 'dpi'>>, meta: { title: string; documentId: string }): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(meta.title);
  pdf.setSubject(`journalpost ${meta.documentId}`);
  pdf.setProducer('intake');
  pdf.setCreationDate(new Date(0)); // stable bytes for the same pages
  pdf.setModificationDate(new Date(0));
  for (const p of pages) {
    const img = await pdf.embedPng(p.png);
    const w = (p.width / p.dpi) * 72;
    const h = (p.height / p.dpi) * 72;
    pdf.addPage([w, h]).drawImage(img, { x: 0, y: 0, width: w, height: h });
  }
  return Buffer.from(await pdf.save());
}
