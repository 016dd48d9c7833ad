import { DEFAULT_NEEDS_REPLY, type Intent } from '../nlp/intent/types.ts';
import { isLater } from './event-order.ts';
import { relabelScore } from './sentiment.ts';

/**
 * The state of one message as the set of its events describes it: the post (its original time
 * counts for timing), the latest text and what the model said about it, the author's delete, the
 * moderation registers (hide/unhide, delete/restore, mark_spam/approve), human relabels, and what
 * follows from them (effective sentiment and intent, needs_reply, counted in sentiment, hidden,
 * deleted). The sink's `messages` rows and the thread projection both fold with this, so they
 * cannot disagree.
 *
 * Every register is set once (the post: the earliest wins), a flag that only turns on (author
 * delete), a minimum (first moderation time) or last-writer-wins in (event_time, rank, event_id)
 * order. Folding an event is therefore commutative, associative and idempotent: any arrival order,
 * duplicates and replays give the same state. Times are epoch ms, 0 = unset. Field names are the
 * `messages` table's columns.
 */

/** What the enricher said about one version of a message (or stamped on a relabel). */
export interface MessageAnalysis {
  language: string;
  language_supported: boolean;
  sentiment_score: number | null;
  sentiment_label: string;
  sentiment_confidence: number | null;
  intent: string;
  needs_reply: boolean;
  model_version: string;
}

/** The slice of an event the fold reads: every projection maps its own event shape to this. */
export interface MessageEvent {
  event_id: string;
  event_time: number;
  kind: 'posted' | 'edited' | 'deleted' | 'moderation';
  /** Author role of a post; '' otherwise. */
  author_role: string;
  /** Moderation action; '' otherwise. */
  action: string;
  /** Text of a post or edit ('' when the projection keeps no text). */
  text: string;
  /** Enrichment of a post or edit, or the one the enricher stamps on a relabel; null when none. */
  analysis: MessageAnalysis | null;
  relabel_sentiment: string;
  relabel_intent: string;
}

export interface MessageFacts {
  posted: number;
  posted_time: number;
  posted_event_id: string;
  author_role: string;
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
  /** needs_reply of the latest intent relabel, decided by the brand's needs_reply_intents (the enricher stamps it). */
  relabel_needs_reply: number;
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
  // effective values, derived from the registers above by deriveMessage
  sentiment_label: string;
  sentiment_score: number | null;
  sentiment_confidence: number | null;
  intent: string;
  needs_reply: number;
  human_override: number;
  counted: number;
}

/** The model's needs_reply for a message it has not analysed: needs a reply until it is (the backlog errs on the safe side). */
const UNANALYSED_NEEDS_REPLY = 1;
/** Text register ranks: an edit in the same millisecond as its post is the later version. */
const TEXT_RANK = { posted: 0, edited: 1 } as const;

export function emptyMessageFacts(): MessageFacts {
  return {
    posted: 0,
    posted_time: 0,
    posted_event_id: '',
    author_role: '',
    text: '',
    text_time: 0,
    text_event_id: '',
    language: '',
    language_supported: 0,
    model_sentiment_score: null,
    model_sentiment_label: '',
    model_sentiment_confidence: null,
    model_intent: '',
    model_needs_reply: 0,
    model_version: '',
    relabel_sentiment: '',
    relabel_sentiment_time: 0,
    relabel_sentiment_event_id: '',
    relabel_intent: '',
    relabel_intent_time: 0,
    relabel_intent_event_id: '',
    relabel_needs_reply: 0,
    author_deleted: 0,
    removal_action: '',
    removal_time: 0,
    removal_event_id: '',
    visibility_action: '',
    visibility_time: 0,
    visibility_event_id: '',
    spam_action: '',
    spam_time: 0,
    spam_event_id: '',
    first_moderation_time: null,
    sentiment_label: '',
    sentiment_score: null,
    sentiment_confidence: null,
    intent: '',
    needs_reply: 0,
    human_override: 0,
    counted: 0,
  };
}

/** True when a post (time, id) would replace the current post register: the earliest post of a message id counts. */
export function isEarlierPost(
  s: Pick<MessageFacts, 'posted' | 'posted_time' | 'posted_event_id'>,
  time: number,
  id: string,
): boolean {
  return !s.posted || isLater(s.posted_time, 0, s.posted_event_id, time, 0, id);
}

/**
 * needs_reply of an intent set by a human relabel, through the brand's needs_reply_intents
 * (metrics.md, "Relabels"). The enricher stamps it on the relabel event; this is what it uses.
 */
export function relabelNeedsReply(intent: string, needsReplyIntents: ReadonlySet<string>): boolean {
  return needsReplyIntents.has(intent);
}

/** The classifier's defaults (metrics.md, "Intent"): for relabels that carry no stamped decision. */
function defaultNeedsReply(intent: string): boolean {
  return DEFAULT_NEEDS_REPLY[intent as Intent] ?? false;
}

/** Folds one event of the message into `s` (in place) and re-derives the effective values. */
export function applyMessageEvent<S extends MessageFacts>(s: S, e: MessageEvent): S {
  applyToRegisters(s, e);
  return deriveMessage(s);
}

/** Folds a whole set of events (any order, duplicates allowed); derives once at the end. */
export function foldMessage(events: Iterable<MessageEvent>, into: MessageFacts = emptyMessageFacts()): MessageFacts {
  for (const e of events) applyToRegisters(into, e);
  return deriveMessage(into);
}

/** The latest text version wins: (event_time, post before edit, event_id). */
function setText(s: MessageFacts, e: MessageEvent, rank: number): void {
  const currentRank =
    s.text_event_id !== '' && s.text_event_id === s.posted_event_id ? TEXT_RANK.posted : TEXT_RANK.edited;
  if (s.text_event_id !== '' && !isLater(e.event_time, rank, e.event_id, s.text_time, currentRank, s.text_event_id))
    return;
  const a = e.analysis;
  s.text = e.text;
  s.text_time = e.event_time;
  s.text_event_id = e.event_id;
  s.language = a?.language ?? 'und';
  s.language_supported = a?.language_supported ? 1 : 0;
  s.model_sentiment_score = a?.sentiment_score ?? null;
  s.model_sentiment_label = a?.sentiment_label ?? '';
  s.model_sentiment_confidence = a?.sentiment_confidence ?? null;
  s.model_intent = a?.intent ?? '';
  s.model_needs_reply = a ? (a.needs_reply ? 1 : 0) : UNANALYSED_NEEDS_REPLY;
  s.model_version = a?.model_version ?? '';
}

/** The registers only (no derivation): the commutative, idempotent part of the fold. */
function applyToRegisters(s: MessageFacts, e: MessageEvent): void {
  const t = e.event_time;
  const id = e.event_id;
  switch (e.kind) {
    case 'posted': {
      // The text's rank is read before the post register moves (a post replacing an edit's text compares as it was).
      const current = s.text_event_id;
      const currentRank = current !== '' && current === s.posted_event_id ? TEXT_RANK.posted : TEXT_RANK.edited;
      if (isEarlierPost(s, t, id)) {
        s.posted = 1;
        s.posted_time = t;
        s.posted_event_id = id;
        s.author_role = e.author_role;
      }
      if (current === '' || isLater(t, TEXT_RANK.posted, id, s.text_time, currentRank, current)) {
        s.text_event_id = '';
        setText(s, e, TEXT_RANK.posted);
      }
      break;
    }
    case 'edited':
      setText(s, e, TEXT_RANK.edited);
      break;
    case 'deleted':
      s.author_deleted = 1;
      break;
    case 'moderation': {
      const action = e.action;
      if (action !== 'relabel' && (s.first_moderation_time === null || t < s.first_moderation_time))
        s.first_moderation_time = t;
      if (action === 'delete' || action === 'restore') {
        if (isLater(t, 0, id, s.removal_time, 0, s.removal_event_id)) {
          s.removal_action = action;
          s.removal_time = t;
          s.removal_event_id = id;
        }
      } else if (action === 'hide' || action === 'unhide') {
        if (isLater(t, 0, id, s.visibility_time, 0, s.visibility_event_id)) {
          s.visibility_action = action;
          s.visibility_time = t;
          s.visibility_event_id = id;
        }
      } else if (action === 'mark_spam' || action === 'approve') {
        if (isLater(t, 0, id, s.spam_time, 0, s.spam_event_id)) {
          s.spam_action = action;
          s.spam_time = t;
          s.spam_event_id = id;
        }
      } else if (action === 'relabel') {
        if (
          e.relabel_sentiment &&
          relabelScore(e.relabel_sentiment) !== null &&
          isLater(t, 0, id, s.relabel_sentiment_time, 0, s.relabel_sentiment_event_id)
        ) {
          s.relabel_sentiment = e.relabel_sentiment;
          s.relabel_sentiment_time = t;
          s.relabel_sentiment_event_id = id;
        }
        if (e.relabel_intent && isLater(t, 0, id, s.relabel_intent_time, 0, s.relabel_intent_event_id)) {
          s.relabel_intent = e.relabel_intent;
          s.relabel_intent_time = t;
          s.relabel_intent_event_id = id;
          // The enricher's stamp (brand's needs_reply_intents) when it is for this intent; else the defaults.
          const a = e.analysis;
          s.relabel_needs_reply = (
            a && a.intent === e.relabel_intent ? a.needs_reply : defaultNeedsReply(e.relabel_intent)
          )
            ? 1
            : 0;
        }
      }
      break;
    }
  }
}

/** Recomputes the effective values from the registers (in place). */
export function deriveMessage<S extends MessageFacts>(s: S): S {
  if (s.relabel_sentiment) {
    s.sentiment_label = s.relabel_sentiment;
    s.sentiment_score = relabelScore(s.relabel_sentiment);
    s.sentiment_confidence = 1;
  } else {
    s.sentiment_label = s.model_sentiment_label;
    s.sentiment_score = s.model_sentiment_score;
    s.sentiment_confidence = s.model_sentiment_confidence;
  }
  // Brand and system messages have no intent and never need a reply: a reply is the answer, not a
  // request (metrics.md, "Relabels"); their edits are classified like any text, so this is decided here.
  const customer = s.author_role === 'customer';
  s.intent = customer ? s.relabel_intent || s.model_intent : '';
  s.needs_reply = customer ? (s.relabel_intent ? s.relabel_needs_reply : s.model_needs_reply) : 0;
  s.human_override = s.relabel_sentiment || s.relabel_intent ? 1 : 0;
  // Counted in sentiment: posted, not deleted (by author or moderator), not spam. Hidden messages
  // still count: hiding is a moderation choice, not a change in what the customer felt.
  s.counted = s.posted === 1 && !isDeleted(s) && !isSpam(s) ? 1 : 0;
  return s;
}

/** Deleted by its author (final) or by a moderator (until restored). */
export function isDeleted(s: Pick<MessageFacts, 'author_deleted' | 'removal_action'>): boolean {
  return s.author_deleted === 1 || s.removal_action === 'delete';
}

export function isHidden(s: Pick<MessageFacts, 'visibility_action'>): boolean {
  return s.visibility_action === 'hide';
}

export function isSpam(s: Pick<MessageFacts, 'spam_action'>): boolean {
  return s.spam_action === 'mark_spam';
}
