// How often the analyzer already agrees with human relabels (sentiment, and intent when given).

import type { Analyzer } from '../analyzer.ts';
import type { Relabel } from './relabels.ts';
import { labelIndex } from './relabels.ts';
import { SENTIMENT_LABELS } from '../sentiment/types.ts';

export interface Agreement {
  sentimentN: number;
  sentimentAccuracy: number;
  intentN: number;
  intentAccuracy: number;
}

export function agreement(analyzer: Analyzer, relabels: readonly Relabel[]): Agreement {
  let sN = 0,
    sOk = 0,
    iN = 0,
    iOk = 0;
  for (const r of relabels) {
    const a = analyzer.analyze({ text: r.text, languageHint: r.language ?? null, brand: r.brand });
    sN++;
    const predicted = a.sentiment ? SENTIMENT_LABELS.indexOf(a.sentiment.label) : 1;
    if (predicted === labelIndex(r.label)) sOk++;
    if (r.intent) {
      iN++;
      if (a.intent === r.intent) iOk++;
    }
  }
  return { sentimentN: sN, sentimentAccuracy: sN ? sOk / sN : 0, intentN: iN, intentAccuracy: iN ? iOk / iN : 0 };
}
