// The tokens of the social-media tokenizer (tokenize.ts): the token regex whose alternatives define
// them, and their construction, shared per distinct written form (see the word cache below).

import { collapseElongation, isElongated, isLaughter, splitHashtag } from './normalize.ts';
import { STOPWORD_MASK } from './stopwords.ts';

export type TokenKind = 'word' | 'hashtag' | 'mention' | 'url' | 'emoji' | 'emoticon' | 'number' | 'punct';

/** Tokens are shared between messages (see the word cache below): treat them as immutable. */
export interface Token {
  readonly kind: TokenKind;
  /** Lower-cased, elongation-collapsed form used for features ("sooooo" -> "soo"). */
  readonly norm: string;
  /** The token as written (after artefact decoding). */
  readonly raw: string;
  readonly elongated: boolean;
  readonly allCaps: boolean;
  /** For hashtags: the words inside ("#NonMiPiace" -> ["non","mi","piace"]). */
  readonly parts?: readonly string[];
  /**
   * Cache slot for what a feature extractor derives from this word alone (the intent features keep
   * the word's hashed ids there): word tokens are shared, so it is computed once per distinct word
   * and found without a look-up. Not part of the token's meaning; null until someone fills it.
   */
  memo: object | null;
  /** The same for the sentiment model (sentiment/cachedScore.ts): its per-word weight rows. */
  sentimentMemo: object | null;
  /** Word tokens: bitmask of the languages this is a function word of (text/stopwords.ts), else 0. */
  readonly stopwordLangs: number;
}

// Group order = priority. Emoticons come before words so "xD" and ":P" are not read as words;
// the emoticon group demands a non-letter before it (look-behind) so "8)" inside "f8)" stays out.
export const TOKEN_RE = new RegExp(
  [
    String.raw`(https?:\/\/\S+|www\.\S+|\bhttps?\b)`, // 1 url (the corpora replace links by a bare "http")
    String.raw`(@[\p{L}\p{N}_]+)`, // 2 mention
    String.raw`(#[\p{L}\p{N}_]+)`, // 3 hashtag
    String.raw`((?<![\p{L}\p{N}])(?:[:;=8][\-o'^]?[()\[\]dDpP\/\\|*3oO]|<\/?3|\^_?\^|\(:|\):|[xX]D+\b|D:))`, // 4 emoticon
    String.raw`(\p{RI}\p{RI}|\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier}|\u200D\p{Extended_Pictographic})*)`, // 5 emoji
    String.raw`([\p{L}\p{M}][\p{L}\p{M}\p{N}_]*(?:['’][\p{L}\p{M}]+)*['’]?)`, // 6 word (keeps don't, c'è)
    String.raw`(\p{N}+(?:[.,:]\p{N}+)*%?)`, // 7 number
    String.raw`([!?¿¡]+|[.,;:…]+)`, // 8 punctuation we keep (sentence/negation boundaries, ?!)
  ].join('|'),
  'gu',
);

// French/Italian/Catalan elisions are split off so "l'approche" and "dell'app" share "approche"/"app".
const ELISION = /^(l|d|c|n|s|j|m|t|qu|un|dell|all|nell|sull|dall|quell|po|anch|com)'(.+)$/;

function isAllCaps(raw: string): boolean {
  return raw.length >= 3 && raw === raw.toUpperCase() && raw !== raw.toLowerCase();
}

function wordToken(raw: string, out: Token[]): void {
  let lower = raw.toLowerCase().replace(/’/g, "'");
  const elongated = isElongated(lower);
  const laughter = isLaughter(lower);
  if (elongated) lower = collapseElongation(lower);
  const caps = isAllCaps(raw);
  if (lower.indexOf("'") > 0) {
    const m = ELISION.exec(lower);
    if (m && m[1] && m[2]) {
      const norm = m[1] + "'";
      out.push({
        kind: 'word',
        norm,
        raw,
        elongated: false,
        allCaps: false,
        memo: null,
        sentimentMemo: null,
        stopwordLangs: STOPWORD_MASK.get(norm) ?? 0,
      });
      lower = m[2];
    } else if (lower.endsWith("'")) {
      lower = lower.slice(0, -1);
    }
  }
  if (laughter || isLaughter(lower)) lower = '<laugh>';
  out.push({
    kind: 'word',
    norm: lower,
    raw,
    elongated,
    allCaps: caps,
    memo: null,
    sentimentMemo: null,
    stopwordLangs: STOPWORD_MASK.get(lower) ?? 0,
  });
}

// Words, hashtags and emoji map to the same tokens wherever they occur, and real traffic repeats
// them: the tokens of each distinct written form are built once (lower-casing, elongation and
// laughter regexes, elision split, hashtag split) and shared. Bounded: cleared when full.
const CACHE_MAX = 50_000;
const wordCache = new Map<string, Token | readonly [Token, Token]>();
const tagCache = new Map<string, Token>();
const emojiCache = new Map<string, Token>();
// Few distinct forms (punctuation runs, emoticons) or many repeats (the brand's own @handle): shared too.
const punctCache = new Map<string, Token>();
const emoticonCache = new Map<string, Token>();
const mentionCache = new Map<string, Token>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

export function pushWord(raw: string, out: Token[]): void {
  let c = wordCache.get(raw);
  if (c === undefined) {
    const made: Token[] = [];
    wordToken(raw, made);
    c = remember(wordCache, raw, made.length === 1 ? made[0]! : ([made[0]!, made[1]!] as const));
  }
  if ('kind' in c) out.push(c);
  else out.push(c[0], c[1]);
}

function hashtagToken(raw: string): Token {
  const body = raw.slice(1);
  return {
    kind: 'hashtag',
    norm: collapseElongation(body.toLowerCase()),
    raw,
    elongated: false,
    allCaps: false,
    parts: splitHashtag(body),
    memo: null,
    sentimentMemo: null,
    stopwordLangs: 0,
  };
}

/** Punctuation: keep "!" / "?" / "?!" classes and whether they were repeated ("!!!"). */
function punctToken(raw: string): Token {
  const c = raw[0]!;
  const norm =
    c === '!' || c === '¡'
      ? raw.includes('?')
        ? '?!'
        : '!'
      : c === '?' || c === '¿'
        ? raw.includes('!')
          ? '?!'
          : '?'
        : '.';
  return {
    kind: 'punct',
    norm,
    raw,
    elongated: raw.length > 1 && norm !== '.',
    allCaps: false,
    memo: null,
    sentimentMemo: null,
    stopwordLangs: 0,
  };
}

/** A token that is its written form and nothing more: no elongation, caps, parts or function-word languages. */
function plainToken(kind: TokenKind, norm: string, raw: string): Token {
  return { kind, norm, raw, elongated: false, allCaps: false, memo: null, sentimentMemo: null, stopwordLangs: 0 };
}

/** Appends the token(s) of one match of TOKEN_RE (its capture group says which alternative). */
export function emitMatch(m: RegExpExecArray, out: Token[]): void {
  const raw = m[0];
  if (m[6] !== undefined) pushWord(raw, out);
  else if (m[1] !== undefined) out.push(plainToken('url', '<url>', raw));
  else if (m[2] !== undefined) {
    out.push(mentionCache.get(raw) ?? remember(mentionCache, raw, plainToken('mention', '<user>', raw)));
  } else if (m[3] !== undefined) out.push(tagCache.get(raw) ?? remember(tagCache, raw, hashtagToken(raw)));
  else if (m[4] !== undefined) {
    const e = emoticonCache.get(raw);
    out.push(e ?? remember(emoticonCache, raw, plainToken('emoticon', raw.toLowerCase() === 'xd' ? 'xD' : raw, raw)));
  } else if (m[5] !== undefined) {
    out.push(
      emojiCache.get(raw) ??
        remember(emojiCache, raw, plainToken('emoji', raw.replace(/\uFE0F|\p{Emoji_Modifier}/gu, ''), raw)),
    );
  } else if (m[7] !== undefined) out.push(plainToken('number', '<num>', raw));
  else out.push(punctCache.get(raw) ?? remember(punctCache, raw, punctToken(raw)));
}

/** Appends the token of a punctuation run (shared per distinct run). */
export function pushPunct(raw: string, out: Token[]): void {
  out.push(punctCache.get(raw) ?? remember(punctCache, raw, punctToken(raw)));
}
