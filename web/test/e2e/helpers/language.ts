// Finds English in the Vietnamese interface: the words the English catalogue uses and the
// Vietnamese one never does (plus react-big-calendar's and recharts' own defaults), looked for
// in what a person reads and in what a screen reader says. Data (machine and material names,
// which the demo has in English) is taken out first.
import type { Page } from 'playwright-core';
import en from '../../../src/locales/en.json';
import vi from '../../../src/locales/vi.json';

type Tree = { [key: string]: string | Tree };

function values(tree: Tree): string[] {
  return Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : values(v)));
}

const words = (text: string) =>
  text
    .replace(/\{\{[^}]*\}\}/g, ' ')
    .split(/[^A-Za-z]+/)
    .filter((w) => w.length >= 2)
    .map((w) => w.toLowerCase());

const LIBRARY_DEFAULTS = [
  'Date Time Event All Day Week Work Day Month Back Next Yesterday Tomorrow Today Agenda',
  'There are no events in this range more legend icon',
];

export const ENGLISH_WORDS: ReadonlySet<string> = (() => {
  const viWords = new Set(values(vi as Tree).flatMap(words));
  const enWords = [...values(en as Tree), ...LIBRARY_DEFAULTS].flatMap(words);
  return new Set(enWords.filter((w) => !viWords.has(w)));
})();

export interface TextSample {
  /** Where it was read: "text", or the attribute. */
  source: string;
  text: string;
}

/** What a person reads on the page and the accessible names and descriptions of its elements. */
export function readableText(page: Page): Promise<TextSample[]> {
  return page.evaluate(() => {
    const out: Array<{ source: string; text: string }> = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      const text = node.textContent?.trim();
      if (!parent || !text) continue;
      if (parent.closest('script, style, noscript')) continue;
      // A name in its own language ("English" on the language switch) is meant to be so.
      if (parent.closest('[lang]:not([lang="vi"])')) continue;
      if (parent.tagName !== 'OPTION' && !parent.checkVisibility({ visibilityProperty: true, opacityProperty: false }))
        continue;
      out.push({ source: 'text', text });
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [alt], [placeholder], [aria-roledescription]')) {
      for (const attr of ['aria-label', 'title', 'alt', 'placeholder', 'aria-roledescription']) {
        const value = el.getAttribute(attr)?.trim();
        if (value) out.push({ source: `${el.tagName.toLowerCase()}[${attr}]`, text: value });
      }
    }
    out.push({ source: 'document.title', text: document.title });
    return out;
  });
}

export interface Leak {
  source: string;
  text: string;
  words: string[];
}

export function englishIn(samples: TextSample[], data: readonly string[]): Leak[] {
  // Longest first, so that a machine name is taken out before a shorter one inside it.
  const sorted = [...new Set(data.filter((d) => d.trim().length > 0))].sort((a, b) => b.length - a.length);
  const leaks: Leak[] = [];
  for (const sample of samples) {
    let text = sample.text;
    for (const d of sorted) text = text.split(d).join(' ');
    const found = words(text).filter((w) => ENGLISH_WORDS.has(w));
    if (found.length > 0) leaks.push({ source: sample.source, text: sample.text, words: [...new Set(found)] });
  }
  return leaks;
}
