import type { ThreadSettings } from '../domain/brand-settings.ts';
import { compareSteps } from '../domain/event-order.ts';
import {
  foldMessage,
  isDeleted,
  isHidden,
  isSpam,
  type MessageEvent,
  type MessageFacts,
} from '../domain/message-fold.ts';
import type { AuthorRole, ModerationKind } from '../shared/events.ts';
import type { ThreadEvent } from './thread-event.ts';

/**
 * The messages of one thread as the set of its events describes them. What a message IS (its
 * current sentiment and intent, needs_reply, hidden, deleted, spam) comes from the shared message
 * fold (services/domain/message-fold.ts), the same one the sink's `messages` rows use; this adds
 * what response times need on top: when it was posted (the original time counts for timing) and
 * the removals and moderation actions on it, in time order.
 */

export interface MessageState {
  message_id: string;
  posted_at: number;
  posted_event_id: string;
  role: AuthorRole;
  priority: string;
  /** The post's agent ('' when none): who replied, for a brand message. */
  agent_id: string;
  /** From the fold: a customer message whose (relabelled) intent needs a reply. */
  needs_reply: boolean;
  intent: string;
  /** Detected language of the latest version ('' when never enriched). */
  language: string;
  sentiment_label: string;
  sentiment_score: number | null;
  hidden: boolean;
  deleted: boolean;
  spam: boolean;
  /** Moderation actions on this message other than relabels (which correct analysis, not the community). */
  actions: ThreadEvent[];
  /** Hidden, deleted or marked spam (by moderation) or deleted by the author, in time order. */
  removals: Array<{ at: number; by: 'moderation' | 'author'; event_id: string }>;
  /** Deleted or marked spam: excluded from thread sentiment (the fold's counted = 0). */
  gone: boolean;
  /** The fold's full state. */
  facts: MessageFacts;
}

const REMOVING: ReadonlySet<ModerationKind> = new Set(['hide', 'delete', 'mark_spam']);

/** What the fold reads of a stored thread event (thread_events keeps no text). */
export function messageEventOfThreadEvent(e: ThreadEvent): MessageEvent {
  return {
    event_id: e.event_id,
    event_time: e.event_time,
    kind: e.kind,
    author_role: e.kind === 'posted' ? e.role || 'customer' : '',
    action: e.action,
    text: '',
    analysis: e.has_enrichment
      ? {
          language: e.language,
          language_supported: e.language !== '' && e.language !== 'und',
          sentiment_score: e.sentiment_score,
          sentiment_label: e.sentiment_label,
          sentiment_confidence: null,
          intent: e.intent,
          needs_reply: e.needs_reply,
          model_version: 'enriched',
        }
      : null,
    relabel_sentiment: e.relabel_sentiment,
    relabel_intent: e.relabel_intent,
  };
}

/** Total order used everywhere: time, then event id, so ties never depend on arrival order. */
export function byTimeThenId(a: ThreadEvent, b: ThreadEvent): number {
  return compareSteps(a.event_time, 0, a.event_id, b.event_time, 0, b.event_id);
}

/**
 * One copy per event_id. Copies of an event normally agree; if they don't (a replay with a newer
 * model), the latest enrichment wins and remaining ties break on content, so the pick never
 * depends on which copy arrived first.
 */
export function dedupeEvents(events: readonly ThreadEvent[]): ThreadEvent[] {
  const best = new Map<string, ThreadEvent>();
  for (const e of events) {
    const cur = best.get(e.event_id);
    if (
      !cur ||
      e.enriched_time > cur.enriched_time ||
      (e.enriched_time === cur.enriched_time && !sameContent(e, cur) && JSON.stringify(e) > JSON.stringify(cur))
    ) {
      best.set(e.event_id, e);
    }
  }
  return [...best.values()].sort(byTimeThenId);
}

/** Copies of one event are usually identical (a batch's events and the same rows read back): skip the JSON tie-break then. */
function sameContent(a: ThreadEvent, b: ThreadEvent): boolean {
  if (a === b) return true;
  for (const k in a) if (a[k as keyof ThreadEvent] !== b[k as keyof ThreadEvent]) return false;
  return true;
}

/** Builds message states from deduplicated events sorted by byTimeThenId. */
export function buildMessages(sorted: readonly ThreadEvent[], _settings?: ThreadSettings): Map<string, MessageState> {
  const posts = new Map<string, ThreadEvent>();
  const byMessage = new Map<string, ThreadEvent[]>();
  for (const e of sorted) {
    if (!e.message_id) continue;
    // Two "posted" events for one message id (a platform re-send with a new event id): the earliest counts.
    if (e.kind === 'posted' && !posts.has(e.message_id)) posts.set(e.message_id, e);
    const list = byMessage.get(e.message_id);
    if (list) list.push(e);
    else byMessage.set(e.message_id, [e]);
  }
  const messages = new Map<string, MessageState>();
  for (const [id, post] of posts) {
    const events = byMessage.get(id)!;
    const f = foldMessage(events.map(messageEventOfThreadEvent));
    const actions: ThreadEvent[] = [];
    const removals: MessageState['removals'] = [];
    for (const e of events) {
      // Removals before the post (clock skew between sources) take effect at posting time.
      const at = Math.max(e.event_time, post.event_time);
      if (e.kind === 'deleted') removals.push({ at, by: 'author', event_id: e.event_id });
      else if (e.kind === 'moderation' && e.action !== 'relabel') {
        actions.push(e);
        if (REMOVING.has(e.action as ModerationKind)) removals.push({ at, by: 'moderation', event_id: e.event_id });
      }
    }
    removals.sort((a, b) => a.at - b.at || (a.event_id < b.event_id ? -1 : 1));
    messages.set(id, {
      message_id: id,
      posted_at: post.event_time,
      posted_event_id: post.event_id,
      role: post.role || 'customer',
      priority: post.priority,
      agent_id: post.agent_id,
      needs_reply: f.needs_reply === 1,
      intent: f.intent,
      language: f.model_version !== '' ? f.language : '',
      sentiment_label: f.sentiment_label,
      sentiment_score: f.sentiment_score,
      hidden: isHidden(f),
      deleted: isDeleted(f),
      spam: isSpam(f),
      actions,
      removals,
      gone: f.counted === 0,
      facts: f,
    });
  }
  return messages;
}
