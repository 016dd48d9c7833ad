// Rule-based multilingual intent classifier. There is no labelled intent data, so this is a
// transparent cue model: per-language phrase cues (patterns.ts) for the detected language plus
// English (code-switching, and English product words are everywhere), language-independent signals
// (question marks, links, promo/scam cues) and the sentiment as the complaint-vs-praise signal.
// Precedence encodes what a community team must act on first: spam is filtered, then concrete
// issues (technical, order) beat generic complaint/question, which beat praise.

import { CUES, COMMON_SPAM_STRONG, type CueType } from './patterns.ts';
import type { Intent } from './types.ts';
import type { SentimentResult } from '../sentiment/types.ts';
import type { Token } from '../text/tokenize.ts';

const CUE_TYPES: CueType[] = ['tech', 'order', 'pre', 'preWeak', 'complaint', 'praise', 'qstart', 'spam'];

function compile(fragments: readonly string[], anchoredStart = false): RegExp {
  const alts = fragments.map((f) => {
    const end = f.endsWith('~');
    const body = (end ? f.slice(0, -1) : f).replace(/ /g, '\\s+');
    return `(?:${body})${end ? '(?![\\p{L}\\p{N}])' : ''}`;
  });
  const start = anchoredStart ? '^\\s*' : '(?<![\\p{L}\\p{N}])';
  return new RegExp(`${start}(?:${alts.join('|')})`, 'u');
}

type Compiled = Record<CueType, RegExp>;

const COMPILED: Record<string, Compiled> = {};
for (const [lang, table] of Object.entries(CUES)) {
  const c = {} as Compiled;
  for (const t of CUE_TYPES) c[t] = compile(table[t], t === 'qstart');
  COMPILED[lang] = c;
}
const STRONG_SPAM = compile(COMMON_SPAM_STRONG);

export interface IntentInput {
  /** Lower-cased, artefact-decoded text. */
  lower: string;
  tokens: readonly Token[];
  language: string;
  sentiment: SentimentResult | null;
}

export function classifyIntent(x: IntentInput): Intent {
  const own = COMPILED[x.language];
  const sets: Compiled[] = own && x.language !== 'en' ? [own, COMPILED.en!] : [COMPILED.en!];
  const s = x.lower;
  const has = (t: CueType): boolean => {
    for (const c of sets) if (c[t].test(s)) return true;
    return false;
  };
  let urls = 0, mentions = 0, hashtags = 0, words = 0;
  for (const t of x.tokens) {
    if (t.kind === 'url') urls++;
    else if (t.kind === 'mention') mentions++;
    else if (t.kind === 'hashtag') hashtags++;
    else if (t.kind === 'word') words++;
  }
  const question = s.includes('?') || s.includes('¿') || has('qstart');
  const sent = x.sentiment;
  const negative = sent !== null && sent.label === 'negative' && sent.confidence >= 0.5;
  const positive = sent !== null && sent.label === 'positive' && sent.confidence >= 0.5;

  // Spam: scam/promo cues with a link, two promo cues, or a link/hashtag-stuffed post with no text.
  const spamCue = has('spam');
  const strong = STRONG_SPAM.test(s);
  if (strong || (spamCue && (urls > 0 || mentions >= 3)) || (urls >= 2 && words <= 3) || (hashtags >= 8 && urls > 0)) return 'spam';
  if (spamCue && countMatches(sets, 'spam', s) >= 2) return 'spam';

  const complaint = has('complaint');
  const praise = has('praise');
  // Clear thanks for something that went well ("thanks, the parcel arrived!") is praise, not an order issue.
  if (praise && positive && !question && !complaint && !negative) return 'praise';
  if (has('tech')) return 'technical_issue';
  if (has('order')) return 'order';
  if (has('pre') || (question && has('preWeak'))) return 'pre_purchase';
  if (complaint || (negative && !question && sent!.confidence >= 0.6)) return 'complaint';
  if (question) return 'question';
  if (praise || positive) return 'praise';
  return 'other';
}

function countMatches(sets: readonly Compiled[], t: CueType, s: string): number {
  let n = 0;
  for (const c of sets) {
    const g = new RegExp(c[t].source, 'gu');
    while (g.exec(s) !== null) n++;
  }
  return n;
}
