import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { parseEventTime, wellFormedText } from '../../shared/limits.ts';
import type { CanonicalEvent } from '../canonical.ts';
import type { Pseudonymizer } from '../pseudonym.ts';

/** What every Meta adapter (Facebook feed, Instagram, Messenger/Instagram Direct, WhatsApp) shares. */

export type Json = Record<string, unknown>;

export interface Ignored {
  entry: number;
  /** Index in the entry's changes (or messaging events); -1 for the entry itself. */
  change: number;
  reason: string;
}

export interface MappedNotification {
  events: CanonicalEvent[];
  ignored: Ignored[];
}

export interface MetaContext {
  /** Facebook Page id, Instagram account id, WhatsApp phone number id or WABA id → brand (META_ACCOUNTS). */
  accounts: ReadonlyMap<string, string>;
  /**
   * Private conversations are keyed by the customer's id (PSID, IGSID, phone number), which must not
   * reach Kafka: thread ids and WhatsApp message ids (which embed the phone number) are pseudonymized
   * with the same keyed hash as authors.
   */
  pseudonymize: Pseudonymizer;
  /** Which Facebook comment thread a comment belongs to (for replies to replies). */
  threads: CommentThreads;
  /** When the notification arrived: the event time of last resort. */
  receivedAt: number;
}

export const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
export const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Platform text: lone surrogates repaired, NULs dropped (Meta cannot be asked to resend it). */
export const platformText = (v: unknown): string => wellFormedText(typeof v === 'string' ? v : '');

/**
 * A Meta time (seconds or milliseconds, by field) in epoch ms, or why not. A missing time falls back
 * to `fallback`; a present but unreadable one is refused (it would otherwise be silently "now").
 */
export function metaTime(
  value: unknown,
  unit: 'ms' | 's',
  fallback: number,
  field: string,
): { ms: number } | { reason: string } {
  if (value === undefined || value === null) return { ms: fallback };
  const parsed = parseEventTime(value, unit);
  return parsed.ok ? { ms: parsed.ms } : { reason: `${field}: ${parsed.reason}` };
}

/**
 * An event id from what identifies the platform's own event (comment id and verb, message id and
 * edit number...), not from the thread: a redelivered notification gets the same id, two edits get
 * two ids, and the id does not depend on how the thread was resolved.
 */
export function metaEventId(...parts: Array<string | number>): string {
  return createHash('sha256')
    .update(JSON.stringify(['meta', ...parts]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * Facebook threads replies: a reply's parent_id is the comment it answers, which can itself be a
 * reply, and the notification does not name the top-level comment. This remembers, for the comments
 * this process has mapped, which thread each belongs to, so that a reply to a reply joins the
 * top-level comment's thread. It is bounded (LRU) and in memory: after a restart, or on another
 * replica, a reply to a reply whose parent was not seen here is filed under its parent's id as the
 * thread (documented in docs/ingest.md).
 */
export class CommentThreads {
  private readonly threadOf: LRUCache<string, string>;

  constructor(max = 200_000) {
    this.threadOf = new LRUCache({ max });
  }

  /** The thread of a comment whose parent is `parentId` (the post itself for a top-level comment). */
  resolve(commentId: string, parentId: string | undefined, postId: string): string {
    const known = this.threadOf.get(commentId);
    if (known) return known;
    const thread = !parentId || parentId === postId ? commentId : (this.threadOf.get(parentId) ?? parentId);
    this.threadOf.set(commentId, thread);
    return thread;
  }
}
