import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseThreshold, assignFolds, REPLY_RECALL_FLOOR, THRESHOLDS } from '../../../services/nlp/intent/fit.ts';
import { decideIntent, K, readIntentModelFile, BUILTIN_INTENT_MODEL_PATH } from '../../../services/nlp/intent/model.ts';
import { lazyVariant, typoVariant } from '../../../services/nlp/intent/augment.ts';
import { INTENTS, DEFAULT_NEEDS_REPLY } from '../../../services/nlp/intent/types.ts';
import { trainingCorpus } from '../../../services/nlp/intent/corpus.ts';
import { EXTRA_INTENT_DATA_DIR, readIntentDir } from '../../../services/nlp/intent/dataset.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const REPLY = INTENTS.map((i) => DEFAULT_NEEDS_REPLY[i]);

function probs(p: Partial<Record<(typeof INTENTS)[number], number>>): Float64Array {
  return Float64Array.from(INTENTS.map((i) => p[i] ?? 0));
}

describe('intent decision', () => {
  it('the needs-reply group wins at the threshold and the message gets its likeliest intent', () => {
    const p = probs({ praise: 0.55, complaint: 0.3, question: 0.15 });
    expect(INTENTS[decideIntent(p, REPLY, 0.5)]).toBe('praise');
    expect(INTENTS[decideIntent(p, REPLY, 0.4)]).toBe('complaint');
    // a brand whose praise needs a reply: the groups follow its mapping
    const brand = INTENTS.map((i) => i === 'praise' || DEFAULT_NEEDS_REPLY[i]);
    expect(INTENTS[decideIntent(p, brand, 0.5)]).toBe('praise');
  });

  it('chooses the highest threshold that keeps out-of-fold recall at the floor', () => {
    // 40 reply messages with P(reply) = 0.5125 .. 1.0 and 10 non-reply ones
    const gold: number[] = [];
    const flat: number[] = [];
    for (let i = 1; i <= 40; i++) {
      gold.push(INTENTS.indexOf('question'));
      flat.push(...probs({ question: 0.5 + i / 80, other: 0.5 - i / 80 }));
    }
    for (let i = 0; i < 10; i++) {
      gold.push(INTENTS.indexOf('other'));
      flat.push(...probs({ question: 0.05, other: 0.95 }));
    }
    const recallAt = (t: number) =>
      gold.filter((g, i) => REPLY[g] && REPLY[decideIntent(Float64Array.from(flat.slice(i * K, i * K + K)), REPLY, t)]!)
        .length / 40;
    const t = chooseThreshold(Float64Array.from(flat), gold);
    expect(recallAt(t)).toBeGreaterThanOrEqual(REPLY_RECALL_FLOOR);
    const next = THRESHOLDS[THRESHOLDS.indexOf(t) + 1]!;
    expect(recallAt(next)).toBeLessThan(REPLY_RECALL_FLOOR);
    expect(t).toBeGreaterThan(0.45);
  });

  it('folds are stratified by (language, intent) and keep a message with its variants', () => {
    const groups = [0, 0, 1, 2, 2, 3, 4, 5].map((g, i) => ({ group: g, key: i < 5 ? 'it|0' : 'en|1' }));
    const f = assignFolds(groups, 2);
    expect([f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), f.get(5)]).toEqual([0, 1, 0, 0, 1, 0]);
  });
});

describe('training corpus', () => {
  it('dev messages are scored in CV; the extra messages and all noisy variants only train', () => {
    const extra = readIntentDir(EXTRA_INTENT_DATA_DIR);
    expect(extra).toHaveLength(262); // 20 per language + 105 more English + 37 more German (tweets-*)
    const dev = extra.slice(0, 3).map((e) => ({ ...e, text: e.text + ' (dev)' }));
    const corpus = trainingCorpus(dev, 1, extra);
    const scored = corpus.filter((c) => c.original);
    expect(scored.map((c) => c.text)).toEqual(dev.map((d) => d.text));
    // every variant shares its message's group, and no extra message shares a group with a dev message
    const devGroups = new Set(scored.map((c) => c.group));
    expect(
      corpus.filter((c) => !c.original && extra.some((e) => e.text === c.text)).every((c) => !devGroups.has(c.group)),
    ).toBe(true);
    expect(corpus.filter((c) => !c.original && c.weight === 1)).toHaveLength(262);
  });
});

describe('training-time noise', () => {
  it('lazy and typo variants are deterministic and look like real customer writing', () => {
    expect(lazyVariant('Perché il negozio è chiuso? ¿Qué pasa?')).toBe('perche il negozio e chiuso que pasa');
    expect(typoVariant('Il negozio di Roma è aperto domenica? Grazie mille', 7)).toBe(
      typoVariant('Il negozio di Roma è aperto domenica? Grazie mille', 7),
    );
  });
});

describe('intent:train', () => {
  it('reproduces the model byte for byte from the same inputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'intent-train-'));
    const rows = ['language\tplatform\tintent\tneeds_reply\ttext'];
    const texts: Array<[string, string]> = [
      ['question', 'a che ora aprite domenica?'],
      ['question', 'il negozio di Roma è aperto sabato?'],
      ['order', 'il mio pacco non è ancora arrivato'],
      ['order', 'rimborso mai ricevuto, ordine 1234'],
      ['praise', 'grazie mille, bravissimi'],
      ['praise', 'servizio perfetto, complimenti'],
      ['complaint', 'servizio pessimo, vergogna'],
      ['complaint', 'nessuno risponde mai, ridicolo'],
    ];
    for (const [intent, text] of texts)
      rows.push(`it\tx\t${intent}\t${DEFAULT_NEEDS_REPLY[intent as 'order'] ? 1 : 0}\t${text}`);
    writeFileSync(join(dir, 'it.tsv'), rows.join('\n') + '\n');
    const run = (out: string) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(root, 'services/nlp/cli/intentTrain.ts'),
          '--data',
          dir,
          '--out',
          out,
          '--folds',
          '2',
          '--no-cv',
        ],
        { cwd: root, encoding: 'utf8' },
      );
    const a = run(join(dir, 'a.json'));
    expect(a.status, a.stderr).toBe(0);
    const b = run(join(dir, 'b.json'));
    expect(b.status, b.stderr).toBe(0);
    const fa = readFileSync(join(dir, 'a.json'));
    expect(fa.equals(readFileSync(join(dir, 'b.json')))).toBe(true);
    expect(JSON.parse(fa.toString('utf8')).format).toBe('brandpulse-intent-lr/1');
  }, 120_000);

  it('the shipped model records its training choices and nested cross-validated figures', () => {
    const m = readIntentModelFile(BUILTIN_INTENT_MODEL_PATH);
    expect(m.classes).toEqual(INTENTS);
    expect(m.replyThreshold).toBeGreaterThan(0);
    expect(m.replyThreshold).toBeLessThan(1);
    expect(m.wordVectors?.file).toBe('word-vectors.bin');
    const cv = m.training.nestedCv as Record<
      string,
      { needsReplyRecall: number; needsReplyPrecision: number; n: number }
    >;
    for (const lang of ['it', 'en', 'es', 'fr', 'de', 'pt']) {
      expect(cv[lang]!.n).toBe(250);
      expect(cv[lang]!.needsReplyRecall).toBeGreaterThanOrEqual(0.9);
      expect(cv[lang]!.needsReplyPrecision).toBeGreaterThanOrEqual(0.85);
    }
  });
});
