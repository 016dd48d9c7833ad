import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIntentTsv } from '../../../services/nlp/intent/dataset.ts';
import { intentJson, scoreIntents, type IntentPrediction } from '../../../services/nlp/intent/evaluate.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const HEADER = 'language\tplatform\tintent\tneeds_reply\ttext';

function dataset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'intent-eval-'));
  writeFileSync(
    join(dir, 'it.tsv'),
    [
      HEADER,
      'it\tx\torder\t1\til mio pacco non è ancora arrivato, ordine 4411',
      'it\tinstagram\tpraise\t0\tgrazie mille, bravissimi 😍',
      'it\tfacebook\tquestion\t1\ta che ora aprite domenica?',
    ].join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'en.tsv'),
    [
      HEADER,
      'en\tx\ttechnical_issue\t1\tthe app keeps crashing since the update',
      'en\tyoutube\tspam\t0\tcheck out my channel for free crypto signals http://bit.ly/x',
    ].join('\n') + '\n',
  );
  writeFileSync(join(dir, 'notes.txt'), 'not a tsv: ignored\n');
  return dir;
}

describe('intent dataset reader', () => {
  it('reads the documented TSV and names the line of a bad label', () => {
    const rows = parseIntentTsv(`${HEADER}\nde\tx\tcomplaint\t1\tfrechheit, niemand antwortet\n`, 'de.tsv');
    expect(rows).toEqual([
      {
        language: 'de',
        platform: 'x',
        intent: 'complaint',
        needsReply: true,
        text: 'frechheit, niemand antwortet',
        source: 'de.tsv:2',
      },
    ]);
    expect(() => parseIntentTsv(`${HEADER}\nde\tx\tangry\t1\tx\n`, 'de.tsv')).toThrow(
      /de\.tsv:2: intent must be one of/,
    );
    expect(() => parseIntentTsv('lang\ttext\n', 'de.tsv')).toThrow(/de\.tsv:1: header/);
  });
});

describe('intent metrics', () => {
  it('macro-F1 over the 8 intents, accuracy and needs_reply precision/recall per language and overall', () => {
    const p = (
      language: string,
      gold: IntentPrediction['gold'],
      pred: IntentPrediction['pred'],
      g: boolean,
      r: boolean,
    ): IntentPrediction => ({ language, gold, pred, goldNeedsReply: g, predNeedsReply: r });
    const preds = [
      p('it', 'order', 'order', true, true),
      p('it', 'question', 'complaint', true, true),
      p('it', 'praise', 'other', false, false),
      p('en', 'other', 'question', false, true),
      p('en', 'spam', 'spam', false, false),
      p('en', 'complaint', 'other', true, false),
    ];
    const json = intentJson(scoreIntents(preds));
    expect(Object.keys(json)).toEqual(['en', 'it', 'all']);
    expect(json.it).toEqual({
      intentMacroF1: expect.any(Number),
      accuracy: 0.3333,
      needsReplyPrecision: 1,
      needsReplyRecall: 1,
      n: 3,
    });
    expect(json.en).toMatchObject({ accuracy: 0.3333, needsReplyPrecision: 0, needsReplyRecall: 0, n: 3 });
    // all: reply tp 2 (it), fp 1 (en other->question), fn 1 (en complaint->other)
    expect(json.all).toMatchObject({ accuracy: 0.3333, needsReplyPrecision: 0.6667, needsReplyRecall: 0.6667, n: 6 });
    // per-intent F1 over all 8 classes: order 1, spam 1, the rest 0 -> 2/8
    expect(json.all!.intentMacroF1).toBe(0.25);
  });
});

describe('intent:eval CLI', () => {
  it('--json prints exactly one object with the documented fields per language and "all"', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'services/nlp/cli/intentEval.ts'), '--data', dataset(), '--json'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as Record<string, Record<string, number>>;
    expect(Object.keys(out)).toEqual(['en', 'it', 'all']);
    expect(out.it!.n).toBe(3);
    expect(out.en!.n).toBe(2);
    expect(out.all!.n).toBe(5);
    for (const v of Object.values(out)) {
      expect(Object.keys(v).sort()).toEqual([
        'accuracy',
        'intentMacroF1',
        'n',
        'needsReplyPrecision',
        'needsReplyRecall',
      ]);
      for (const k of ['accuracy', 'intentMacroF1', 'needsReplyPrecision', 'needsReplyRecall']) {
        expect(v[k]).toBeGreaterThanOrEqual(0);
        expect(v[k]).toBeLessThanOrEqual(1);
      }
    }
    // these five are easy: the shipped model gets every needs_reply right
    expect(out.all!.needsReplyRecall).toBe(1);
    expect(out.all!.needsReplyPrecision).toBe(1);
  }, 60_000);

  it('without --json prints the confusion matrix per language', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'services/nlp/cli/intentEval.ts'), '--data', dataset()],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^it +n= +3 +intentMacroF1=/m);
    expect(r.stdout).toMatch(/gold\\pred +quest +tech +order +pre +compl +praise +spam +other/);
  }, 60_000);
});
