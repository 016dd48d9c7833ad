// Human relabel events (the `relabel` moderation action) as NDJSON, one object per line:
//   {"text": "...", "language": "it", "label": "negative", "intent": "complaint"}
// `language` (ISO 639-1) and `intent` are optional; `label` is negative|neutral|positive (or 0|1|2).

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { INTENTS } from '../intent/types.ts';
import { SENTIMENT_LABELS } from '../sentiment/types.ts';
import type { RawExample } from '../sentiment/train.ts';
import { detectLanguage } from '../language.ts';
import { tokenize } from '../text/tokenize.ts';

export const RelabelSchema = z.object({
  text: z.string().min(1),
  language: z.string().min(2).max(8).optional(),
  label: z.union([z.enum(['negative', 'neutral', 'positive']), z.literal(0), z.literal(1), z.literal(2)]),
  intent: z.enum(INTENTS).optional(),
  brand: z.string().optional(),
});
export type Relabel = z.infer<typeof RelabelSchema>;

export function parseRelabels(ndjson: string, source = 'relabels'): Relabel[] {
  const out: Relabel[] = [];
  ndjson.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw new Error(`${source}:${i + 1}: not JSON`);
    }
    const r = RelabelSchema.safeParse(obj);
    if (!r.success)
      throw new Error(
        `${source}:${i + 1}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      );
    out.push(r.data);
  });
  return out;
}

export function readRelabels(path: string): Relabel[] {
  return parseRelabels(readFileSync(path, 'utf8'), path);
}

export function labelIndex(l: Relabel['label']): number {
  return typeof l === 'number' ? l : SENTIMENT_LABELS.indexOf(l);
}

/** Relabels weigh double: each one is a deliberate human correction on in-domain text. */
export const RELABEL_WEIGHT = 2;

export function relabelsToExamples(rs: readonly Relabel[]): RawExample[] {
  return rs.map((r) => ({
    text: r.text,
    language: r.language ?? (detectLanguage(tokenize(r.text)).language || 'und'),
    label: labelIndex(r.label),
    weight: RELABEL_WEIGHT,
  }));
}
