import type { FormRow } from '../../schemas/reference.ts';
import { fuzzyHas, words } from './text-match.ts';

const STOP = new Set(['om', 'til', 'for', 'og', 'i', 'på', 'av', 'med', 'ved', 'fra', 'en', 'et', 'eller', 'som', 'under', 'the', 'of', 'der', 'det', 'at', 'å']);

export interface TitleHit {
  form: FormRow;
  /** Share of the title's words found in the text, 0..1. */
  score: number;
  matched: number;
}

function titleWords(title: string): string[] {
  return [...new Set(words(title).filter((w) => w.length >= 3 && !STOP.has(w)))];
}

let cache: { forms: Map<string, FormRow>; titles: Array<{ form: FormRow; words: string[] }> } | undefined;

/**
 * Catalogue titles found in the head of a page, best first: the second signal next to the
 * form number (confirms it, or identifies the form when the number is illegible).
 */
export function matchTitles(head: string, forms: Map<string, FormRow>, limit = 3): TitleHit[] {
  if (cache?.forms !== forms) cache = { forms, titles: [...forms.values()].map((form) => ({ form, words: titleWords(form.tittel) })) };
  const vocab = new Set(words(head));
  const hits: TitleHit[] = [];
  for (const t of cache.titles) {
    if (t.words.length < 2) continue;
    let matched = 0;
    for (const w of t.words) if (fuzzyHas(vocab, w)) matched++;
    const score = matched / t.words.length;
    if (score >= 0.6) hits.push({ form: t.form, score, matched });
  }
  return hits.sort((a, b) => b.score - a.score || b.matched - a.matched).slice(0, limit);
}
