import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MODERATION_ACTIONS, wrapPayload, type ConversationEvent, type Payload } from '../shared/events.ts';
import type { Pseudonymizer } from './pseudonym.ts';

/**
 * The public JSON shape of a conversation event: what clients (the simulator, importers, partner
 * integrations) POST to /v1/events. It is the Avro contract (schemas/conversation-event) flattened —
 * `type` selects the payload, payload fields sit next to the envelope fields — with two differences:
 * - authors are given as raw platform ids (`author_platform_id`, `target_author_platform_id`); the
 *   service replaces them with keyed hashes so the raw id never reaches Kafka;
 * - `event_time` may be ISO-8601 with an offset or epoch milliseconds, and `event_id` is optional
 *   (when absent it is derived from the source ids, so a retried post gets the same id).
 * Objects are strict: an unknown field is an error, so a typo never silently drops data.
 */

const id = z.string().min(1).max(256);
const optionalId = id.nullish();
// Epoch ms before 2000 is almost always epoch *seconds* sent by mistake.
const MIN_EPOCH_MS = Date.UTC(2000, 0, 1);

export const eventTimeSchema = z.union([
  z.number().int().min(MIN_EPOCH_MS, 'epoch milliseconds after 2000-01-01 (was this epoch seconds?)').max(Date.UTC(2200, 0, 1)),
  z.iso.datetime({ offset: true, message: 'ISO-8601 date-time with Z or an offset, or epoch milliseconds' }),
]);

const authorRole = z.enum(['customer', 'brand', 'system']);

const envelope = {
  event_id: z.string().min(1).max(200).nullish(),
  event_time: eventTimeSchema,
  brand: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-" (1-64)'),
  // An open set: any lower-case name, so that a new platform needs no schema change.
  platform: z.string().regex(/^[a-z0-9._-]{1,40}$/, 'lower-case letters, digits, ".", "_" or "-" (1-40)'),
  account_id: id,
  post_id: optionalId,
  thread_id: id,
  source: z.string().regex(/^[a-z0-9._-]{1,40}$/).nullish(),
  metadata: z.record(z.string().max(256), z.string().max(4096)).nullish(),
};

const text = z.string().max(100_000);
const languageHint = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, 'ISO 639-1 code such as "en" or "pt-BR"').nullish();

export const messagePostedSchema = z.strictObject({
  type: z.literal('message_posted'),
  ...envelope,
  message_id: id,
  parent_id: optionalId,
  kind: z.enum(['comment', 'reply', 'private_message']).nullish(),
  author_platform_id: id,
  author_role: authorRole.nullish(),
  agent_id: optionalId,
  text,
  language_hint: languageHint,
  url: z.url().max(2048).nullish(),
  priority: z.string().max(40).nullish(),
});

export const messageEditedSchema = z.strictObject({
  type: z.literal('message_edited'),
  ...envelope,
  message_id: id,
  author_platform_id: id,
  text,
  language_hint: languageHint,
});

export const messageDeletedSchema = z.strictObject({
  type: z.literal('message_deleted'),
  ...envelope,
  message_id: id,
  author_platform_id: id,
});

export const moderationActionSchema = z.strictObject({
  type: z.literal('moderation_action'),
  ...envelope,
  action: z.enum(MODERATION_ACTIONS),
  actor_id: id,
  actor_role: authorRole.nullish(),
  target_message_id: optionalId,
  target_author_platform_id: optionalId,
  reason: z.string().max(4096).nullish(),
  assignee_id: optionalId,
  relabel_sentiment: z.enum(['negative', 'neutral', 'positive']).nullish(),
  relabel_intent: z.string().max(64).nullish(),
});

export const canonicalEventSchema = z.discriminatedUnion('type', [
  messagePostedSchema,
  messageEditedSchema,
  messageDeletedSchema,
  moderationActionSchema,
]);

/** What a client sends. */
export type CanonicalEvent = z.infer<typeof canonicalEventSchema>;
export type CanonicalEventType = CanonicalEvent['type'];

export function eventTimeMs(value: CanonicalEvent['event_time']): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

/**
 * A stable id from the source's own ids: the same event sent twice (client retry, re-import,
 * webhook redelivery) gets the same id, so consumers can drop the duplicate.
 */
export function deriveEventId(event: CanonicalEvent): string {
  const subject =
    event.type === 'moderation_action'
      ? [event.action, event.actor_id, event.target_message_id ?? '', event.target_author_platform_id ?? '']
      : [event.message_id];
  const parts = [event.brand, event.platform, event.account_id, event.thread_id, event.type, ...subject, eventTimeMs(event.event_time)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

export interface ConvertOptions {
  pseudonymize: Pseudonymizer;
  ingestTime: number;
  /** How the event reached brandpulse when the event does not say (api, meta-webhook, import). */
  defaultSource: string;
}

/** Canonical JSON → Avro record. Raw author ids are replaced by their pseudonyms here. */
export function toConversationEvent(event: CanonicalEvent, opts: ConvertOptions): ConversationEvent {
  const pseudo = (raw: string) => opts.pseudonymize(event.platform, raw);
  let payload: Payload;
  switch (event.type) {
    case 'message_posted':
      payload = {
        type: 'message_posted',
        value: {
          message_id: event.message_id,
          parent_id: event.parent_id ?? null,
          kind: event.kind ?? (event.parent_id ? 'reply' : 'comment'),
          author_id: pseudo(event.author_platform_id),
          author_role: event.author_role ?? 'customer',
          agent_id: event.agent_id ?? null,
          text: event.text,
          language_hint: event.language_hint ?? null,
          url: event.url ?? null,
          priority: event.priority ?? null,
        },
      };
      break;
    case 'message_edited':
      payload = {
        type: 'message_edited',
        value: { message_id: event.message_id, author_id: pseudo(event.author_platform_id), text: event.text, language_hint: event.language_hint ?? null },
      };
      break;
    case 'message_deleted':
      payload = { type: 'message_deleted', value: { message_id: event.message_id, author_id: pseudo(event.author_platform_id) } };
      break;
    case 'moderation_action':
      payload = {
        type: 'moderation_action',
        value: {
          action: event.action,
          actor_id: event.actor_id,
          actor_role: event.actor_role ?? 'brand',
          target_message_id: event.target_message_id ?? null,
          target_author_id: event.target_author_platform_id ? pseudo(event.target_author_platform_id) : null,
          reason: event.reason ?? null,
          assignee_id: event.assignee_id ?? null,
          relabel_sentiment: event.relabel_sentiment ?? null,
          relabel_intent: event.relabel_intent ?? null,
        },
      };
      break;
  }
  return {
    event_id: event.event_id ?? deriveEventId(event),
    event_time: eventTimeMs(event.event_time),
    ingest_time: opts.ingestTime,
    brand: event.brand,
    platform: event.platform,
    account_id: event.account_id,
    post_id: event.post_id ?? null,
    thread_id: event.thread_id,
    source: event.source ?? opts.defaultSource,
    payload: wrapPayload(payload),
    metadata: event.metadata ?? {},
  };
}

export interface FieldIssue {
  /** Position in the batch (0 for a single event). */
  index: number;
  /** Dotted path inside the event, e.g. `text` or `metadata.campaign`; empty for the event itself. */
  path: string;
  message: string;
}

export type Validated = { ok: true; event: CanonicalEvent } | { ok: false; issues: FieldIssue[] };

/** Validates one event, naming every failing field (not only the first). */
export function validateEvent(input: unknown, index = 0): Validated {
  const result = canonicalEventSchema.safeParse(input);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, issues: flattenIssues(result.error.issues, index) };
}

function flattenIssues(issues: readonly z.core.$ZodIssue[], index: number): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ index, path: [...issue.path, key].join('.'), message: 'unknown field' });
    } else {
      out.push({ index, path: issue.path.map(String).join('.'), message: issue.message });
    }
  }
  return out;
}
