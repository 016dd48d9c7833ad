import type { AuthorRole, ModerationKind } from '../shared/events.ts';
import type { ThreadSettings } from './settings.ts';
import type { ThreadEvent } from './thread-event.ts';

/**
 * The messages of one thread as the set of its events describes them: when each was posted (the
 * original time counts for timing), its current sentiment and intent (the latest version counts:
 * edits re-scored by the model, human relabels), and the removals and moderation actions on it.
 */

export interface MessageState {
  message_id: string;
  posted_at: number;
  posted_event_id: string;
  role: AuthorRole;
  priority: string;
  needs_reply: boolean;
  intent: string;
  /** Detected language of the latest version ('' when never enriched). */
  language: string;
  sentiment_label: string;
  sentiment_score: number | null;
  /** Moderation actions on this message other than relabels (which correct analysis, not the community). */
  actions: ThreadEvent[];
  /** Hidden, deleted or marked spam (by moderation) or deleted by the author, in time order. */
  removals: Array<{ at: number; by: 'moderation' | 'author'; event_id: string }>;
  /** Deleted or marked spam and not restored: excluded from thread sentiment. */
  gone: boolean;
}

const REMOVING: ReadonlySet<ModerationKind> = new Set(['hide', 'delete', 'mark_spam']);
const LABEL_SCORE: Record<string, number> = { negative: -1, neutral: 0, positive: 1 };

/** Total order used everywhere: time, then event id, so ties never depend on arrival order. */
export function byTimeThenId(a: ThreadEvent, b: ThreadEvent): number {
  return a.event_time - b.event_time || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0);
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
    if (!cur || e.enriched_time > cur.enriched_time || (e.enriched_time === cur.enriched_time && !sameContent(e, cur) && JSON.stringify(e) > JSON.stringify(cur))) {
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
export function buildMessages(sorted: readonly ThreadEvent[], settings: ThreadSettings): Map<string, MessageState> {
  const messages = new Map<string, MessageState>();
  for (const e of sorted) {
    if (e.kind !== 'posted' || !e.message_id) continue;
    // Two "posted" events for one message id (a platform re-send with a new event id): the earliest counts.
    if (messages.has(e.message_id)) continue;
    messages.set(e.message_id, {
      message_id: e.message_id,
      posted_at: e.event_time,
      posted_event_id: e.event_id,
      role: (e.role || 'customer') as AuthorRole,
      priority: e.priority,
      needs_reply: e.has_enrichment ? e.needs_reply : true,
      intent: e.intent,
      language: e.language,
      sentiment_label: e.sentiment_label,
      sentiment_score: e.sentiment_score,
      actions: [],
      removals: [],
      gone: false,
    });
  }
  for (const e of sorted) {
    const m = messages.get(e.message_id);
    if (!m) continue; // posted event not seen yet: the message enters when it arrives
    // Removals before the post (clock skew between sources) take effect at posting time.
    const at = Math.max(e.event_time, m.posted_at);
    if (e.kind === 'edited' && e.has_enrichment) {
      m.needs_reply = e.needs_reply;
      m.intent = e.intent;
      if (e.language) m.language = e.language;
      m.sentiment_label = e.sentiment_label;
      m.sentiment_score = e.sentiment_score;
    } else if (e.kind === 'deleted') {
      m.removals.push({ at, by: 'author', event_id: e.event_id });
      m.gone = true;
    } else if (e.kind === 'moderation') {
      if (e.action === 'relabel') {
        applyRelabel(m, e, settings);
        continue;
      }
      m.actions.push(e);
      if (REMOVING.has(e.action as ModerationKind)) m.removals.push({ at, by: 'moderation', event_id: e.event_id });
      if (e.action === 'delete' || e.action === 'mark_spam') m.gone = true;
      if (e.action === 'restore') m.gone = false;
    }
  }
  for (const m of messages.values()) m.removals.sort((a, b) => a.at - b.at || (a.event_id < b.event_id ? -1 : 1));
  return messages;
}

/** A human correction overrides the model for what it sets (sentiment, intent or both). */
function applyRelabel(m: MessageState, e: ThreadEvent, settings: ThreadSettings): void {
  if (e.relabel_sentiment) {
    m.sentiment_label = e.relabel_sentiment;
    // Keep the enricher's score only if it agrees with the human label; otherwise the label's pole.
    m.sentiment_score = e.has_enrichment && e.sentiment_label === e.relabel_sentiment && e.sentiment_score !== null
      ? e.sentiment_score
      : (LABEL_SCORE[e.relabel_sentiment] ?? null);
  }
  if (e.relabel_intent) {
    m.intent = e.relabel_intent;
    m.needs_reply = e.has_enrichment && e.intent === e.relabel_intent ? e.needs_reply : settings.needsReplyIntents.has(e.relabel_intent);
  }
}
