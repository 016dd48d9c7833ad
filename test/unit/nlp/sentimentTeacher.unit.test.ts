import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabelledSet } from '../../../services/nlp/eval/dataset.ts';
import { fitModel } from '../../../services/nlp/sentiment/fit.ts';
import { LinearSentimentModel } from '../../../services/nlp/sentiment/linearModel.ts';
import { readTeacher, type TeacherTargets } from '../../../services/nlp/sentiment/teacher.ts';
import { tokenize } from '../../../services/nlp/text/tokenize.ts';

const texts = [
  'great product',
  'love it',
  'so happy',
  'terrible service',
  'hate it',
  'so sad',
  'shop opens at nine',
  'train at 8',
];
const labels = [2, 2, 2, 0, 0, 0, 1, 1];
const train = texts.map((text, i) => ({ text, language: 'en', label: labels[i]! }));
const small = { bits: 12, charMin: 3, charMax: 4, bigrams: true, langWords: true };
const point = { learningRate: 0.1, l2: 1e-4, epochs: 30 };

/** A teacher that contradicts the labels: it calls every tweet negative. */
function contrarian(): TeacherTargets {
  const neg = (): Float32Array => Float32Array.from([0.98, 0.01, 0.01]);
  return {
    full: train.map(neg),
    nested: [0, 1, 2, 3, 4].map((f) => train.map((_, i) => (i % 5 === f ? null : neg()))),
    source: 'test',
  };
}
const labelOf = (file: ReturnType<typeof fitModel>, text: string): string =>
  new LinearSentimentModel(file).score({ text, tokens: tokenize(text), language: 'en' }).label;

describe('sentiment distillation from teacher probabilities', () => {
  it('distill 0 ignores the teacher: the weights equal a labels-only fit', () => {
    const plain = fitModel({ train, lexEntries: [], features: small, fixed: point });
    const zero = fitModel({ train, lexEntries: [], features: small, fixed: point, teacher: contrarian() });
    expect(zero.weights).toBe(plain.weights);
  });
  it('distill 1 follows the teacher instead of the labels, and the file says where the targets came from', () => {
    const file = fitModel({
      train,
      lexEntries: [],
      features: small,
      fixed: { ...point, distill: 1 },
      teacher: contrarian(),
    });
    expect(labelOf(file, 'love it')).toBe('negative');
    expect(file.training.teacher).toBe('test');
    expect(file.training.options).toEqual({ ...point, distill: 1 });
  });
});

describe('teacher file', () => {
  const sets: LabelledSet[] = [
    { folder: 'english', language: 'en', texts: ['a', 'b'], labels: [0, 2] },
    { folder: 'italian', language: 'it', texts: ['c'], labels: [1] },
  ];
  const write = (rows: string[]): string => {
    const p = join(mkdtempSync(join(tmpdir(), 'bp-teacher-')), 't.tsv');
    writeFileSync(
      p,
      ['# test', 'folder\tline\tfull\tnested0\tnested1\tnested2\tnested3\tnested4', ...rows].join('\n') + '\n',
    );
    return p;
  };
  const p3 = '0.1000,0.2000,0.7000';
  it('aligns rows with the train split: full and nested targets, none for the held-out fold itself', () => {
    const t = readTeacher(
      write([
        `english\t0\t${p3}\t\t${p3}\t${p3}\t${p3}\t${p3}`,
        `english\t1\t${p3}\t${p3}\t\t${p3}\t${p3}\t${p3}`,
        `italian\t0\t${p3}\t${p3}\t${p3}\t\t${p3}\t${p3}`,
      ]),
      sets,
    );
    expect(t.full.map((q) => Array.from(q!).map((v) => v.toFixed(1)))).toEqual([
      ['0.1', '0.2', '0.7'],
      ['0.1', '0.2', '0.7'],
      ['0.1', '0.2', '0.7'],
    ]);
    expect(t.nested[0]![0]).toBeNull();
    expect(t.nested[1]![1]).toBeNull();
    expect(t.nested[2]![2]).toBeNull();
    expect(t.nested[0]![1]).not.toBeNull();
  });
  it('refuses a file made for other tweets, naming the way out', () => {
    expect(() => readTeacher(write([`english\t0\t${p3}\t\t${p3}\t${p3}\t${p3}\t${p3}`]), sets)).toThrow(
      /--teacher none/,
    );
    expect(() =>
      readTeacher(
        write([`english\t0\t${p3}\t\t\t\t\t`, `italian\t0\t${p3}\t\t\t\t\t`, `english\t1\t${p3}\t\t\t\t\t`]),
        sets,
      ),
    ).toThrow(/expected english\t1/);
  });
  it('refuses probabilities out of range', () => {
    expect(() =>
      readTeacher(
        write([`english\t0\t1.5,0,0\t\t\t\t\t`, `english\t1\t${p3}\t\t\t\t\t`, `italian\t0\t${p3}\t\t\t\t\t`]),
        sets,
      ),
    ).toThrow(/bad probabilities/);
  });
});
