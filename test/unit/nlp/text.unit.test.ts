import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../services/nlp/text/tokenize.ts';
import {
  collapseElongation,
  decodeArtifacts,
  isLaughter,
  splitHashtag,
  squeeze,
} from '../../../services/nlp/text/normalize.ts';
import { emoticonPolarity } from '../../../services/nlp/text/wordlists.ts';

const kinds = (s: string) => tokenize(s).map((t) => `${t.kind}:${t.norm}`);

describe('normalize', () => {
  it('decodes literal unicode escapes and doubled quotes left by exporters', () => {
    expect(decodeArtifacts('i\\u2019m \\"fine\\" ""ok""')).toBe('i’m "fine" "ok"');
    expect(decodeArtifacts('plain text')).toBe('plain text');
  });
  it('collapses elongation to two letters and squeezes to one', () => {
    expect(collapseElongation('sooooo')).toBe('soo');
    expect(collapseElongation('paroleeeee')).toBe('parolee');
    expect(collapseElongation('good')).toBe('good');
    expect(squeeze('soo')).toBe('so');
  });
  it('recognises laughter in several languages', () => {
    for (const w of ['hahaha', 'jajaja', 'kkkkk', 'rsrsrs', 'ahahah', 'mdrrr', 'lol', 'lmao'])
      expect(isLaughter(w), w).toBe(true);
    for (const w of ['hat', 'jamais', 'kaffee', 'mdr'.slice(0, 2)]) expect(isLaughter(w), w).toBe(false);
  });
  it('splits hashtags on camel case, digits and underscores', () => {
    expect(splitHashtag('GovernoLetta')).toEqual(['governo', 'letta']);
    expect(splitHashtag('black_friday2024')).toEqual(['black', 'friday', '2024']);
    expect(splitHashtag('ballarò')).toEqual(['ballarò']);
  });
});

describe('tokenize', () => {
  it('replaces urls and mentions by placeholders, keeps hashtags with their words', () => {
    const t = tokenize('@user guarda http://t.co/abc #NonMiPiace');
    expect(t.map((x) => x.kind)).toEqual(['mention', 'word', 'url', 'hashtag']);
    expect(t[3]!.parts).toEqual(['non', 'mi', 'piace']);
  });
  it('reads the bare "http" left by anonymised corpora as a url', () => {
    expect(kinds('vedi qui http')).toEqual(['word:vedi', 'word:qui', 'url:<url>']);
  });
  it('marks elongated and all-caps words', () => {
    const [a, b] = tokenize('BELLISSIMOOOO sooooo');
    expect(a).toMatchObject({ norm: 'bellissimoo', elongated: true, allCaps: true });
    expect(b).toMatchObject({ norm: 'soo', elongated: true, allCaps: false });
  });
  it('keeps emoticons and emoji (modifiers stripped) as their own tokens', () => {
    expect(kinds('ok :) :-( <3 xD 👍🏽 😂')).toEqual([
      'word:ok',
      'emoticon::)',
      'emoticon::-(',
      'emoticon:<3',
      'emoticon:xD',
      'emoji:👍',
      'emoji:😂',
    ]);
  });
  it('splits French/Italian elisions but keeps English contractions', () => {
    expect(kinds("c'est l'approche dell'app don't")).toEqual([
      "word:c'",
      'word:est',
      "word:l'",
      'word:approche',
      "word:dell'",
      'word:app',
      "word:don't",
    ]);
  });
  it('keeps ?! classes and repetition', () => {
    const t = tokenize('davvero?!? no!!!');
    expect(t.filter((x) => x.kind === 'punct').map((x) => [x.norm, x.elongated])).toEqual([
      ['?!', true],
      ['!', true],
    ]);
  });
  it('handles empty and symbol-only input', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('   ---   ')).toEqual([]);
  });
});

describe('emoticon polarity', () => {
  it('classifies common emoticons', () => {
    expect([':)', ':D', '<3', ';-)', '^^'].map(emoticonPolarity)).toEqual([1, 1, 1, 1, 1]);
    expect([':(', ":'(", ':/', '</3', 'D:'].map((e) => emoticonPolarity(e === ":'(" ? ":'(" : e))).toEqual([
      -1, -1, -1, -1, 0,
    ]);
  });
});
