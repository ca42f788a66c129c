import { buildArchivePdf, type ArchivePage } from '../../pipeline/archive/archive-pdf.ts';
import { uprightColour } from '../../pipeline/archive/page-encoding.ts';
import { FunctionalError, type Outcome } from '../../pipeline/outcome.ts';
import type { DocumentJob } from '../../pipeline/stages.ts';
import { getDocument } from '../../storage/repositories/documents.repository.ts';
import { listPages } from '../../storage/repositories/pages.repository.ts';
import type { Context } from '../../app/context.ts';

/**
 * The archive variant, stored beside the original. It needs every page's text: the stage table
 * starts it only when OCR and routing are both done (a join), so "wait" is only a safeguard.
 */
export async function archiveJob(ctx: Context, { documentId }: DocumentJob): Promise<Outcome> {
  const doc = await getDocument(ctx.db, documentId);
  if (!doc) throw new FunctionalError(`dokumentet ${documentId} finnes ikke`);
  if (doc.archivedAt) return { kind: 'done' };
  if (!doc.ocrAt) return { kind: 'wait', for: 'ocr' };
  const pages = await listPages(ctx.db, documentId);
  // Born-digital pages are copied from the original; a document split off a file keeps its source page numbers.
  const { rows } = await ctx.db.query(`SELECT to_jsonb(d) -> 'source_pages' AS sp FROM documents d WHERE id = $1`, [documentId]);
  const sourcePages = Array.isArray(rows[0]?.sp) ? (rows[0].sp as number[]) : null;
  const original = doc.mediaType === 'application/pdf' ? await ctx.store.get(doc.originalKey) : null;
  // Colour scans keep their colour (image files; the grey page images are what OCR read).
  const image = doc.mediaType.startsWith('image/') ? await ctx.store.get(doc.originalKey) : null;
  const input: ArchivePage[] = [];
  for (const [i, p] of pages.entries()) {
    if (original && p.ocrStatus === 'pdf-text') {
      input.push({ png: Buffer.alloc(0), width: p.width, height: p.height, dpi: p.dpi, original: { pdf: original, pageIndex: (sourcePages?.[i] ?? p.pageNo) - 1 } });
      continue;
    }
    input.push({
      png: await ctx.store.get(p.imageKey),
      width: p.width,
      height: p.height,
      dpi: p.dpi,
      textPdf: p.textPdfKey ? await ctx.store.get(p.textPdfKey) : null,
      scan: original ? { pdf: original, pageIndex: (sourcePages?.[i] ?? p.pageNo) - 1, orientation: p.orientation ?? 0, skew: p.skew ?? 0 } : null,
      colour: image ? await uprightColour(image, (sourcePages?.[i] ?? p.pageNo) - 1, p.orientation ?? 0, p.skew ?? 0, { width: p.width, height: p.height }).catch(() => null) : null,
    });
  }
  const pdf = await buildArchivePdf(input, { title: doc.title ?? doc.fileName, documentId, created: doc.receivedAt });
  const key = `archive/${documentId}.pdf`;
  await ctx.store.put(key, pdf, 'application/pdf');
  return {
    kind: 'done',
    fields: { archiveKey: key },
    events: [{ type: 'archived', detail: { bytes: pdf.length, pages: pages.length, textLayers: input.filter((p) => p.textPdf).length } }],
  };
}
