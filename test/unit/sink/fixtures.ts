import type { ConversationEvent, EnrichedEvent, Enrichment, Payload } from '../../../services/shared/events.ts';
import { wrapPayload } from '../../../services/shared/events.ts';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { relabelEnrichment } from '../../../services/domain/enrichment.ts';

/** The brand's needs_reply_intents (infra/brands.yaml), which the enricher stamps on relabels. */
const NEEDS_REPLY_INTENTS = BrandSettings.load().forThread({
  brand: 'acme',
  platform: 'x',
  account_id: 'acct',
}).needsReplyIntents;

const T0 = 1_700_000_000_000;

export function enrichment(
  label: 'negative' | 'neutral' | 'positive' | null,
  score: number | null,
  intent = 'complaint',
  language = 'en',
): Enrichment {
  return {
    language,
    language_supported: label !== null,
    sentiment_score: score,
    sentiment_label: label,
    sentiment_confidence: score === null ? null : 0.8,
    intent,
    needs_reply: intent === 'complaint' || intent === 'question',
    model_version: 'test-model-1',
    human_override: false,
  };
}

export function enriched(
  id: string,
  minute: number,
  payload: Payload,
  e: Enrichment | null = null,
  thread = 'th-1',
): EnrichedEvent {
  const event: ConversationEvent = {
    event_id: id,
    event_time: T0 + minute * 60_000,
    ingest_time: T0 + minute * 60_000 + 500,
    brand: 'acme',
    platform: 'x',
    account_id: 'acct',
    post_id: null,
    thread_id: thread,
    source: 'test',
    payload: wrapPayload(payload),
    metadata: {},
  };
  return { event, enrichment: e, enriched_time: event.ingest_time + 10 };
}

export const posted = (
  id: string,
  minute: number,
  messageId: string,
  text: string,
  e: Enrichment,
  role: 'customer' | 'brand' = 'customer',
) =>
  enriched(
    id,
    minute,
    {
      type: 'message_posted',
      value: {
        message_id: messageId,
        parent_id: null,
        kind: 'comment',
        author_id: 'u1',
        author_role: role,
        agent_id: null,
        text,
        language_hint: null,
        url: null,
        priority: null,
      },
    },
    e,
  );

export const edited = (id: string, minute: number, messageId: string, text: string, e: Enrichment) =>
  enriched(
    id,
    minute,
    { type: 'message_edited', value: { message_id: messageId, author_id: 'u1', text, language_hint: null } },
    e,
  );

export const deleted = (id: string, minute: number, messageId: string) =>
  enriched(id, minute, { type: 'message_deleted', value: { message_id: messageId, author_id: 'u1' } });

/** A moderation action; a relabel carries the enrichment the enricher stamps on it (production's shape). */
export const moderation = (
  id: string,
  minute: number,
  action: string,
  target: string | null,
  relabel: { sentiment?: string; intent?: string } = {},
  needsReplyIntents = NEEDS_REPLY_INTENTS,
) => {
  const value = {
    action: action as 'hide',
    actor_id: 'agent-1',
    actor_role: 'brand' as const,
    target_message_id: target,
    target_author_id: null,
    reason: null,
    assignee_id: null,
    relabel_sentiment: relabel.sentiment ?? null,
    relabel_intent: relabel.intent ?? null,
  };
  return enriched(
    id,
    minute,
    { type: 'moderation_action', value },
    action === 'relabel' ? relabelEnrichment(value, needsReplyIntents) : null,
  );
};

export const T_ZERO = T0;
