import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSplit } from '../../../services/nlp/eval/dataset.ts';

const root = join(import.meta.dirname, '..', '..', '..');

function makeDataset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nlp-eval-'));
  const sets: Record<string, Array<[string, number]>> = {
    italian: [
      ['Che schifo di servizio, vergogna', 0],
      ['Il treno parte alle otto', 1],
      ['Bellissimo, grazie mille! 😍', 2],
    ],
    english: [
      ['Worst service ever, I hate it', 0],
      ['The store opens at nine', 1],
      ['Love it, amazing! 😍', 2],
      ['Thanks a lot, great job', 2],
    ],
  };
  for (const [folder, rows] of Object.entries(sets)) {
    mkdirSync(join(dir, folder));
    writeFileSync(join(dir, folder, 'test_text.txt'), rows.map((r) => r[0]).join('\n') + '\n');
    writeFileSync(join(dir, folder, 'test_labels.txt'), rows.map((r) => r[1]).join('\n') + '\n');
  }
  return dir;
}

describe('sentiment:eval CLI', () => {
  it('--json prints exactly one JSON object with per-folder and overall figures', () => {
    const dir = makeDataset();
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'services/nlp/cli/eval.ts'), '--data', dir, '--split', 'test', '--json'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as Record<string, { macroF1: number; accuracy: number; n: number }>;
    expect(Object.keys(out).sort()).toEqual(['all', 'english', 'italian']);
    expect(out.italian!.n).toBe(3);
    expect(out.english!.n).toBe(4);
    expect(out.all!.n).toBe(7);
    for (const v of Object.values(out)) {
      expect(Object.keys(v).sort()).toEqual(['accuracy', 'macroF1', 'n']);
      expect(v.macroF1).toBeGreaterThanOrEqual(0);
      expect(v.macroF1).toBeLessThanOrEqual(1);
      expect(v.accuracy).toBeGreaterThanOrEqual(0);
      expect(v.accuracy).toBeLessThanOrEqual(1);
    }
    // overall accuracy is the n-weighted mean of the folders'
    expect(out.all!.accuracy).toBeCloseTo((out.italian!.accuracy * 3 + out.english!.accuracy * 4) / 7, 3);
  }, 60_000);

  it('rejects a folder whose text and label counts differ', () => {
    const dir = makeDataset();
    writeFileSync(join(dir, 'english', 'test_labels.txt'), '0\n1\n');
    expect(() => readSplit(dir, 'test')).toThrow(/4 texts but 2 labels/);
  });
});
