import { BrandSettings } from './brand-settings.ts';
import { relabelNeedsReply } from './message-fold.ts';
import { isSentimentLabel, relabelScore } from './sentiment.ts';
import type { Analyzer } from '../nlp/index.ts';
import { payloadOf, type ConversationEvent, type EnrichedEvent, type Enrichment } from '../shared/events.ts';

export const HUMAN_MODEL_VERSION = 'human-relabel';

/** A brand's needs_reply_intents (infra/brands.yaml): what a relabelled intent's needs_reply is decided by. */
export type NeedsReplyIntents = (brand: string) => ReadonlySet<string>;

let configured: BrandSettings | null = null;
/** The brands file of this process ($BRANDS_FILE or infra/brands.yaml), read once on the first relabel. */
const fromBrandsFile: NeedsReplyIntents = (brand) => {
  configured ??= BrandSettings.load();
  return configured.forThread({ brand, platform: '', account_id: '' }).needsReplyIntents;
};

/**
 * Adds what the models say to one event. Brand and system posts are scored for tone (sentiment)
 * but get no intent and never need a reply: a brand reply is the answer, not a request
 * (metrics.md analyses the team's own replies apart). Posted and edited messages are (re-)scored, so an edit
 * carries the sentiment of its new text; a relabel carries the human's override itself
 * (human_override = true), with needs_reply decided by the brand's needs_reply_intents, which every
 * projection applies to the message (latest relabel wins). Other events carry no enrichment.
 */
export function enrichEvent(
  event: ConversationEvent,
  analyzer: Analyzer,
  now: number,
  needsReplyIntents: NeedsReplyIntents = fromBrandsFile,
): EnrichedEvent {
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
    enrichment = relabelEnrichment(p.value, needsReplyIntents(event.brand));
  }
  return { event, enrichment, enriched_time: now };
}

/**
 * What a human relabel carries (metrics.md, "Relabels"): the label's end of the scale at full
 * confidence, the relabelled intent, and whether that intent needs a reply for this brand. Every
 * projection reads this stamp through the message fold (services/domain/message-fold.ts).
 */
export function relabelEnrichment(
  relabel: { relabel_sentiment: string | null; relabel_intent: string | null },
  needsReplyIntents: ReadonlySet<string>,
): Enrichment {
  const label = relabel.relabel_sentiment;
  const intent = relabel.relabel_intent ?? '';
  return {
    language: 'und',
    language_supported: false,
    sentiment_score: label ? relabelScore(label) : null,
    sentiment_label: label && isSentimentLabel(label) ? label : null,
    sentiment_confidence: label ? 1 : null,
    intent,
    needs_reply: intent !== '' && relabelNeedsReply(intent, needsReplyIntents),
    model_version: HUMAN_MODEL_VERSION,
    human_override: true,
  };
}
