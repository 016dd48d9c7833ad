import { payloadOf, type AuthorRole, type EnrichedEvent, type ModerationKind } from '../shared/events.ts';

/**
 * The compact slice of an enriched event that response-time metrics need: one row of the
 * `thread_events` table. Field names equal the column names; times are epoch ms.
 */
export interface ThreadEvent {
  brand: string;
  platform: string;
  account_id: string;
  thread_id: string;
  event_id: string;
  event_time: number;
  /** Ties between copies of one event_id (e.g. a replay with a newer model): the latest enrichment wins. */
  enriched_time: number;
  kind: 'posted' | 'edited' | 'deleted' | 'moderation';
  /** The message posted/edited/deleted, or the moderation target; '' when none. */
  message_id: string;
  /** author_role of a posted message, actor_role of a moderation action, '' otherwise. */
  role: AuthorRole | '';
  action: ModerationKind | '';
  priority: string;
  /** The agent who wrote a posted brand message ('' otherwise): who ended a wait by a reply (thread_points' reply). */
  agent_id: string;
  has_enrichment: boolean;
  needs_reply: boolean;
  intent: string;
  /** Detected language of a posted or edited message ('' when not enriched or not a message). */
  language: string;
  sentiment_score: number | null;
  sentiment_label: string;
  relabel_sentiment: string;
  relabel_intent: string;
}

/** Thread identity: a thread_id is only unique within one account on one platform of one brand. */
export interface ThreadKey {
  brand: string;
  platform: string;
  account_id: string;
  thread_id: string;
}

export function threadKeyString(k: ThreadKey): string {
  return `${k.brand}\u0000${k.platform}\u0000${k.account_id}\u0000${k.thread_id}`;
}

/** Written without object spreads: this runs for every event in the sink, and spreads are slow here. */
export function toThreadEvent(enriched: EnrichedEvent): ThreadEvent {
  const e = enriched.event;
  const p = payloadOf(e);
  const en = enriched.enrichment;
  let kind: ThreadEvent['kind'];
  let message_id = '';
  let role: ThreadEvent['role'] = '';
  let action: ThreadEvent['action'] = '';
  let priority = '';
  let agent_id = '';
  let relabel_sentiment = '';
  let relabel_intent = '';
  switch (p.type) {
    case 'message_posted':
      kind = 'posted';
      message_id = p.value.message_id;
      role = p.value.author_role;
      priority = p.value.priority ?? '';
      agent_id = p.value.agent_id ?? '';
      break;
    case 'message_edited':
      kind = 'edited';
      message_id = p.value.message_id;
      break;
    case 'message_deleted':
      kind = 'deleted';
      message_id = p.value.message_id;
      break;
    case 'moderation_action':
      kind = 'moderation';
      message_id = p.value.target_message_id ?? '';
      role = p.value.actor_role;
      action = p.value.action;
      relabel_sentiment = p.value.relabel_sentiment ?? '';
      relabel_intent = p.value.relabel_intent ?? '';
      break;
  }
  return {
    brand: e.brand,
    platform: e.platform,
    account_id: e.account_id,
    thread_id: e.thread_id,
    event_id: e.event_id,
    event_time: e.event_time,
    enriched_time: enriched.enriched_time,
    kind,
    message_id,
    role,
    action,
    priority,
    agent_id,
    has_enrichment: en !== null,
    needs_reply: en?.needs_reply ?? false,
    intent: en?.intent ?? '',
    language: en?.language ?? '',
    sentiment_score: en?.sentiment_score ?? null,
    sentiment_label: en?.sentiment_label ?? '',
    relabel_sentiment,
    relabel_intent,
  };
}
