import type { Analyzer } from '../nlp/index.ts';
import { payloadOf, type ConversationEvent, type EnrichedEvent, type Enrichment } from '../shared/events.ts';

/** Human relabels are certain: the label's end of the scale, full confidence. */
const RELABEL_SCORE: Record<string, number> = { negative: -1, neutral: 0, positive: 1 };
export const HUMAN_MODEL_VERSION = 'human-relabel';

/**
 * Adds what the models say to one event. Brand and system posts are scored for tone (sentiment)
 * but get no intent and never need a reply: a brand reply is the answer, not a request
 * (metrics.md analyses the team's own replies apart). Posted and edited messages are (re-)scored, so an edit
 * carries the sentiment of its new text; a relabel carries the human's override itself
 * (human_override = true), which the sink applies to the message (latest relabel wins). Other
 * events carry no enrichment.
 */
export function enrichEvent(event: ConversationEvent, analyzer: Analyzer, now: number): EnrichedEvent {
  const p = payloadOf(event);
  let enrichment: Enrichment | null = null;
  if (p.type === 'message_posted' || p.type === 'message_edited') {
    const a = analyzer.analyze({ text: p.value.text, languageHint: p.value.language_hint, brand: event.brand });
    // An edit carries no author role and is classified like a post; the response metrics read
    // needs_reply only on customer messages (the threads take the role from the post).
    const fromTeam = p.type === 'message_posted' && p.value.author_role !== 'customer';
    enrichment = {
      language: a.language,
      language_supported: a.languageSupported,
      sentiment_score: a.sentiment?.score ?? null,
      sentiment_label: a.sentiment?.label ?? null,
      sentiment_confidence: a.sentiment?.confidence ?? null,
      intent: fromTeam ? '' : a.intent,
      needs_reply: fromTeam ? false : a.needsReply,
      model_version: a.modelVersion,
      human_override: false,
    };
  } else if (p.type === 'moderation_action' && p.value.action === 'relabel') {
    const label = p.value.relabel_sentiment as Enrichment['sentiment_label'];
    enrichment = {
      language: 'und',
      language_supported: false,
      sentiment_score: label ? (RELABEL_SCORE[label] ?? null) : null,
      sentiment_label: label && label in RELABEL_SCORE ? label : null,
      sentiment_confidence: label ? 1 : null,
      intent: p.value.relabel_intent ?? '',
      needs_reply: false,
      model_version: HUMAN_MODEL_VERSION,
      human_override: true,
    };
  }
  return { event, enrichment, enriched_time: now };
}
