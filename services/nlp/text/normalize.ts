// Text clean-up that must happen before tokenization. Kept separate so the eval/train tools and
// the live analyzer share exactly one normalisation.

const ESCAPED_UNICODE = /\\u([0-9a-fA-F]{4})/g;

/**
 * Decodes literal "\u2019"-style escapes and doubled CSV quotes that exporters (and the public
 * tweet corpora) leave in the text. Cheap no-op for clean text.
 */
export function decodeArtifacts(text: string): string {
  let t = text;
  if (t.indexOf('\\') >= 0) {
    t = t.replace(ESCAPED_UNICODE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    t = t.replace(/\\"/g, '"').replace(/\\n/g, ' ');
  }
  if (t.indexOf('""') >= 0) t = t.replace(/"{2,}/g, '"');
  if (t.indexOf('&') >= 0)
    t = t
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"');
  return t;
}

const ELONGATION = /(\p{L})\1{2,}/u;
const ELONGATION_G = /(\p{L})\1{2,}/gu;

/** True when a word has a letter repeated 3+ times ("sooooo", "paroleeeee"). */
export function isElongated(word: string): boolean {
  return ELONGATION.test(word);
}

/**
 * Collapses runs of 3+ equal letters to two ("sooooo" -> "soo"): two keeps "cool"/"good"/"mille"
 * intact while mapping every elongated spelling of a word to one feature.
 */
export function collapseElongation(word: string): string {
  return word.replace(ELONGATION_G, '$1$1');
}

/** Collapses every run of equal letters to one, the last-resort spelling for lexicon look-ups. */
export function squeeze(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) if (i === 0 || word[i] !== word[i - 1]) out += word[i];
  return out;
}

const LAUGHTER = /^(?:a?(?:ha|ah|he|eh|hi|ja|je|ji|js|ka|kk|rs|hua|ahah)+h?a?|k{3,}|(?:rs){2,}|mdr+|lo+l|lmf?ao+|xd+)$/;

/** Maps laughter in any of the six languages (haha, jajaja, kkkk, rsrs, mdr, ahah, xD) to one token. */
export function isLaughter(word: string): boolean {
  return word.length >= 3 && LAUGHTER.test(word);
}

/** Splits "#GovernoLetta" / "#black_friday" style hashtag bodies into words ("governo", "letta"). */
export function splitHashtag(body: string): string[] {
  const parts = body
    .replace(/_/g, ' ')
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .split(' ');
  return parts.filter((p) => p.length > 0).map((p) => p.toLowerCase());
}
