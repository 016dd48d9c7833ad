// eld's language detector (npm `eld` 2.1.0, its 'small' database; Apache-2.0, © Nito T.M.) re-implemented
// on eld's own data with the same arithmetic, so it gives eld's language and eld's isReliable() on
// every input (test/unit/nlp/ngramDetector.unit.test.ts compares the two on the corpora and random text).
// Why: eld.detect() costs ~25-50 µs a call on a tweet, mostly for-in over every n-gram's language object,
// a fresh score array and a LanguageResult with two closures, then sorting every score for isReliable().
// Here an n-gram's scores are a flat Int32Array, the score buffer is reused and reliability needs one pass.
// If another eld version is installed, eld itself is used (same answers, its speed).

import { eld } from 'eld/small';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface NgramDetection {
  /** ISO 639-1 code, '' when no n-gram scored. */
  language: string;
  /** eld's isReliable() (threshold ratio 0.75). */
  reliable: boolean;
}

const PORTED_VERSION = '2.1.0';
const BASE_NGRAM_SCORE = 53; // eld subtracts it from every stored score to shrink its database
const SCALE = 25;
const RELIABLE_RATIO = 0.75;

interface EldData {
  ngrams: Record<string, Record<string, number>>;
  languages: Record<string, string>;
}

/** eld's package directory, found the way Node resolves `eld` (its internals are not in its exports). */
function eldRoot(): string | null {
  const dirs = createRequire(import.meta.url).resolve.paths('eld') ?? [];
  return dirs.map((d) => join(d, 'eld')).find((d) => existsSync(join(d, 'package.json'))) ?? null;
}

async function loadPort(): Promise<NgramTables | null> {
  const root = eldRoot();
  if (root === null) return null;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  if (pkg.version !== PORTED_VERSION) return null;
  const src = (f: string) => pathToFileURL(join(root, 'src', f)).href;
  const [{ ngramsData }, { dictionary }, { separators }, { avgScore }] = (await Promise.all([
    import(src('ngrams/small.js')),
    import(src('dictionary.js')),
    import(src('regexPatterns.js')),
    import(src('avgScore.js')),
  ])) as [
    { ngramsData: EldData },
    { dictionary: string[] },
    { separators: RegExp },
    { avgScore: Record<string, number> },
  ];
  return new NgramTables(ngramsData, dictionary, separators, avgScore);
}

class NgramTables {
  /** Per n-gram: where its (language index, stored score + BASE_NGRAM_SCORE) pairs start in `pairs`,
   *  × 64, plus their count (≤ 60 languages): one small integer per n-gram, one flat array for all. */
  readonly ngrams = new Map<string, number>();
  readonly pairs: Int32Array;
  readonly codes: string[];
  /** avgScore of each language index, × the reliability ratio. */
  readonly minScore: Float64Array;
  readonly scores: Float64Array;

  constructor(
    data: EldData,
    readonly dictionary: readonly string[],
    readonly separators: RegExp,
    avgScore: Record<string, number>,
  ) {
    const n = Object.keys(data.languages).length;
    if (n > 63) throw new Error(`eld data: ${n} languages, the n-gram index packs at most 63`);
    this.codes = Array.from({ length: n }, (_, i) => data.languages[i]!);
    this.minScore = Float64Array.from(this.codes, (c) => avgScore[c]! * RELIABLE_RATIO);
    this.scores = new Float64Array(n);
    const keys = Object.keys(data.ngrams);
    let total = 0;
    for (const key of keys) total += Object.keys(data.ngrams[key]!).length;
    this.pairs = new Int32Array(total * 2);
    let o = 0;
    for (const key of keys) {
      const obj = data.ngrams[key]!;
      const start = o;
      for (const l of Object.keys(obj)) {
        // integer keys come in ascending order, as eld's for-in visits them (the sums are integers anyway)
        this.pairs[2 * o] = Number(l);
        this.pairs[2 * o + 1] = obj[l]! + BASE_NGRAM_SCORE;
        o++;
      }
      this.ngrams.set(key, start * 64 + (o - start));
    }
  }

  /** eld's strToUtf8Bytes: each UTF-8 byte as one dictionary character, split into words at spaces. */
  private utf8Words(str: string): string[] {
    const dictionary = this.dictionary;
    let encoded = '';
    const words: string[] = [];
    let countBytes = 0;
    for (let ii = 0; ii < str.length; ii++) {
      let charCode = str.charCodeAt(ii);
      if (charCode < 0x80) {
        if (charCode === 32) {
          if (encoded !== '') {
            words.push(encoded);
            encoded = '';
          }
          if (countBytes > 350) break;
        } else {
          encoded += str[ii];
        }
        countBytes++;
      } else if (charCode < 0x800) {
        encoded += dictionary[0xc0 | (charCode >> 6)]! + dictionary[0x80 | (charCode & 0x3f)]!;
        countBytes += 2;
      } else if (charCode < 0xd800 || charCode >= 0xe000) {
        encoded +=
          dictionary[0xe0 | (charCode >> 12)]! +
          dictionary[0x80 | ((charCode >> 6) & 0x3f)]! +
          dictionary[0x80 | (charCode & 0x3f)]!;
        countBytes += 3;
      } else {
        ii++;
        charCode = 0x10000 + (((charCode & 0x3ff) << 10) | (str.charCodeAt(ii) & 0x3ff));
        encoded +=
          dictionary[0xf0 | (charCode >> 18)]! +
          dictionary[0x80 | ((charCode >> 12) & 0x3f)]! +
          dictionary[0x80 | ((charCode >> 6) & 0x3f)]! +
          dictionary[0x80 | (charCode & 0x3f)]!;
        countBytes += 4;
      }
      if (countBytes > 380) break;
    }
    if (encoded !== '') words.push(encoded);
    return words;
  }

  detect(input: string): NgramDetection {
    const text = input.substring(0, 1000).replace(this.separators, ' ').trim().toLowerCase();
    const words = this.utf8Words(text);
    // eld's getByteNgrams: 4-byte n-grams at stride 3, the first with a leading space, the last with a
    // trailing one; distinct n-grams count once (eld keys an object by them).
    const seen = new Set<string>();
    const scores = this.scores.fill(0);
    for (const word of words) {
      const len = Math.min(word.length, 70);
      let j: number;
      for (j = 0; j + 4 < len; j += 3) this.add((j === 0 ? ' ' : '') + word.substring(j, j + 4), seen, scores);
      this.add((j === 0 ? ' ' : '') + word.substring(len !== 3 ? len - 4 : 0) + ' ', seen, scores);
    }
    // getMaxLang: the first language with the highest positive score
    let best = -1,
      max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (scores[i]! > 0 && scores[i]! > max) {
        max = scores[i]!;
        best = i;
      }
    }
    if (best < 0) return { language: '', reliable: false };
    return { language: this.codes[best]!, reliable: this.reliable(best, seen.size) };
  }

  private add(ngram: string, seen: Set<string>, scores: Float64Array): void {
    if (seen.has(ngram)) return;
    seen.add(ngram);
    const at = this.ngrams.get(ngram);
    if (at === undefined) return;
    const pairs = this.pairs;
    for (let k = 2 * (at >> 6), end = k + 2 * (at & 63); k < end; k += 2) scores[pairs[k]!]! += pairs[k + 1]!;
  }

  /**
   * eld's isReliable() on its ordered results (scores r/n / (r/n + 25), sorted descending, stably): the
   * top score must reach 0.75 × the language's average and differ by 0.01 from `results[1][0]` — which
   * in eld 2.1.0 is the runner-up's language *index*, not its score; kept, since the answers must match.
   */
  private reliable(best: number, numNgrams: number): boolean {
    if (numNgrams < 3) return false;
    const scores = this.scores;
    const top = scores[best]! / numNgrams / (scores[best]! / numNgrams + SCALE);
    // the runner-up in the stable descending order: highest raw score after `best`, lowest index on ties
    let second = -1;
    for (let i = 0; i < scores.length; i++) {
      if (i === best || !(scores[i]! > 0)) continue;
      if (second < 0 || scores[i]! > scores[second]!) second = i;
    }
    const nextScore = second >= 0 ? second : 0;
    return !(this.minScore[best]! > top || 0.01 > Math.abs(top - nextScore));
  }
}

const tables = await loadPort();

/** True when the port runs (else eld itself answers). */
export const NGRAM_DETECTOR_PORTED = tables !== null;

/** eld.detect(text) with isReliable(), as one plain result. */
export function detectNgrams(text: string): NgramDetection {
  if (tables !== null) return tables.detect(text);
  const r = eld.detect(text);
  return { language: r.language, reliable: r.language !== '' && r.isReliable() };
}

/** eld itself, for the equivalence tests. */
export function detectWithEld(text: string): NgramDetection {
  const r = eld.detect(text);
  return { language: r.language, reliable: r.language !== '' && r.isReliable() };
}
