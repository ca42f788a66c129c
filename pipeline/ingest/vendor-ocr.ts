import type { VendorHints } from '../identify/classify.ts';
import type { SkanningMetadata } from '../../schemas/vendor-metadata.ts';

/** Below this many letters and digits our OCR has read nothing usable. */
const NOTHING_READ = 20;

/**
 * What the vendor's metadata tells identification: the settled tema (never UKJ, which means
 * "unknown"), brevkode and user — from the XML, the sick-leave post box, or the cover sheet.
 */
export function vendorHints(meta: SkanningMetadata | null | undefined): VendorHints | null {
  if (!meta) return null;
  const jp = meta.journalpost;
  const r = meta.resolved;
  const tema = r?.tema ?? jp.tema;
  return {
    brukerId: r ? r.brukerId : jp.bruker?.brukerId,
    tema: tema && tema !== 'UKJ' ? tema : undefined,
    brevKode: r?.brevKode ?? jp.brevKode,
  };
}

/**
 * Our page texts, with the vendor's `.ocr` text as the text where we read nothing (a faint or
 * unreadable scan). Where we did read the pages, ours stands and the vendor's is the second
 * opinion kept with the document (SkanningMetadata.vendorOcrText).
 */
export function vendorPageTexts(ours: string[], meta: SkanningMetadata | null | undefined): { texts: string[]; usedVendorOcr: boolean } {
  const vendor = meta?.vendorOcrText?.trim();
  const read = ours.join('').replace(/[^\p{L}\p{N}]/gu, '').length;
  if (!vendor || read >= NOTHING_READ) return { texts: ours, usedVendorOcr: false };
  return { texts: [vendor, ...ours.slice(1)], usedVendorOcr: true };
}

/** Ids the vendor's text names that our reading of the pages does not: a disagreement worth a note. */
export function vendorOcrDisagrees(ourText: string, meta: SkanningMetadata | null | undefined, personId: string | null): boolean {
  const vendor = meta?.vendorOcrText;
  if (!vendor || !personId) return false;
  const ids = vendor.match(/\b\d{6}\s?\d{5}\b/g)?.map((s) => s.replace(/\s/g, '')) ?? [];
  return ids.length > 0 && !ids.includes(personId) && ourText.includes(personId);
}
