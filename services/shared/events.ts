/**
 * TypeScript shapes of the Avro event contract (schemas/), as avsc decodes them: the payload union
 * is wrapped in an object keyed by the record's full name, timestamps are epoch milliseconds.
 * `payloadOf` / `wrapPayload` convert to and from a discriminated union that code can switch on.
 */
export const EVENTS_NAMESPACE = 'dev.brandpulse.events';

export type AuthorRole = 'customer' | 'brand' | 'system';
export type MessageKind = 'comment' | 'reply' | 'private_message';
export const MODERATION_ACTIONS = [
  'hide',
  'unhide',
  'delete',
  'restore',
  'ban_author',
  'unban_author',
  'mark_spam',
  'approve',
  'escalate',
  'assign',
  'resolve_thread',
  'reopen_thread',
  'relabel',
] as const;
export type ModerationKind = (typeof MODERATION_ACTIONS)[number];

export interface MessagePosted {
  message_id: string;
  parent_id: string | null;
  kind: MessageKind;
  author_id: string;
  author_role: AuthorRole;
  agent_id: string | null;
  text: string;
  language_hint: string | null;
  url: string | null;
  priority: string | null;
}

export interface MessageEdited {
  message_id: string;
  author_id: string;
  text: string;
  language_hint: string | null;
}

export interface MessageDeleted {
  message_id: string;
  author_id: string;
}

export interface ModerationAction {
  action: ModerationKind;
  actor_id: string;
  actor_role: AuthorRole;
  target_message_id: string | null;
  target_author_id: string | null;
  reason: string | null;
  assignee_id: string | null;
  relabel_sentiment: string | null;
  relabel_intent: string | null;
}

export type WrappedPayload =
  | { 'dev.brandpulse.events.MessagePosted': MessagePosted }
  | { 'dev.brandpulse.events.MessageEdited': MessageEdited }
  | { 'dev.brandpulse.events.MessageDeleted': MessageDeleted }
  | { 'dev.brandpulse.events.ModerationAction': ModerationAction };

export interface ConversationEvent {
  event_id: string;
  event_time: number;
  ingest_time: number;
  brand: string;
  platform: string;
  account_id: string;
  post_id: string | null;
  thread_id: string;
  source: string;
  payload: WrappedPayload;
  metadata: Record<string, string>;
}

export type Payload =
  | { type: 'message_posted'; value: MessagePosted }
  | { type: 'message_edited'; value: MessageEdited }
  | { type: 'message_deleted'; value: MessageDeleted }
  | { type: 'moderation_action'; value: ModerationAction };

export type PayloadType = Payload['type'];

const RECORD_BY_TYPE = {
  message_posted: `${EVENTS_NAMESPACE}.MessagePosted`,
  message_edited: `${EVENTS_NAMESPACE}.MessageEdited`,
  message_deleted: `${EVENTS_NAMESPACE}.MessageDeleted`,
  moderation_action: `${EVENTS_NAMESPACE}.ModerationAction`,
} as const satisfies Record<PayloadType, string>;

const TYPE_BY_RECORD = new Map<string, PayloadType>(
  Object.entries(RECORD_BY_TYPE).map(([t, r]) => [r, t as PayloadType]),
);

export function payloadOf(event: Pick<ConversationEvent, 'payload'>): Payload {
  // One entry, whose key names the record its value is (the Avro union's branch).
  const entries = Object.entries(event.payload) as Array<[string, Payload['value']]>;
  const [record, value] = entries[0] ?? [];
  const type = record === undefined ? undefined : TYPE_BY_RECORD.get(record);
  if (entries.length !== 1 || !type)
    throw new Error(`event payload is not one of the known records: ${Object.keys(event.payload).join(',')}`);
  return { type, value } as Payload;
}

export function wrapPayload(payload: Payload): WrappedPayload {
  return { [RECORD_BY_TYPE[payload.type]]: payload.value } as WrappedPayload;
}

/** The message an event is about (posted/edited/deleted message, or a moderation target). */
export function messageIdOf(event: Pick<ConversationEvent, 'payload'>): string | null {
  const p = payloadOf(event);
  return p.type === 'moderation_action' ? p.value.target_message_id : p.value.message_id;
}

export interface Enrichment {
  language: string;
  language_supported: boolean;
  sentiment_score: number | null;
  sentiment_label: 'negative' | 'neutral' | 'positive' | null;
  sentiment_confidence: number | null;
  intent: string;
  needs_reply: boolean;
  model_version: string;
  human_override: boolean;
}

export interface EnrichedEvent {
  event: ConversationEvent;
  enrichment: Enrichment | null;
  enriched_time: number;
}
