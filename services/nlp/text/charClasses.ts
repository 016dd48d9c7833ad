// The character classes of the tokenizer's regex (tokenize.ts), tabulated for the first 2048 code
// units (Latin, Greek, Cyrillic, Hebrew, Arabic…) so the scanner can skip spaces and read plain words
// without running the regex: the regex costs ~200 ns a token, most of it trying the url, mention,
// hashtag, emoticon and emoji alternatives before the word one. Anything at or above the limit goes
// to the regex, which stays the definition (the tables are computed from the same Unicode classes).

export const CLASS_LIMIT = 0x800;
/** Could begin some token (a space, quote or dash never does: the scanner skips those). */
export const CAN_START = 1;
/** Begins a word ([\p{L}\p{M}]) and nothing else: no emoji. */
export const WORD_START = 2;
/** Continues a word ([\p{L}\p{M}\p{N}_]). */
export const WORD_PART = 4;

/** First characters of the url, mention, hashtag, emoticon and punctuation alternatives. */
const STARTERS = 'hw@#:;=8<^()xXD!?¿¡.,;:…';

export const CHAR_CLASS = new Uint8Array(CLASS_LIMIT);
{
  const letter = /[\p{L}\p{M}]/u;
  const part = /[\p{L}\p{M}\p{N}_]/u;
  const number = /\p{N}/u;
  const emoji = /[\p{Extended_Pictographic}\p{RI}]/u;
  for (let c = 0; c < CLASS_LIMIT; c++) {
    const s = String.fromCharCode(c);
    let k = 0;
    if (letter.test(s) || number.test(s) || emoji.test(s) || STARTERS.includes(s)) k |= CAN_START;
    if (letter.test(s) && !emoji.test(s)) k |= WORD_START;
    if (part.test(s)) k |= WORD_PART;
    CHAR_CLASS[c] = k;
  }
}
