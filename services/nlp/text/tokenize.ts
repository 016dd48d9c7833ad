// Social-media tokenizer. Token order matters for negation scope and bigrams, so tokens are returned
// in text order with their kind. What a token is, is defined by one alternation regex (tokens.ts); the
// scanner below reads spaces, plain words and . , ! ? runs from character tables and runs the regex only
// where one of its other alternatives could match, with the same result.

import { decodeArtifacts } from './normalize.ts';
import { CAN_START, CHAR_CLASS, CLASS_LIMIT, WORD_START, WORD_PART } from './charClasses.ts';
import { emitMatch, pushPunct, pushWord, TOKEN_RE, type Token } from './tokens.ts';

export type { Token, TokenKind } from './tokens.ts';

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
        pushPunct(t.slice(p, q), out);
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
