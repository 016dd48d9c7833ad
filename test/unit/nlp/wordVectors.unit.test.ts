import { describe, expect, it } from 'vitest';
import { loadWordVectors, wordKey } from '../../../services/nlp/embeddings/table.ts';
import { foldText } from '../../../services/nlp/intent/features.ts';

const wv = loadWordVectors();

function vec(word: string): number[] {
  const r = wv.row(wordKey(foldText(word)));
  expect(r, word).toBeGreaterThanOrEqual(0);
  return Array.from(wv.q.subarray(r * wv.dims, (r + 1) * wv.dims));
}
function cos(a: number[], b: number[]): number {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('static word vectors distilled from multilingual-e5-small', () => {
  it('covers the six languages, accent-folded, and is small', () => {
    expect(wv.size).toBeGreaterThan(20000);
    expect(wv.dims).toBe(96);
    for (const w of ['rimborso', 'refund', 'reembolso', 'remboursement', 'Erstattung', 'perché', 'perche']) vec(w);
    expect(wv.row(wordKey('zzqxqzz'))).toBe(-1);
  });

  it('puts translations nearer each other than unrelated words', () => {
    expect(cos(vec('rimborso'), vec('reembolso'))).toBeGreaterThan(cos(vec('rimborso'), vec('pizza')));
    expect(cos(vec('password'), vec('passwort'))).toBeGreaterThan(cos(vec('password'), vec('domenica')));
    expect(cos(vec('grazie'), vec('gracias'))).toBeGreaterThan(cos(vec('grazie'), vec('errore')));
    expect(cos(vec('pacco'), vec('paquete'))).toBeGreaterThan(cos(vec('pacco'), vec('felice')));
  });
});
