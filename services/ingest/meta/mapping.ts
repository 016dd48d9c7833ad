import { wellFormedText } from '../../shared/limits.ts';
import type { CanonicalEvent } from '../canonical.ts';

/**
 * Maps Meta Graph API webhook notifications to canonical events. Shapes, from the Graph API
 * webhooks reference:
 *
 * Facebook Page, field `feed` (item `comment`):
 *   {"object":"page","entry":[{"id":PAGE_ID,"time":s,"changes":[{"field":"feed","value":{
 *     "from":{"id","name"},"post_id":"PAGE_POST","comment_id":"POST_COMMENT","parent_id":POST_OR_COMMENT_ID,
 *     "created_time":s,"item":"comment","verb":"add|edited|remove|hide|unhide","message":"..."}}]}]}
 *   A comment whose parent is the post starts a thread; a reply's parent is the top-level comment
 *   (Facebook nests one level), which is the thread.
 *
 * Instagram, field `comments` (sent for new comments only):
 *   {"object":"instagram","entry":[{"id":IG_ACCOUNT_ID,"time":s,"changes":[{"field":"comments","value":{
 *     "id":COMMENT_ID,"from":{"id":IGSID,"username"},"text":"...","media":{"id","media_product_type"},
 *     "parent_id":COMMENT_ID?}}]}]}
 *   (Business Login for Instagram may put field/value directly on the entry; both are accepted.)
 *
 * Anything else (reactions, posts, other fields, unknown accounts) is ignored with a reason.
 */
export interface MappedNotification {
  events: CanonicalEvent[];
  ignored: Array<{ entry: number; change: number; reason: string }>;
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined);
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

export function mapMetaNotification(body: unknown, accounts: ReadonlyMap<string, string>): MappedNotification {
  const out: MappedNotification = { events: [], ignored: [] };
  const root = obj(body);
  const object = str(root?.object);
  const entries = Array.isArray(root?.entry) ? (root.entry as unknown[]) : [];
  if (object !== 'page' && object !== 'instagram') {
    out.ignored.push({ entry: -1, change: -1, reason: `object "${object ?? ''}" is not page or instagram` });
    return out;
  }
  entries.forEach((rawEntry, e) => {
    const entry = obj(rawEntry);
    const accountId = str(entry?.id);
    const brand = accountId ? accounts.get(accountId) : undefined;
    const changes: unknown[] = Array.isArray(entry?.changes) ? (entry.changes as unknown[]) : entry?.field ? [entry] : [];
    if (!accountId || !brand) {
      out.ignored.push({ entry: e, change: -1, reason: `account ${accountId ?? '(missing)'} is not mapped to a brand (META_ACCOUNTS)` });
      return;
    }
    const entryTimeMs = typeof entry?.time === 'number' ? entry.time * 1000 : Date.now();
    changes.forEach((rawChange, c) => {
      const change = obj(rawChange);
      const value = obj(change?.value);
      const field = str(change?.field);
      const ctx = { brand, accountId, entryTimeMs };
      const mapped =
        object === 'page' && field === 'feed' && value
          ? mapFeedChange(value, ctx)
          : object === 'instagram' && (field === 'comments' || field === 'live_comments') && value
            ? mapInstagramComment(value, ctx)
            : `field "${field ?? ''}" of ${object} is not a comment notification`;
      if (typeof mapped === 'string') out.ignored.push({ entry: e, change: c, reason: mapped });
      else out.events.push(mapped);
    });
  });
  return out;
}

interface Ctx {
  brand: string;
  accountId: string;
  entryTimeMs: number;
}

function mapFeedChange(v: Json, ctx: Ctx): CanonicalEvent | string {
  if (v.item !== 'comment') return `feed item "${str(v.item) ?? ''}" is not a comment`;
  const commentId = str(v.comment_id);
  const postId = str(v.post_id);
  const fromId = str(obj(v.from)?.id);
  const verb = str(v.verb);
  if (!commentId || !postId) return 'feed comment without comment_id or post_id';
  const parentId = str(v.parent_id);
  const isReply = parentId !== undefined && parentId !== postId;
  const threadId = isReply ? parentId : commentId;
  const eventTime = typeof v.created_time === 'number' ? v.created_time * 1000 : ctx.entryTimeMs;
  const base = {
    event_time: eventTime,
    brand: ctx.brand,
    platform: 'facebook',
    account_id: ctx.accountId,
    post_id: postId,
    thread_id: threadId,
    source: 'meta-webhook',
  };
  const authorRole = fromId === ctx.accountId ? ('brand' as const) : ('customer' as const);
  switch (verb) {
    case 'add':
      if (!fromId) return 'comment without from.id';
      return {
        type: 'message_posted',
        ...base,
        message_id: commentId,
        parent_id: isReply ? parentId : null,
        kind: isReply ? 'reply' : 'comment',
        author_platform_id: fromId,
        author_role: authorRole,
        text: wellFormedText(str(v.message) ?? ''),
      };
    case 'edited':
      if (!fromId) return 'comment without from.id';
      return { type: 'message_edited', ...base, message_id: commentId, author_platform_id: fromId, text: str(v.message) ?? '' };
    case 'remove':
      if (!fromId) return 'comment without from.id';
      return { type: 'message_deleted', ...base, message_id: commentId, author_platform_id: fromId };
    case 'hide':
    case 'unhide':
      // The page (the brand) hides and unhides; Meta does not say which admin did it.
      return {
        type: 'moderation_action',
        ...base,
        // created_time is the comment's creation time; the action happened when Meta notified.
        event_time: ctx.entryTimeMs,
        action: verb,
        actor_id: ctx.accountId,
        actor_role: 'brand',
        target_message_id: commentId,
        target_author_platform_id: fromId ?? null,
      };
    default:
      return `feed comment verb "${verb ?? ''}" is not mapped`;
  }
}

function mapInstagramComment(v: Json, ctx: Ctx): CanonicalEvent | string {
  const commentId = str(v.id);
  const fromId = str(obj(v.from)?.id);
  const mediaId = str(obj(v.media)?.id);
  if (!commentId || !fromId) return 'instagram comment without id or from.id';
  const parentId = str(v.parent_id);
  return {
    type: 'message_posted',
    event_time: ctx.entryTimeMs,
    brand: ctx.brand,
    platform: 'instagram',
    account_id: ctx.accountId,
    post_id: mediaId ?? null,
    thread_id: parentId ?? commentId,
    source: 'meta-webhook',
    message_id: commentId,
    parent_id: parentId ?? null,
    kind: parentId ? 'reply' : 'comment',
    author_platform_id: fromId,
    author_role: fromId === ctx.accountId ? 'brand' : 'customer',
    text: wellFormedText(str(v.text) ?? ''),
    metadata: obj(v.media)?.media_product_type ? { media_product_type: String(obj(v.media)!.media_product_type) } : null,
  };
}
