// The training corpus of the intent model: every labelled dev message (and the training-only extra
// messages of intent/data/), plus two noisy variants of
// each (lazy writing, typos) at half weight. Variants share their message's group, so a message
// and its variants always land in the same cross-validation fold.

import { lazyVariant, typoVariant } from './augment.ts';
import type { IntentExample } from './dataset.ts';
import type { IntentRaw } from './train.ts';

export const VARIANT_WEIGHT = 0.5;

/**
 * `extra`: training-only messages (intent/data/): in every training part, never scored, so they get
 * groups no fold owns and count as non-original.
 */
export function trainingCorpus(
  examples: readonly IntentExample[],
  seed: number,
  extra: readonly IntentExample[] = [],
): IntentRaw[] {
  const out: IntentRaw[] = [];
  const all = [...examples.map((e) => ({ e, scored: true })), ...extra.map((e) => ({ e, scored: false }))];
  all.forEach(({ e, scored }, group) => {
    out.push({ text: e.text, language: e.language, intent: e.intent, weight: 1, group, original: scored });
    const seen = new Set([e.text]);
    for (const v of [lazyVariant(e.text), typoVariant(e.text, seed + group)]) {
      if (seen.has(v)) continue;
      seen.add(v);
      out.push({ text: v, language: e.language, intent: e.intent, weight: VARIANT_WEIGHT, group, original: false });
    }
  });
  return out;
}
