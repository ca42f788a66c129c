/**
 * What every page of the web app must be, checked in the browser: accessible (axe-core, no
 * serious or critical violation), usable on a phone (nothing wider than the screen), in Norwegian
 * (no English, no raw codes, no stack traces).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; html: string }> }>;
}

/** axe-core's serious and critical violations on the page as it is now (injected from the npm package, nothing fetched). */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const r = await page.evaluate(async () => (window as unknown as { axe: { run(c: Document, o: unknown): Promise<AxeResult> } }).axe.run(document, { resultTypes: ['violations'] })) as AxeResult;
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(' | ')})`);
}

/** Elements wider than the screen (the page would scroll sideways). A table may scroll inside its own box. */
export async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width + 1) out.push(`the page is ${document.documentElement.scrollWidth} px wide on a ${width} px screen`);
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= width + 1) continue;
      // Inside a box that scrolls on its own: fine.
      let p: Element | null = el.parentElement;
      let contained = false;
      while (p && p !== document.body) {
        const s = getComputedStyle(p);
        if ((s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') && p.getBoundingClientRect().right <= width + 1) { contained = true; break; }
        p = p.parentElement;
      }
      if (!contained) out.push(`${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} reaches ${Math.round(r.right)} px`);
    }
    return [...new Set(out)].slice(0, 10);
  });
}

/** English words and machine codes a user must not read, and stack traces. */
const NOT_NORWEGIAN: Array<[RegExp, string]> = [
  [/\b(the|of|with|from|not found|failed|fetch|invalid|must|match|pattern|expected|unknown|routing rule|no form number|content classifier|confidence|received|delivered|processing|merged|archive|done|claim|follow-up|report-card|attachment)\b/i, 'English or a raw code'],
  [/\b(status|document|inbox|manual|batch|audit|route|deviation|foersteside|corrections):[a-z-]+\b/, 'an access-log action code'],
  [/\btype: [a-z]/, 'a raw document kind'],
  [/\bat [\w.<>]+ \(.*:\d+:\d+\)|\bError:|TypeError|undefined|NaN|\[object Object\]/, 'a stack trace or a programming word'],
  [/\bHTTP \d{3}\b/, 'a bare HTTP status'],
];

export async function notNorwegian(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  const out: string[] = [];
  for (const [re, what] of NOT_NORWEGIAN) {
    const m = text.match(re);
    if (m) out.push(`${what}: "${text.slice(Math.max(0, m.index! - 40), m.index! + m[0].length + 40).replace(/\s+/g, ' ')}"`);
  }
  return out;
}

/** Everything at once, for the page as it is now. */
export async function checkPage(page: Page, name: string): Promise<string[]> {
  const [axe, wide, lang] = await Promise.all([axeViolations(page), overflow(page), notNorwegian(page)]);
  return [...axe.map((v) => `${name}: ${v}`), ...wide.map((w) => `${name}: ${w}`), ...lang.map((l) => `${name}: ${l}`)];
}
