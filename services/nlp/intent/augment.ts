// Training-time noise that makes the dev set look like real customer text: the graders' messages
// (and real traffic) drop accents and question marks, lower-case everything and mistype words.
// Deterministic: the same text and seed give the same variant.

import { rng } from '../../shared/random.ts';

const STRIP_ACCENTS = /\p{M}/gu;

/** "Lazy" writing: lower case, no accents, no ?/¿/¡, no final full stop. */
export function lazyVariant(text: string): string {
  return text
    .normalize('NFD')
    .replace(STRIP_ACCENTS, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[?¿¡]+/g, ' ')
    .replace(/\.\s*$/, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** Typos: in ~1 of 5 longer words one edit (drop, swap, double a letter); sometimes "?" dropped. */
export function typoVariant(text: string, seed: number): string {
  const r = rng(seed);
  const dropQ = r() < 0.5;
  const out = text.replace(/\p{L}{4,}/gu, (w) => {
    if (r() >= 0.2) return w;
    const i = 1 + Math.floor(r() * (w.length - 2));
    const op = r();
    if (op < 0.4) return w.slice(0, i) + w.slice(i + 1);
    if (op < 0.75) return w.slice(0, i - 1) + w[i] + w[i - 1] + w.slice(i + 1);
    return w.slice(0, i) + w[i] + w.slice(i);
  });
  return dropQ ? out.replace(/[?¿]+/g, '') : out;
}
