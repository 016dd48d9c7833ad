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

const SCAN_TYPES: CueType[] = ['tech', 'order', 'pre', 'preWeak', 'complaint', 'praise', 'spam'];

function fragment(f: string): string {
  const end = f.endsWith('~');
  // Inner groups become non-capturing so the outer group numbers identify the cue type.
  const body = (end ? f.slice(0, -1) : f).replace(/ /g, '\\s+').replace(/\((?!\?)/g, '(?:');
  return `(?:${body})${end ? '(?![\\p{L}\\p{N}])' : ''}`;
}

function compileOne(fragments: readonly string[], anchoredStart: boolean): RegExp {
  const start = anchoredStart ? '^[\\s¿]*' : '(?<![\\p{L}\\p{N}])';
  return new RegExp(`${start}(?:${fragments.map(fragment).join('|')})`, 'u');
}

/** One global regex per language, one capture group per cue type: a single scan finds all cues. */
interface Compiled {
  scan: RegExp;
  qstart: RegExp;
}

const COMPILED: Record<string, Compiled> = {};
for (const [lang, table] of Object.entries(CUES)) {
  const groups = SCAN_TYPES.map((t) => `(${table[t].map(fragment).join('|')})`).join('|');
  COMPILED[lang] = { scan: new RegExp(`(?<![\\p{L}\\p{N}])(?:${groups})`, 'gu'), qstart: compileOne(table.qstart, true) };
}
const STRONG_SPAM = compileOne(COMMON_SPAM_STRONG, false);

/** Counts of cue hits by type (index = position in SCAN_TYPES). */
function scanCues(sets: readonly Compiled[], s: string, counts: Int32Array): void {
  counts.fill(0);
  for (const c of sets) {
    const re = c.scan;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      for (let g = 1; g <= SCAN_TYPES.length; g++) {
        if (m[g] !== undefined) {
          counts[g - 1]!++;
          break;
        }
      }
      if (m[0].length === 0) re.lastIndex++;
    }
  }
}

const TECH = 0, ORDER = 1, PRE = 2, PRE_WEAK = 3, COMPLAINT = 4, PRAISE = 5, SPAM = 6;
const counts = new Int32Array(SCAN_TYPES.length);

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
  scanCues(sets, s, counts);
  let urls = 0, mentions = 0, hashtags = 0, words = 0;
  for (const t of x.tokens) {
    if (t.kind === 'url') urls++;
    else if (t.kind === 'mention') mentions++;
    else if (t.kind === 'hashtag') hashtags++;
    else if (t.kind === 'word') words++;
  }
  const question = s.includes('?') || s.includes('¿') || sets.some((c) => c.qstart.test(s));
  const sent = x.sentiment;
  const negative = sent !== null && sent.label === 'negative' && sent.confidence >= 0.5;
  const positive = sent !== null && sent.label === 'positive' && sent.confidence >= 0.5;

  // Spam: scam/promo cues with a link, two promo cues, or a link/hashtag-stuffed post with no text.
  const spamCue = counts[SPAM]! > 0;
  const strong = STRONG_SPAM.test(s);
  if (strong || (spamCue && (urls > 0 || mentions >= 3)) || (urls >= 2 && words <= 3) || (hashtags >= 8 && urls > 0)) return 'spam';
  if (counts[SPAM]! >= 2) return 'spam';

  const complaint = counts[COMPLAINT]! > 0;
  const praise = counts[PRAISE]! > 0;
  // Clear thanks for something that went well ("thanks, the parcel arrived!") is praise, not an order issue.
  if (praise && positive && !question && !complaint && !negative) return 'praise';
  if (counts[TECH]! > 0) return 'technical_issue';
  if (counts[ORDER]! > 0) return 'order';
  if (counts[PRE]! > 0 || (question && counts[PRE_WEAK]! > 0)) return 'pre_purchase';
  if (complaint || (negative && !question && sent!.confidence >= 0.6)) return 'complaint';
  if (question) return 'question';
  // Positive sentiment alone ("good morning everyone") is not praise of the brand unless it is strong.
  if (praise || (positive && sent!.confidence >= 0.8)) return 'praise';
  return 'other';
}

