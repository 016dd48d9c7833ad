// Public API of the NLP module (imported by the enricher). Keep stable.

import { MessageAnalyzer, type Analyzer } from './analyzer.ts';
import type { BrandRules } from './brandRules.ts';
import { loadIntentModel } from './intent/model.ts';
import { loadSentimentModel, loadSentimentModelSync } from './sentiment/registry.ts';

export type { Analysis, AnalyzeInput, Analyzer } from './analyzer.ts';
export type { BrandRules } from './brandRules.ts';
export { parseBrandRules } from './brandRules.ts';
export type { Intent } from './intent/types.ts';
export { INTENTS, DEFAULT_NEEDS_REPLY } from './intent/types.ts';
export { INTENT_MODEL_ENV } from './intent/model.ts';
export type { SentimentLabel, SentimentModel, SentimentResult } from './sentiment/types.ts';
export { registerSentimentModel, MODEL_ENV, type SentimentModelFactory } from './sentiment/registry.ts';
export { SUPPORTED_LANGUAGES, isSupportedLanguage } from './language.ts';

export interface AnalyzerOptions {
  brandRules?: BrandRules;
  /** Model spec: 'builtin' | 'builtin:<path>' | '<registered scheme>:<arg>' (registerSentimentModel).
   *  Default: $BRANDPULSE_SENTIMENT_MODEL, else 'builtin'. */
  model?: string;
  /** Intent model: 'builtin' (models/intent-lr.json), 'builtin:<path>' or a path, or 'rules' (the cue
   *  rules alone). Default: $BRANDPULSE_INTENT_MODEL, else 'builtin'. */
  intentModel?: string;
}

/** Loads the configured sentiment model (async: heavier models load asynchronously). */
export async function createAnalyzer(options: AnalyzerOptions = {}): Promise<Analyzer> {
  return new MessageAnalyzer(
    await loadSentimentModel(options.model),
    options.brandRules,
    loadIntentModel(options.intentModel),
  );
}

/** Same, synchronously; only for models with a synchronous loader (the builtin one). */
export function createAnalyzerSync(options: AnalyzerOptions = {}): Analyzer {
  return new MessageAnalyzer(
    loadSentimentModelSync(options.model),
    options.brandRules,
    loadIntentModel(options.intentModel),
  );
}
