// Per-brand phrase rules and reply policy, given as configuration (JSON/YAML -> parseBrandRules).
// Example:
//   { "acme": { "phrases": [
//       { "phrase": "Killer Deal", "action": "neutralize" },
//       { "phrase": "sick of waiting", "action": "override", "label": "negative", "intent": "complaint" } ],
//     "needsReply": { "praise": true } } }
// neutralize: the phrase is removed before sentiment/intent see it (a product name is not an opinion);
// override:   when the phrase occurs, the given label/score (and optional intent) win over the model.

import { z } from 'zod';
import { INTENTS, DEFAULT_NEEDS_REPLY, type Intent } from './intent/types.ts';
import { shortHash } from './sentiment/hash.ts';
import type { SentimentResult } from './sentiment/types.ts';

const PhraseRule = z.object({
  phrase: z.string().min(1),
  action: z.enum(['neutralize', 'override']),
  label: z.enum(['negative', 'neutral', 'positive']).optional(),
  score: z.number().min(-1).max(1).optional(),
  intent: z.enum(INTENTS).optional(),
});
const BrandConfig = z.object({
  phrases: z.array(PhraseRule).default([]),
  needsReply: z.partialRecord(z.enum(INTENTS), z.boolean()).default({}),
});
export const BrandRulesSchema = z.record(z.string(), BrandConfig);
export type BrandRules = z.input<typeof BrandRulesSchema>;
export type PhraseRule = z.infer<typeof PhraseRule>;

export function parseBrandRules(input: unknown): z.infer<typeof BrandRulesSchema> {
  return BrandRulesSchema.parse(input);
}

const LABEL_SCORE = { negative: -0.8, neutral: 0, positive: 0.8 } as const;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

export class CompiledBrand {
  private readonly neutralize: RegExp | null;
  private readonly overrides: Array<{ re: RegExp; rule: PhraseRule }>;
  private readonly needsReply: Record<Intent, boolean>;

  constructor(cfg: z.infer<typeof BrandConfig>) {
    const neutral = cfg.phrases.filter((p) => p.action === 'neutralize').map((p) => escape(p.phrase));
    // Longest first so "killer deal pro" wins over "killer deal"; word-ish boundaries, any case.
    neutral.sort((a, b) => b.length - a.length);
    this.neutralize = neutral.length
      ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${neutral.join('|')})(?![\\p{L}\\p{N}])`, 'giu')
      : null;
    this.overrides = cfg.phrases
      .filter((p) => p.action === 'override')
      .map((rule) => ({ re: new RegExp(`(?<![\\p{L}\\p{N}])${escape(rule.phrase)}(?![\\p{L}\\p{N}])`, 'iu'), rule }));
    this.needsReply = { ...DEFAULT_NEEDS_REPLY, ...cfg.needsReply };
  }

  /** Text with neutralized phrases blanked out. */
  strip(text: string): string {
    return this.neutralize ? text.replace(this.neutralize, ' ') : text;
  }

  /** First matching override rule, if any (config order = priority). */
  override(text: string): PhraseRule | null {
    for (const o of this.overrides) if (o.re.test(text)) return o.rule;
    return null;
  }

  replyNeeded(intent: Intent): boolean {
    return this.needsReply[intent];
  }
}

export function applyOverride(rule: PhraseRule, current: SentimentResult | null): SentimentResult | null {
  if (!rule.label && rule.score === undefined) return current;
  const label = rule.label ?? (rule.score! > 0.33 ? 'positive' : rule.score! < -0.33 ? 'negative' : 'neutral');
  return { label, score: rule.score ?? LABEL_SCORE[label], confidence: 1 };
}

export function compileBrandRules(rules: BrandRules | undefined): { brands: Map<string, CompiledBrand>; hash: string } {
  const parsed = parseBrandRules(rules ?? {});
  const brands = new Map<string, CompiledBrand>();
  for (const [name, cfg] of Object.entries(parsed)) brands.set(name, new CompiledBrand(cfg));
  const canonical = JSON.stringify(
    Object.keys(parsed)
      .sort()
      .map((k) => [k, parsed[k]]),
  );
  return { brands, hash: shortHash(canonical).slice(0, 8) };
}
