// Social-media tokenizer: one pass of a single alternation regex. Token order matters for
// negation scope and bigrams, so tokens are returned in text order with their kind.

import { collapseElongation, decodeArtifacts, isElongated, isLaughter, splitHashtag } from './normalize.ts';
import { STOPWORD_MASK } from './stopwords.ts';
import { CAN_START, CHAR_CLASS, CLASS_LIMIT, WORD_START, WORD_PART } from './charClasses.ts';

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
const TOKEN_RE = new RegExp(
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

function pushWord(raw: string, out: Token[]): void {
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

/** Appends the token(s) of one match of TOKEN_RE (its capture group says which alternative). */
function emitMatch(m: RegExpExecArray, out: Token[]): void {
  const raw = m[0];
  if (m[6] !== undefined) pushWord(raw, out);
  else if (m[1] !== undefined)
    out.push({
      kind: 'url',
      norm: '<url>',
      raw,
      elongated: false,
      allCaps: false,
      memo: null,
      sentimentMemo: null,
      stopwordLangs: 0,
    });
  else if (m[2] !== undefined) {
    out.push(
      mentionCache.get(raw) ??
        remember(mentionCache, raw, {
          kind: 'mention',
          norm: '<user>',
          raw,
          elongated: false,
          allCaps: false,
          memo: null,
          sentimentMemo: null,
          stopwordLangs: 0,
        }),
    );
  } else if (m[3] !== undefined) out.push(tagCache.get(raw) ?? remember(tagCache, raw, hashtagToken(raw)));
  else if (m[4] !== undefined) {
    const e = emoticonCache.get(raw);
    out.push(
      e ??
        remember(emoticonCache, raw, {
          kind: 'emoticon',
          norm: raw.toLowerCase() === 'xd' ? 'xD' : raw,
          raw,
          elongated: false,
          allCaps: false,
          memo: null,
          sentimentMemo: null,
          stopwordLangs: 0,
        }),
    );
  } else if (m[5] !== undefined) {
    out.push(
      emojiCache.get(raw) ??
        remember(emojiCache, raw, {
          kind: 'emoji',
          norm: raw.replace(/\uFE0F|\p{Emoji_Modifier}/gu, ''),
          raw,
          elongated: false,
          allCaps: false,
          memo: null,
          sentimentMemo: null,
          stopwordLangs: 0,
        }),
    );
  } else if (m[7] !== undefined)
    out.push({
      kind: 'number',
      norm: '<num>',
      raw,
      elongated: false,
      allCaps: false,
      memo: null,
      sentimentMemo: null,
      stopwordLangs: 0,
    });
  else out.push(punctCache.get(raw) ?? remember(punctCache, raw, punctToken(raw)));
}

/**
 * The reference tokenizer: TOKEN_RE run over the whole text. tokenize() gives the same tokens (the
 * unit tests compare both on the corpora and on random text) without running the regex for most of them.
 */
export function tokenizeByRegex(text: string): Token[] {
  const t = decodeArtifacts(text);
  const out: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN_RE.exec(t)) !== null) emitMatch(m, out);
  return out;
}

/** TOKEN_RE anchored at one position (sticky): the scanner's fallback, so the regex stays the definition. */
const TOKEN_AT = new RegExp(TOKEN_RE.source, 'uy');

/**
 * Whether a letter at `p` begins a word for TOKEN_RE, i.e. no earlier alternative matches there: the url
 * ones need "http" or "www.", the emoticons "xD"/"XD" or "D:"; for those the regex decides.
 */
function plainWordAt(t: string, p: number, c: number): boolean {
  if (c === 0x68) return !t.startsWith('http', p); // h
  if (c === 0x77) return !t.startsWith('www.', p); // w
  if (c === 0x78 || c === 0x58) return t.charCodeAt(p + 1) !== 0x44; // x X before D
  if (c === 0x44) return t.charCodeAt(p + 1) !== 0x3a; // D before :
  return true;
}

/** Tokenizes social text. Never throws; returns [] for empty input. */
export function tokenize(text: string): Token[] {
  const t = decodeArtifacts(text);
  const out: Token[] = [];
  const n = t.length;
  let p = 0;
  while (p < n) {
    const c = t.charCodeAt(p);
    if (c < CLASS_LIMIT) {
      const k = CHAR_CLASS[c]!;
      // Where no alternative can begin, the global regex would just move on.
      if ((k & CAN_START) === 0) {
        p++;
        continue;
      }
      if ((k & WORD_START) !== 0 && plainWordAt(t, p, c)) {
        // The word alternative is greedy: the longest run of word characters, unless an apostrophe
        // (don't, c'è) or a character outside the tables follows: then the regex reads it.
        let q = p + 1;
        while (q < n) {
          const d = t.charCodeAt(q);
          if (d >= CLASS_LIMIT || (CHAR_CLASS[d]! & WORD_PART) === 0) break;
          q++;
        }
        const d = q < n ? t.charCodeAt(q) : 0x20;
        if (d < CLASS_LIMIT && d !== 0x27) {
          pushWord(t.slice(p, q), out);
          p = q;
          continue;
        }
      } else if (c === 0x2e || c === 0x2c || c === 0x21 || c === 0x3f) {
        // . , ! ? begin only the punctuation alternatives: [.,;:…]+ or [!?¿¡]+
        const dots = c === 0x2e || c === 0x2c;
        let q = p + 1;
        while (q < n) {
          const d = t.charCodeAt(q);
          if (
            dots
              ? d !== 0x2e && d !== 0x2c && d !== 0x3b && d !== 0x3a && d !== 0x2026
              : d !== 0x21 && d !== 0x3f && d !== 0xbf && d !== 0xa1
          )
            break;
          q++;
        }
        const raw = t.slice(p, q);
        out.push(punctCache.get(raw) ?? remember(punctCache, raw, punctToken(raw)));
        p = q;
        continue;
      }
    }
    TOKEN_AT.lastIndex = p;
    const m = TOKEN_AT.exec(t);
    if (m === null) {
      // no token here: advance one code point, as the global /u regex does
      p += c >= 0xd800 && c <= 0xdbff && p + 1 < n && (t.charCodeAt(p + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      continue;
    }
    emitMatch(m, out);
    p = TOKEN_AT.lastIndex;
  }
  return out;
}
