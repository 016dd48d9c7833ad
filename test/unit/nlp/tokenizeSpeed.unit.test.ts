// The scanning tokenizer (tokenize) must give exactly the tokens of the reference, TOKEN_RE run over
// the whole text (tokenizeByRegex): on every corpus message and on random text built from the
// characters where the two could part (url/emoticon starts, apostrophes, marks, digits, emoji, other scripts).
import { describe, expect, it } from 'vitest';
import { defaultDataDir, readSplit } from '../../../services/nlp/eval/dataset.ts';
import { readIntentDir, defaultIntentDataDir } from '../../../services/nlp/intent/dataset.ts';
import { tokenize, tokenizeByRegex, type Token } from '../../../services/nlp/text/tokenize.ts';
import { rng } from '../../../services/shared/random.ts';

const view = (ts: Token[]) =>
  ts.map((t) => [t.kind, t.norm, t.raw, t.elongated, t.allCaps, t.parts?.join('|') ?? null, t.stopwordLangs]);

describe('scanning tokenizer', () => {
  it('gives the reference tokens on every corpus message', { timeout: 60_000 }, () => {
    const texts = [
      ...['train', 'val'].flatMap((split) => readSplit(defaultDataDir(), split).flatMap((s) => s.texts)),
      ...readIntentDir(defaultIntentDataDir()).map((e) => e.text),
    ];
    for (const text of texts) expect(view(tokenize(text)), text).toEqual(view(tokenizeByRegex(text)));
    expect(texts.length).toBeGreaterThan(14_000);
  });

  it('gives the reference tokens on random text from the tricky characters', { timeout: 60_000 }, () => {
    const pieces = [
      ...'abcdhwxXDHW8019_@#:;=<^()[]/\\|*3oOpP-\'’.,!?¿¡…%$"“”«» \t\n\u00a0éÈñçßøłğ',
      'http',
      'https://x.co/a',
      'www.',
      'www.acme.it',
      'xD',
      'XDD',
      'D:',
      ':)',
      ';-)',
      '<3',
      '</3',
      '^_^',
      '😍',
      '👍🏽',
      '🇮🇹',
      '❤️',
      '©',
      '\u0301', // combining acute
      'é',
      'Ωμέγα',
      'привет',
      'שלום',
      'مرحبا',
      '東京',
      '²',
      '½',
      '\ud83d', // lone surrogates
      '\ude00',
      '\\u2019',
      '&amp;',
      "l'app",
      "don't",
      'sooooo',
      'hahaha',
      '#NonMiPiace',
      '@acme_it',
      '12,5%',
      '3.14',
    ];
    const rand = rng(16);
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const len = 1 + Math.floor(rand() * 12);
      for (let j = 0; j < len; j++) text += pieces[Math.floor(rand() * pieces.length)]!;
      expect(view(tokenize(text)), JSON.stringify(text)).toEqual(view(tokenizeByRegex(text)));
    }
  });
});
