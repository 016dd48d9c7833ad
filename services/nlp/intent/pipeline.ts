// The steps before the intent model, shared by the analyzer and the trainer so that training sees
// exactly what run time sees: tokens, resolved language, sentiment, cue-rule signals.

import { detectLanguage, isSupportedLanguage, normalizeLanguageHint, resolveLanguage } from '../language.ts';
import type { SentimentModel, SentimentResult } from '../sentiment/types.ts';
import { decodeArtifacts } from '../text/normalize.ts';
import { tokenize, type Token } from '../text/tokenize.ts';
import { newRuleSignals, ruleSignals, type RuleSignals } from './classify.ts';

export interface IntentContext {
  tokens: Token[];
  language: string;
  languageSupported: boolean;
  sentiment: SentimentResult | null;
  rules: RuleSignals;
}

/** Training-time helper (allocates fresh rule signals per call). */
export function analyzeForIntent(
  text: string,
  languageHint: string | null,
  sentimentModel: SentimentModel,
): IntentContext {
  const tokens = tokenize(text);
  const hint = normalizeLanguageHint(languageHint);
  const language = resolveLanguage(detectLanguage(tokens, hint), hint);
  const languageSupported = isSupportedLanguage(language);
  const sentiment = languageSupported ? sentimentModel.score({ text, tokens, language }) : null;
  const rules = ruleSignals(
    { lower: decodeArtifacts(text).toLowerCase(), tokens, language, sentiment },
    newRuleSignals(),
  );
  return { tokens, language, languageSupported, sentiment, rules };
}
