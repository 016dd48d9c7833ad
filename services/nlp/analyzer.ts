// The analyzer the enricher calls per message: language -> sentiment -> intent -> needs_reply.
// Everything is prepared at construction; analyze() is synchronous, pure and allocation-light.

import { applyOverride, compileBrandRules, type BrandRules, type CompiledBrand } from './brandRules.ts';
import { newRuleSignals, ruleSignals } from './intent/classify.ts';
import { loadIntentModel, type LinearIntentModel } from './intent/model.ts';
import { DEFAULT_NEEDS_REPLY, INTENTS, type Intent } from './intent/types.ts';
import { detectLanguage, isSupportedLanguage, normalizeLanguageHint, resolveLanguage } from './language.ts';
import type { SentimentModel, SentimentResult } from './sentiment/types.ts';
import { decodeArtifacts } from './text/normalize.ts';
import { tokenize, type Token } from './text/tokenize.ts';

export interface Analysis {
  /** ISO 639-1 detected (or from hint), 'und' if undetectable. */
  language: string;
  languageSupported: boolean;
  /** null when the language is unsupported: no guessed score. */
  sentiment: SentimentResult | null;
  intent: Intent;
  needsReply: boolean;
  modelVersion: string;
}

export interface AnalyzeInput {
  text: string;
  languageHint?: string | null;
  brand?: string;
}

export interface Analyzer {
  analyze(input: AnalyzeInput): Analysis;
  readonly modelVersion: string;
}

export const INTENT_RULES_VERSION = 'intent-rules-2';
const DEFAULT_REPLY: readonly boolean[] = INTENTS.map((i) => DEFAULT_NEEDS_REPLY[i]);

export class MessageAnalyzer implements Analyzer {
  readonly modelVersion: string;
  private readonly brands: Map<string, CompiledBrand>;
  /** Per brand, needs_reply of each intent (INTENTS order): the mapping the intent decision uses. */
  private readonly replyByBrand = new Map<string, readonly boolean[]>();
  private readonly rules = newRuleSignals();

  /** `intentModel` null = the cue rules alone (the pre-model classifier). */
  constructor(
    private readonly model: SentimentModel,
    brandRules?: BrandRules,
    private readonly intentModel: LinearIntentModel | null = loadIntentModel(),
  ) {
    const { brands, hash } = compileBrandRules(brandRules);
    this.brands = brands;
    for (const [name, b] of brands)
      this.replyByBrand.set(
        name,
        INTENTS.map((i) => b.replyNeeded(i)),
      );
    this.modelVersion = `${model.version}+${intentModel ? intentModel.version : INTENT_RULES_VERSION}+rules-${hash}`;
  }

  analyze(input: AnalyzeInput): Analysis {
    const brand = input.brand !== undefined ? this.brands.get(input.brand) : undefined;
    const original = input.text ?? '';
    const text = brand ? brand.strip(original) : original;
    const tokens = tokenize(text);
    const hint = normalizeLanguageHint(input.languageHint);
    const language = resolveLanguage(detectLanguage(tokens, hint), hint);
    const languageSupported = isSupportedLanguage(language);
    let sentiment: SentimentResult | null = languageSupported ? this.model.score({ text, tokens, language }) : null;
    const override = brand?.override(original) ?? null;
    if (override && languageSupported) sentiment = applyOverride(override, sentiment);
    const intent = override?.intent ?? this.classify(text, tokens, language, sentiment, input.brand);
    const needsReply = brand ? brand.replyNeeded(intent) : DEFAULT_NEEDS_REPLY[intent];
    return { language, languageSupported, sentiment, intent, needsReply, modelVersion: this.modelVersion };
  }

  private classify(
    text: string,
    tokens: Token[],
    language: string,
    sentiment: SentimentResult | null,
    brand: string | undefined,
  ): Intent {
    const rules = ruleSignals({ lower: decodeArtifacts(text).toLowerCase(), tokens, language, sentiment }, this.rules);
    if (!this.intentModel) return rules.intent;
    const reply = (brand !== undefined ? this.replyByBrand.get(brand) : undefined) ?? DEFAULT_REPLY;
    return this.intentModel.classify({ tokens, language, rules, sentiment }, reply);
  }
}
