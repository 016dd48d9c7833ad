// The re-implemented eld detector (ngramDetector.ts) must answer exactly as eld: same language and
// same isReliable() on the corpora (whole texts and the detector's ~80-character heads) and on random
// text mixing scripts, accents, digits, emoji and separators.
import { describe, expect, it } from 'vitest';
import { defaultDataDir, readSplit } from '../../../services/nlp/eval/dataset.ts';
import { readIntentDir, defaultIntentDataDir } from '../../../services/nlp/intent/dataset.ts';
import { detectNgrams, detectWithEld, NGRAM_DETECTOR_PORTED } from '../../../services/nlp/ngramDetector.ts';
import { rng } from '../../../services/shared/random.ts';

describe('n-gram language detector (eld re-implemented)', () => {
  it('runs the port with the installed eld', () => {
    expect(NGRAM_DETECTOR_PORTED).toBe(true);
  });

  it('answers as eld on every corpus message and its head', { timeout: 120_000 }, () => {
    const texts = [
      ...['train', 'val'].flatMap((split) => readSplit(defaultDataDir(), split).flatMap((s) => s.texts)),
      ...readIntentDir(defaultIntentDataDir()).map((e) => e.text),
    ];
    let reliable = 0;
    for (const text of texts) {
      for (const t of [text, text.slice(0, 80)]) {
        const want = detectWithEld(t);
        expect(detectNgrams(t), t).toEqual(want);
        if (want.reliable) reliable++;
      }
    }
    expect(texts.length).toBeGreaterThan(14_000);
    expect(reliable).toBeGreaterThan(1000); // both answers are exercised
  });

  it('answers as eld on random text', { timeout: 60_000 }, () => {
    const pieces = [
      ...'abcdefghijklmnopqrstuvwxyzàèéìòùçñßäöü ',
      ' ',
      "'",
      '’',
      '`',
      '-',
      '.',
      '1',
      '42',
      '😍',
      '🇮🇹',
      'привет',
      'ελληνικά',
      '東京',
      'שלום',
      'مرحبا',
      'हिन्दी',
      'ไทย',
      '\ud83d',
      'the ',
      'che ',
      'der ',
      'que ',
      'não ',
      'les ',
      'x'.repeat(90),
    ];
    const rand = rng(7);
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const len = Math.floor(rand() * 16);
      for (let j = 0; j < len; j++) text += pieces[Math.floor(rand() * pieces.length)]!;
      expect(detectNgrams(text), JSON.stringify(text)).toEqual(detectWithEld(text));
    }
    const long = 'questo è un testo molto lungo e italiano '.repeat(40); // past eld's 350/380-byte cuts
    expect(detectNgrams(long)).toEqual(detectWithEld(long));
  });
});
