// Evaluation of an Analyzer on a labelled directory (used by the eval and feedback CLIs).

import type { Analyzer } from '../analyzer.ts';
import { SENTIMENT_LABELS } from '../sentiment/types.ts';
import type { LabelledSet } from './dataset.ts';
import { addInto, confusionMatrix, scores, type Confusion, type Scores } from './metrics.ts';

export type HintMode = 'folder' | 'none';

export interface SetResult extends Scores {
  folder: string;
  confusion: Confusion;
  /** Messages whose resolved language was unsupported (scored as neutral: the model abstained). */
  unsupported: number;
}

/**
 * Predicted label index for one message. With hint mode 'folder' the folder language is passed as
 * languageHint (as the enricher passes the platform/account language), so detection still runs
 * and wins when it is reliable. An abstention (unsupported language) counts as "neutral".
 */
export function predictIndex(
  analyzer: Analyzer,
  text: string,
  hint: string | null,
): { label: number; unsupported: boolean } {
  const a = analyzer.analyze({ text, languageHint: hint });
  if (!a.sentiment) return { label: 1, unsupported: true };
  return { label: SENTIMENT_LABELS.indexOf(a.sentiment.label), unsupported: false };
}

export function evaluateSets(
  analyzer: Analyzer,
  sets: readonly LabelledSet[],
  hintMode: HintMode,
): { sets: SetResult[]; all: SetResult } {
  const results: SetResult[] = [];
  const total: Confusion = confusionMatrix([], []);
  let totalUnsupported = 0;
  for (const s of sets) {
    let unsupported = 0;
    const pred = s.texts.map((t) => {
      const r = predictIndex(analyzer, t, hintMode === 'folder' ? s.language : null);
      if (r.unsupported) unsupported++;
      return r.label;
    });
    const m = confusionMatrix(s.labels, pred);
    addInto(total, m);
    totalUnsupported += unsupported;
    results.push({ folder: s.folder, confusion: m, unsupported, ...scores(m) });
  }
  return { sets: results, all: { folder: 'all', confusion: total, unsupported: totalUnsupported, ...scores(total) } };
}

export function formatReport(r: { sets: SetResult[]; all: SetResult }): string {
  const lines: string[] = [];
  for (const s of [...r.sets, r.all]) {
    lines.push(
      `${s.folder.padEnd(12)} n=${String(s.n).padStart(5)}  macroF1=${s.macroF1.toFixed(4)}  accuracy=${s.accuracy.toFixed(4)}  unsupported=${s.unsupported}`,
    );
    lines.push('    gold\\pred   neg   neu   pos');
    s.confusion.forEach((row, i) =>
      lines.push(`    ${['neg', 'neu', 'pos'][i]!.padEnd(9)} ${row.map((v) => String(v).padStart(5)).join(' ')}`),
    );
  }
  return lines.join('\n');
}
