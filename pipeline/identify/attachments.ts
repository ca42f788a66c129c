import { fuzzyHas, words } from './text-match.ts';

const STOP = new Set(['om', 'til', 'for', 'og', 'i', 'på', 'av', 'med', 'ved', 'fra', 'en', 'et', 'the', 'of']);

export interface AttachmentCheck {
  arrived: string[];
  missing: string[];
}

/**
 * Which of the cover sheet's expected attachments arrived: an attachment counts as there when
 * most words of its name appear near the top of one of the document's pages (its heading).
 */
export function compareAttachments(expected: readonly string[], pageTexts: readonly string[], headChars = 700): AttachmentCheck {
  const heads = pageTexts.map((t) => new Set(words(t.slice(0, headChars))));
  const arrived: string[] = [];
  const missing: string[] = [];
  for (const name of expected) {
    const ws = words(name).filter((w) => w.length >= 3 && !STOP.has(w));
    const found = ws.length > 0 && heads.some((h) => ws.filter((w) => fuzzyHas(h, w)).length / ws.length >= 0.7);
    (found ? arrived : missing).push(name);
  }
  return { arrived, missing };
}
