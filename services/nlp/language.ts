// Language identification and the supported/unsupported decision.
// Stage 1 is a function-word vote for the six supported languages (fast path, see stopwordLanguage);
// stage 2 is `eld` (Apache-2.0, n-gram based; run through its re-implementation in ngramDetector.ts, same
// answers, ~15 µs a tweet; ~97% on the six languages of
// the tweet corpora). It runs on the words only (no URLs, mentions, emoji) to avoid noise.

import { detectNgrams } from './ngramDetector.ts';
import type { Token } from './text/tokenize.ts';
import { STOPWORD_LANGS } from './text/stopwords.ts';

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
  let latin = 0,
    other = 0;
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

const MIN_VOTES = 3;
const RATIO = 2; // on the val corpora: 55% of messages decided here, 99.8% correct
const votes = new Int32Array(STOPWORD_LANGS.length);
const HINT_INDEX: ReadonlyMap<string, number> = new Map(STOPWORD_LANGS.map((l, i) => [l, i]));

function countVotes(tokens: readonly Token[]): void {
  votes.fill(0);
  for (const t of tokens) {
    const m = t.stopwordLangs; // 0 for every token that is not a function word
    if (m === 0) continue;
    for (let i = 0; i < votes.length; i++) if (m & (1 << i)) votes[i]!++;
  }
}

/** The decisive language of the current votes, or -1. */
function decisiveVote(): number {
  let best = -1,
    first = 0,
    second = 0;
  for (let i = 0; i < votes.length; i++) {
    const v = votes[i]!;
    if (v > first) {
      second = first;
      first = v;
      best = i;
    } else if (v > second) second = v;
  }
  return best >= 0 && first >= MIN_VOTES && first >= RATIO * second ? best : -1;
}

/** True when the hint's language has at least one vote and strictly more than every other language. */
function voteAgrees(hint: number): boolean {
  const h = votes[hint]!;
  if (h === 0) return false;
  for (let i = 0; i < votes.length; i++) if (i !== hint && votes[i]! >= h) return false;
  return true;
}

/**
 * Stage 1: exclusive function-word votes. Accepted only when one language has ≥3 votes and at
 * least 2x the runner-up (ambiguous words vote for all their languages). Returns '' otherwise.
 */
export function stopwordLanguage(tokens: readonly Token[]): string {
  countVotes(tokens);
  const best = decisiveVote();
  return best >= 0 ? STOPWORD_LANGS[best]! : '';
}

const DETECT_CHARS = 80;

/**
 * `hint` (a normalised platform/account language) lets the cheap stage decide more: when the hint is
 * a supported language and the function-word vote leans to it (≥1 vote, more than any other
 * language), the hint is confirmed without running eld. On the val corpora this skips eld on 57% of
 * the messages it used to see, and where eld then disagreed with the confirmed hint eld was wrong.
 */
export function detectLanguage(tokens: readonly Token[], hint: string | null = null): Detection {
  countVotes(tokens);
  const best = decisiveVote();
  if (best >= 0) return { language: STOPWORD_LANGS[best]!, reliable: true, latinScript: true };
  const h = hint !== null ? HINT_INDEX.get(hint) : undefined;
  if (h !== undefined && voteAgrees(h)) return { language: hint!, reliable: true, latinScript: true };
  const { text, latinScript } = detectionText(tokens);
  if (text.length < 2) return { language: '', reliable: false, latinScript };
  // The first ~80 characters decide as well as the whole post (measured on the val corpora: same
  // accuracy) at ~20% less cost: eld's cost grows with the number of n-grams.
  let head = text;
  if (head.length > DETECT_CHARS) {
    const cut = head.lastIndexOf(' ', DETECT_CHARS);
    head = head.slice(0, cut > DETECT_CHARS / 2 ? cut : DETECT_CHARS);
  }
  const r = detectNgrams(head); // eld's answer (ngramDetector.ts)
  return { language: r.language, reliable: isSupportedLanguage(r.language) && r.reliable, latinScript };
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
