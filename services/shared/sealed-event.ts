import { seal, type AuthorKeyStore, type DataKey } from './author-keys.ts';
import { payloadOf, wrapPayload, type ConversationEvent, type EnrichedEvent, type Payload } from './events.ts';

/**
 * Which fields of an event belong to its author and are sealed with the author's data key: the
 * texts, the url (it can name the person) and the author's pseudonym itself (a keyed hash of a raw
 * id is still personal data). The author of a moderation action's fields is its target. Ids of the
 * brand's own staff (actor_id, agent_id, assignee_id) and message/thread ids stay clear; a moderator's
 * reason goes with the target's key (it may quote the target).
 */
export function authorOf(event: ConversationEvent): string | null {
  const p = payloadOf(event);
  if (p.type === 'moderation_action') return p.value.target_author_id;
  return p.value.author_id || null;
}

/** What the erased author's events carry instead of their texts and identifiers. */
export const ERASED_TEXT = '';
export const ERASED_AUTHOR = '';

/**
 * Seals the author's fields with `key`; with key null (the author is erased) blanks them instead,
 * so the erased author's later events are stored without text and identifier, like the earlier ones.
 */
export function sealEvent(
  event: ConversationEvent,
  key: DataKey | null,
  /** The author's id already sealed under `key` for this brand (the same bytes may stand in every event). */
  sealedAuthor?: { plain: string; sealed: string },
): ConversationEvent {
  const s = (v: string) => (key ? seal(v, key, event.brand) : ERASED_TEXT);
  const author = (v: string) =>
    key ? (sealedAuthor?.plain === v ? sealedAuthor.sealed : seal(v, key, event.brand)) : ERASED_AUTHOR;
  return withPayload(event, mapAuthorFields(payloadOf(event), s, author));
}

/**
 * Opens the author's fields with the key store; fields whose key is gone (erased) come out blank
 * (text '', url null, author ''). Values that were never sealed (records older than sealing) pass
 * through unchanged. The event's counts do not change: the message still counts, its text gone.
 */
export function openEvent(event: ConversationEvent, keys: AuthorKeyStore): ConversationEvent {
  const text = (v: string) => keys.open(v, event.brand) ?? ERASED_TEXT;
  const author = (v: string) => keys.open(v, event.brand) ?? ERASED_AUTHOR;
  return withPayload(event, mapAuthorFields(payloadOf(event), text, author));
}

/** Opens only the texts (what the models read): cheaper than openEvent where ids are not needed. */
export function openTexts(event: ConversationEvent, keys: AuthorKeyStore): ConversationEvent {
  const p = payloadOf(event);
  if (p.type !== 'message_posted' && p.type !== 'message_edited') return event;
  return withPayload(event, {
    ...p,
    value: { ...p.value, text: keys.open(p.value.text, event.brand) ?? ERASED_TEXT },
  } as Payload);
}

export function openEnriched(e: EnrichedEvent, keys: AuthorKeyStore): EnrichedEvent {
  return { ...e, event: openEvent(e.event, keys) };
}

function mapAuthorFields(p: Payload, text: (v: string) => string, author: (v: string) => string): Payload {
  switch (p.type) {
    case 'message_posted': {
      const v = p.value;
      const url = v.url === null ? null : text(v.url);
      return {
        type: p.type,
        value: { ...v, author_id: author(v.author_id), text: text(v.text), url: url === '' ? null : url },
      };
    }
    case 'message_edited':
      return { type: p.type, value: { ...p.value, author_id: author(p.value.author_id), text: text(p.value.text) } };
    case 'message_deleted':
      return { type: p.type, value: { ...p.value, author_id: author(p.value.author_id) } };
    case 'moderation_action': {
      const target = p.value.target_author_id;
      if (target === null) return p;
      const opened = author(target);
      // The moderator's reason about a person's message may quote it: it goes with that person's key.
      const reason = p.value.reason === null ? null : text(p.value.reason);
      return {
        type: p.type,
        value: { ...p.value, target_author_id: opened === '' ? null : opened, reason: reason === '' ? null : reason },
      };
    }
  }
}

function withPayload(event: ConversationEvent, p: Payload): ConversationEvent {
  return { ...event, payload: wrapPayload(p) };
}
