import {
  applyMessageEvent,
  emptyMessageFacts,
  isEarlierPost,
  type MessageEvent,
  type MessageFacts,
} from '../domain/message-fold.ts';
import { SENTIMENT_LABELS } from '../domain/sentiment.ts';
import { payloadOf, type EnrichedEvent } from '../shared/events.ts';

export { SENTIMENT_LABELS };

/**
 * The latest state of one message as a `messages` row: the shared message fold
 * (services/domain/message-fold.ts: post, edits, deletes, moderation, relabels, needs_reply; a
 * function of the SET of events, so arrival order, duplicates and replays give the same row) plus
 * the row's identity and the post's columns. Times are epoch ms; 0 = unset.
 */
export interface MessageState extends MessageFacts {
  brand: string;
  platform: string;
  account_id: string;
  thread_id: string;
  message_id: string;
  revision: number;
  kind: string;
  parent_id: string | null;
  author_id: string;
  agent_id: string | null;
  priority: string | null;
  url: string | null;
}

/** What a state adds to the sentiment_minute aggregate (the MV input, signed by the sink's rows). */
export interface Contribution {
  counted: number;
  minute: number;
  language: string;
  author_role: string;
  sentiment_label: string;
  sentiment_score: number | null;
}

export function messageKey(brand: string, threadId: string, messageId: string): string {
  return `${brand}\u0000${threadId}\u0000${messageId}`;
}

export function emptyState(
  brand: string,
  platform: string,
  account_id: string,
  thread_id: string,
  message_id: string,
): MessageState {
  return {
    brand,
    platform,
    account_id,
    thread_id,
    message_id,
    revision: 0,
    kind: '',
    parent_id: null,
    author_id: '',
    agent_id: null,
    priority: null,
    url: null,
    ...emptyMessageFacts(),
  };
}

/** The fold's view of an enriched event (services/domain/message-fold.ts). */
export function messageEventOf(enriched: EnrichedEvent): MessageEvent {
  const { event, enrichment: en } = enriched;
  const p = payloadOf(event);
  const analysis = en && {
    language: en.language,
    language_supported: en.language_supported,
    sentiment_score: en.sentiment_score,
    sentiment_label: en.sentiment_label ?? '',
    sentiment_confidence: en.sentiment_confidence,
    intent: en.intent,
    needs_reply: en.needs_reply,
    model_version: en.model_version,
  };
  const base = {
    event_id: event.event_id,
    event_time: event.event_time,
    author_role: '',
    action: '',
    text: '',
    analysis,
    relabel_sentiment: '',
    relabel_intent: '',
  };
  switch (p.type) {
    case 'message_posted':
      return { ...base, kind: 'posted', author_role: p.value.author_role, text: p.value.text };
    case 'message_edited':
      return { ...base, kind: 'edited', text: p.value.text };
    case 'message_deleted':
      return { ...base, kind: 'deleted' };
    case 'moderation_action':
      return {
        ...base,
        kind: 'moderation',
        action: p.value.action,
        relabel_sentiment: p.value.relabel_sentiment ?? '',
        relabel_intent: p.value.relabel_intent ?? '',
      };
  }
}

/**
 * Folds one event into the state (returns a new object): the shared message fold, plus the post's
 * row columns (author, kind, url...) the `messages` table keeps. Events for other messages are a bug.
 */
export function applyEvent(state: MessageState, enriched: EnrichedEvent): MessageState {
  const s: MessageState = { ...state };
  const p = payloadOf(enriched.event);
  // The post is one fact: a duplicate of it changes nothing; two different posts of one message id
  // (should not happen) resolve to the earliest, so the original time stays the timing anchor.
  if (p.type === 'message_posted' && isEarlierPost(s, enriched.event.event_time, enriched.event.event_id)) {
    const v = p.value;
    s.kind = v.kind;
    s.parent_id = v.parent_id;
    s.author_id = v.author_id;
    s.agent_id = v.agent_id;
    s.priority = v.priority;
    s.url = v.url;
  }
  return applyMessageEvent(s, messageEventOf(enriched));
}

export function contributionOf(s: MessageState | null): Contribution {
  if (!s || !s.counted)
    return { counted: 0, minute: 0, language: '', author_role: '', sentiment_label: '', sentiment_score: null };
  return {
    counted: 1,
    minute: Math.floor(s.posted_time / 60_000) * 60_000,
    language: s.language,
    author_role: s.author_role,
    sentiment_label: s.sentiment_label,
    sentiment_score: s.sentiment_score,
  };
}

/** True when two states differ in anything stored (the revision aside). */
export function sameState(a: MessageState, b: MessageState): boolean {
  for (const k of Object.keys(a) as (keyof MessageState)[]) {
    if (k === 'revision') continue;
    if (a[k] !== b[k]) return false;
  }
  return true;
}
