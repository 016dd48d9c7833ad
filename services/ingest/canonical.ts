import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MODERATION_ACTIONS, wrapPayload, type ConversationEvent, type Payload } from '../shared/events.ts';
import {
  DEFAULT_TIME_WINDOW,
  MAX_BRAND_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_LANGUAGE_HINT_LENGTH,
  MAX_PLATFORM_LENGTH,
  MAX_PRIORITY_LENGTH,
  MAX_REASON_BYTES,
  MAX_SOURCE_LENGTH,
  MAX_TEXT_BYTES,
  MAX_URL_BYTES,
  parseEventTime,
  type TimeWindow,
} from '../shared/limits.ts';
import { boundsIssues, eventTimeField, idField, metadataField, textField } from './fields.ts';
import type { Pseudonymizer } from './pseudonym.ts';

/**
 * The public JSON shape of a conversation event: what clients (the simulator, importers, partner
 * integrations) POST to /v1/events. It is the Avro contract (schemas/conversation-event) flattened —
 * `type` selects the payload, payload fields sit next to the envelope fields — with two differences:
 * - authors are given as raw platform ids (`author_platform_id`, `target_author_platform_id`); the
 *   service replaces them with keyed hashes so the raw id never reaches Kafka;
 * - `event_time` may be ISO-8601 with an offset or epoch milliseconds, and `event_id` is optional
 *   (when absent it is derived from the source ids, so a retried post gets the same id).
 * Bounds (sizes, the time window) are in services/shared/limits.ts and docs/ingest.md.
 * Objects are strict: an unknown field is an error, so a typo never silently drops data.
 */

const authorRole = z.enum(['customer', 'brand', 'system']);
const label = (max: number, pattern: RegExp, message: string) => z.string().max(max).regex(pattern, message);

/**
 * The schema of one canonical event. Every string and map is bounded (services/shared/limits.ts),
 * so an accepted event always fits in a Kafka record and in every ClickHouse column: zod checks
 * shapes and character counts, boundsIssues() (fields.ts) bytes, characters and the time window.
 */
function buildCanonicalSchema() {
  const id = idField();
  const optionalId = id.nullish();
  const text = textField(MAX_TEXT_BYTES);
  const languageHint = z
    .string()
    .max(MAX_LANGUAGE_HINT_LENGTH)
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'ISO 639-1 code such as "en" or "pt-BR"')
    .nullish();
  const envelope = {
    event_id: optionalId,
    event_time: eventTimeField(),
    brand: label(MAX_BRAND_LENGTH, /^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-" (1-64)'),
    // An open set: any lower-case name, so that a new platform needs no schema change.
    platform: label(MAX_PLATFORM_LENGTH, /^[a-z0-9._-]{1,40}$/, 'lower-case letters, digits, ".", "_" or "-" (1-40)'),
    account_id: id,
    post_id: optionalId,
    thread_id: id,
    source: label(
      MAX_SOURCE_LENGTH,
      /^[a-z0-9._-]{1,40}$/,
      'lower-case letters, digits, ".", "_" or "-" (1-40)',
    ).nullish(),
    metadata: metadataField().nullish(),
  };

  const messagePosted = z.strictObject({
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
    // Links are shown in reports and dashboards: web links only (no javascript: or data: URLs).
    url: z
      .url({ protocol: /^https?$/ })
      .max(MAX_URL_BYTES)
      .nullish(),
    priority: label(MAX_PRIORITY_LENGTH, /^[A-Za-z0-9._-]{1,40}$/, 'letters, digits, ".", "_" or "-" (1-40)').nullish(),
  });

  const messageEdited = z.strictObject({
    type: z.literal('message_edited'),
    ...envelope,
    message_id: id,
    author_platform_id: id,
    text,
    language_hint: languageHint,
  });

  const messageDeleted = z.strictObject({
    type: z.literal('message_deleted'),
    ...envelope,
    message_id: id,
    author_platform_id: id,
  });

  const moderationAction = z.strictObject({
    type: z.literal('moderation_action'),
    ...envelope,
    action: z.enum(MODERATION_ACTIONS),
    actor_id: id,
    actor_role: authorRole.nullish(),
    target_message_id: optionalId,
    target_author_platform_id: optionalId,
    reason: textField(MAX_REASON_BYTES).nullish(),
    assignee_id: optionalId,
    relabel_sentiment: z.enum(['negative', 'neutral', 'positive']).nullish(),
    relabel_intent: label(
      MAX_LABEL_LENGTH,
      /^[a-z0-9_-]{1,64}$/,
      'lower-case letters, digits, "_" or "-" (1-64)',
    ).nullish(),
  });

  return z.discriminatedUnion('type', [messagePosted, messageEdited, messageDeleted, moderationAction]);
}

export const canonicalEventSchema = buildCanonicalSchema();

/** What a client sends. */
export type CanonicalEvent = z.infer<typeof canonicalEventSchema>;
export type CanonicalEventType = CanonicalEvent['type'];

/** Epoch ms of a validated event time (the same parser that validated it). */
export function eventTimeMs(value: CanonicalEvent['event_time']): number {
  const parsed = parseEventTime(value, 'ms');
  if (!parsed.ok) throw new RangeError(`event_time was not validated: ${parsed.reason}`);
  return parsed.ms;
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
  const parts = [
    event.brand,
    event.platform,
    event.account_id,
    event.thread_id,
    event.type,
    ...subject,
    eventTimeMs(event.event_time),
  ];
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
        value: {
          message_id: event.message_id,
          author_id: pseudo(event.author_platform_id),
          text: event.text,
          language_hint: event.language_hint ?? null,
        },
      };
      break;
    case 'message_deleted':
      payload = {
        type: 'message_deleted',
        value: { message_id: event.message_id, author_id: pseudo(event.author_platform_id) },
      };
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

/**
 * Validates one event, naming every failing field (not only the first): zod's issues, then the
 * bounds (bytes, characters, the event-time window read from `window` now) of fields zod passed.
 */
export function validateEvent(input: unknown, index = 0, window: TimeWindow = DEFAULT_TIME_WINDOW): Validated {
  const result = canonicalEventSchema.safeParse(input);
  const bounds = boundsIssues(input, window);
  if (result.success && bounds.length === 0) return { ok: true, event: result.data };
  const issues = result.success ? [] : flattenIssues(result.error.issues, index);
  for (const b of bounds) issues.push({ index, ...b });
  return { ok: false, issues: onePerField(issues) };
}

/** Issues listed per event at most: a map of 100 000 bad entries must not make a 10 MB answer. */
export const MAX_ISSUES_PER_EVENT = 50;
const MAX_SHOWN_PATH = 80;

/** One issue per field (its messages joined), at most MAX_ISSUES_PER_EVENT plus a count of the rest. */
function onePerField(issues: FieldIssue[]): FieldIssue[] {
  const byPath = new Map<string, FieldIssue>();
  for (const raw of issues) {
    // A path holds map keys, which can be long: the answer names them, it does not echo them.
    const issue = raw.path.length > MAX_SHOWN_PATH ? { ...raw, path: `${raw.path.slice(0, MAX_SHOWN_PATH)}…` } : raw;
    const seen = byPath.get(issue.path);
    if (!seen) byPath.set(issue.path, { ...issue });
    else if (!seen.message.includes(issue.message)) seen.message = `${seen.message}; ${issue.message}`;
  }
  const out = [...byPath.values()];
  if (out.length <= MAX_ISSUES_PER_EVENT) return out;
  const index = out[0]!.index;
  return [
    ...out.slice(0, MAX_ISSUES_PER_EVENT),
    { index, path: '', message: `${out.length - MAX_ISSUES_PER_EVENT} more field(s) with issues not listed` },
  ];
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
