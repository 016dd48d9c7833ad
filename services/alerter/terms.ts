import stopword from 'stopword';

/**
 * Top terms of an alert: what the angry messages talk about. Simple on purpose: lower-cased letter
 * runs (elisions like l'/dell' split off, hashtags keep their word), stopwords of the six languages
 * we serve removed with the `stopword` package's lists, plus social-media filler words, the brand's
 * own name, and numbers. Terms are ranked by how many messages use them (one noisy message repeating
 * a word does not make it a top term), ties broken alphabetically so the output is deterministic.
 */
const SOCIAL_FILLER = [
  'http',
  'https',
  'www',
  'com',
  'amp',
  'lol',
  'rt',
  'via',
  'pls',
  'plz',
  'ok',
  'okay',
  'just',
  'really',
  'get',
  'got',
  'still',
  'even',
  'one',
  'now',
];

const STOPWORDS = new Set<string>(
  [
    ...stopword.eng,
    ...stopword.ita,
    ...stopword.spa,
    ...stopword.fra,
    ...stopword.deu,
    ...stopword.por,
    ...stopword.porBr,
    ...SOCIAL_FILLER,
  ].map((w) => w.toLowerCase()),
);

const WORD_RE = /[\p{L}\p{M}][\p{L}\p{M}\p{N}_'’]*/gu;
const ELISION_RE = /^(?:l|d|c|n|s|j|m|t|qu|un|dell|all|nell|sull|dall|quell)['’](.+)$/u;

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD_RE)) {
    let word = match[0].replace(/['’]+$/u, '');
    const elided = ELISION_RE.exec(word);
    if (elided) word = elided[1]!;
    if (word.length < 3 || STOPWORDS.has(word)) continue;
    out.push(word);
  }
  return out;
}

export interface TermCount {
  term: string;
  count: number;
}

export function topTerms(texts: readonly string[], limit: number, exclude: readonly string[] = []): TermCount[] {
  const excluded = new Set(exclude.flatMap((e) => tokenize(e)).concat(exclude.map((e) => e.toLowerCase())));
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const term of new Set(tokenize(text))) {
      if (!excluded.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
    }
  }
  return [...counts]
    .filter(([, count]) => count >= 2 || texts.length < 4)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([term, count]) => ({ term, count }));
}
