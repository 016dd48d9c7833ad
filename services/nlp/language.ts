// Language identification and the supported/unsupported decision.
// Detector: `eld` (Apache-2.0, n-gram based, ~40k short texts/s/core, ~97% on the six languages of
// the tweet corpora). It runs on the words only (no URLs, mentions, emoji) to avoid noise.

import { eld } from 'eld/small';
import type { Token } from './text/tokenize.ts';

export const SUPPORTED_LANGUAGES = ['it', 'en', 'es', 'fr', 'de', 'pt'] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];
const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_LANGUAGES);

export function isSupportedLanguage(lang: string): lang is SupportedLanguage {
  return SUPPORTED.has(lang);
}

/** "it-IT", "pt_BR", "EN" -> "it", "pt", "en"; null for empty/invalid hints. */
export function normalizeLanguageHint(hint: string | null | undefined): string | null {
  if (!hint) return null;
  const m = /^([a-zA-Z]{2,3})(?:[-_].*)?$/.exec(hint.trim());
  return m ? m[1]!.toLowerCase() : null;
}

export interface Detection {
  language: string; // '' when nothing could be detected
  reliable: boolean;
  latinScript: boolean;
}

const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;

/** The text the detector sees: words and hashtag words, space separated. */
export function detectionText(tokens: readonly Token[]): { text: string; latinScript: boolean } {
  let text = '';
  let latin = 0, other = 0;
  for (const t of tokens) {
    if (t.kind === 'word' && t.norm !== '<laugh>') text += t.raw + ' ';
    else if (t.kind === 'hashtag' && t.parts) text += t.parts.join(' ') + ' ';
    else continue;
    const c = t.raw[t.kind === 'hashtag' ? 1 : 0] ?? '';
    if (LATIN.test(c)) latin++;
    else if (LETTER.test(c)) other++;
  }
  return { text, latinScript: latin >= other };
}

export function detectLanguage(tokens: readonly Token[]): Detection {
  const { text, latinScript } = detectionText(tokens);
  if (text.length < 2) return { language: '', reliable: false, latinScript };
  const r = eld.detect(text);
  return { language: r.language, reliable: r.language !== '' && r.isReliable(), latinScript };
}

/**
 * Policy (documented in README):
 *  1. a reliable detection of a supported language wins (hints are per account/platform and are
 *     wrong for code-switching users);
 *  2. otherwise a hint wins — short posts are where detectors fail, and the hint is usually right —
 *     unless the text is not in Latin script and the hint is a Latin-script language;
 *  3. otherwise the detection (reliable or not), else 'und'.
 */
export function resolveLanguage(d: Detection, hint: string | null): string {
  if (d.reliable && isSupportedLanguage(d.language)) return d.language;
  if (hint && (d.latinScript || !isSupportedLanguage(hint) || !d.reliable)) return hint;
  return d.language || 'und';
}
