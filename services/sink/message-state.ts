import { DEFAULT_NEEDS_REPLY, type Intent } from '../nlp/intent/types.ts';
import { payloadOf, type EnrichedEvent } from '../shared/events.ts';

/**
 * The latest state of one message, resolved from its events: post, edits, author delete,
 * moderation (hide/unhide, delete/restore, mark_spam/approve) and human relabels.
 *
 * Every field is either set once (the post), a flag that only turns on (author delete), a minimum
 * (first moderation time) or a last-writer-wins register ordered by (event_time, event_id). Merging
 * an event is therefore commutative, associative and idempotent: the state depends only on the SET
 * of events, so out-of-order arrival, duplicates, late events and replays after a crash all resolve
 * to the same row. The fields mirror the `messages` table (times are epoch ms; 0 = unset).
 */
export interface MessageState {
  brand: string;
  platform: string;
  account_id: string;
  thread_id: string;
  message_id: string;
  revision: number;
  posted: number;
  posted_time: number;
  posted_event_id: string;
  kind: string;
  parent_id: string | null;
  author_id: string;
  author_role: string;
  agent_id: string | null;
  priority: string | null;
  url: string | null;
  text: string;
  text_time: number;
  text_event_id: string;
  language: string;
  language_supported: number;
  model_sentiment_score: number | null;
  model_sentiment_label: string;
  model_sentiment_confidence: number | null;
  model_intent: string;
  model_needs_reply: number;
  model_version: string;
  relabel_sentiment: string;
  relabel_sentiment_time: number;
  relabel_sentiment_event_id: string;
  relabel_intent: string;
  relabel_intent_time: number;
  relabel_intent_event_id: string;
  author_deleted: number;
  removal_action: string;
  removal_time: number;
  removal_event_id: string;
  visibility_action: string;
  visibility_time: number;
  visibility_event_id: string;
  spam_action: string;
  spam_time: number;
  spam_event_id: string;
  first_moderation_time: number | null;
  sentiment_label: string;
  sentiment_score: number | null;
  sentiment_confidence: number | null;
  intent: string;
  needs_reply: number;
  human_override: number;
  counted: number;
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

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
/** A human relabel is certain: its score is the label's end of the scale. */
const RELABEL_SCORE: Record<string, number> = { negative: -1, neutral: 0, positive: 1 };

export function messageKey(brand: string, threadId: string, messageId: string): string {
  return `${brand}\u0000${threadId}\u0000${messageId}`;
}

/** Last-writer-wins order: later event_time wins, event_id breaks ties so every replica agrees. */
function newer(time: number, id: string, currentTime: number, currentId: string): boolean {
  return time > currentTime || (time === currentTime && id > currentId);
}

export function emptyState(brand: string, platform: string, account_id: string, thread_id: string, message_id: string): MessageState {
  return {
    brand, platform, account_id, thread_id, message_id, revision: 0,
    posted: 0, posted_time: 0, posted_event_id: '', kind: '', parent_id: null, author_id: '', author_role: '', agent_id: null, priority: null, url: null,
    text: '', text_time: 0, text_event_id: '', language: '', language_supported: 0,
    model_sentiment_score: null, model_sentiment_label: '', model_sentiment_confidence: null, model_intent: '', model_needs_reply: 0, model_version: '',
    relabel_sentiment: '', relabel_sentiment_time: 0, relabel_sentiment_event_id: '',
    relabel_intent: '', relabel_intent_time: 0, relabel_intent_event_id: '',
    author_deleted: 0, removal_action: '', removal_time: 0, removal_event_id: '',
    visibility_action: '', visibility_time: 0, visibility_event_id: '', spam_action: '', spam_time: 0, spam_event_id: '',
    first_moderation_time: null,
    sentiment_label: '', sentiment_score: null, sentiment_confidence: null, intent: '', needs_reply: 0, human_override: 0, counted: 0,
  };
}

/** Folds one event into the state (returns a new object). Events for other messages are a bug. */
export function applyEvent(state: MessageState, enriched: EnrichedEvent): MessageState {
  const { event, enrichment } = enriched;
  const s: MessageState = { ...state };
  const t = event.event_time;
  const id = event.event_id;
  const p = payloadOf(event);
  const setText = (text: string) => {
    if (!newer(t, id, s.text_time, s.text_event_id)) return;
    s.text = text;
    s.text_time = t;
    s.text_event_id = id;
    s.language = enrichment?.language ?? 'und';
    s.language_supported = enrichment?.language_supported ? 1 : 0;
    s.model_sentiment_score = enrichment?.sentiment_score ?? null;
    s.model_sentiment_label = enrichment?.sentiment_label ?? '';
    s.model_sentiment_confidence = enrichment?.sentiment_confidence ?? null;
    s.model_intent = enrichment?.intent ?? '';
    s.model_needs_reply = enrichment?.needs_reply ? 1 : 0;
    s.model_version = enrichment?.model_version ?? '';
  };
  switch (p.type) {
    case 'message_posted': {
      const v = p.value;
      // The post is one fact: a duplicate of it changes nothing; two different posts of one message id
      // (should not happen) resolve to the earliest, so the original time stays the timing anchor.
      if (!s.posted || newer(s.posted_time, s.posted_event_id, t, id)) {
        Object.assign(s, {
          posted: 1, posted_time: t, posted_event_id: id, kind: v.kind, parent_id: v.parent_id, author_id: v.author_id,
          author_role: v.author_role, agent_id: v.agent_id, priority: v.priority, url: v.url,
        });
      }
      setText(v.text);
      break;
    }
    case 'message_edited':
      setText(p.value.text);
      break;
    case 'message_deleted':
      s.author_deleted = 1;
      break;
    case 'moderation_action': {
      const v = p.value;
      if (v.action !== 'relabel' && (s.first_moderation_time === null || t < s.first_moderation_time)) s.first_moderation_time = t;
      const register = (field: 'removal' | 'visibility' | 'spam') => {
        if (newer(t, id, s[`${field}_time`], s[`${field}_event_id`])) {
          s[`${field}_action`] = v.action;
          s[`${field}_time`] = t;
          s[`${field}_event_id`] = id;
        }
      };
      if (v.action === 'delete' || v.action === 'restore') register('removal');
      else if (v.action === 'hide' || v.action === 'unhide') register('visibility');
      else if (v.action === 'mark_spam' || v.action === 'approve') register('spam');
      else if (v.action === 'relabel') {
        if (v.relabel_sentiment && newer(t, id, s.relabel_sentiment_time, s.relabel_sentiment_event_id)) {
          s.relabel_sentiment = v.relabel_sentiment;
          s.relabel_sentiment_time = t;
          s.relabel_sentiment_event_id = id;
        }
        if (v.relabel_intent && newer(t, id, s.relabel_intent_time, s.relabel_intent_event_id)) {
          s.relabel_intent = v.relabel_intent;
          s.relabel_intent_time = t;
          s.relabel_intent_event_id = id;
        }
      }
      break;
    }
  }
  return derive(s);
}

/** Recomputes the effective columns from the registers. */
function derive(s: MessageState): MessageState {
  if (s.relabel_sentiment) {
    s.sentiment_label = s.relabel_sentiment;
    s.sentiment_score = RELABEL_SCORE[s.relabel_sentiment] ?? null;
    s.sentiment_confidence = 1;
  } else {
    s.sentiment_label = s.model_sentiment_label;
    s.sentiment_score = s.model_sentiment_score;
    s.sentiment_confidence = s.model_sentiment_confidence;
  }
  s.intent = s.relabel_intent || s.model_intent;
  s.needs_reply = s.relabel_intent ? (DEFAULT_NEEDS_REPLY[s.relabel_intent as Intent] ? 1 : 0) : s.model_needs_reply;
  s.human_override = s.relabel_sentiment || s.relabel_intent ? 1 : 0;
  const removed = s.author_deleted === 1 || s.removal_action === 'delete';
  // Counted in sentiment: posted, not deleted (by author or moderator), not spam. Hidden messages
  // still count: hiding is a moderation choice, not a change in what the customer felt.
  s.counted = s.posted === 1 && !removed && s.spam_action !== 'mark_spam' ? 1 : 0;
  return s;
}

export function contributionOf(s: MessageState | null): Contribution {
  if (!s || !s.counted) return { counted: 0, minute: 0, language: '', author_role: '', sentiment_label: '', sentiment_score: null };
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
