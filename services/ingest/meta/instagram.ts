import type { CanonicalEvent } from '../canonical.ts';
import { metaEventId, obj, platformText, str, type Json } from './common.ts';

/**
 * Instagram `comments` and `live_comments` changes (Instagram webhooks reference):
 *   {"field":"comments","value":{"id":COMMENT_ID,"from":{"id":IGSID,"username"},"text":"...",
 *    "media":{"id","media_product_type"},"parent_id":COMMENT_ID?}}
 * The value carries no time: the comment is dated at the entry's `time` (when Meta sent it, seconds
 * after the comment). Meta sends these for new comments only: Instagram comments cannot be edited,
 * and no notification exists for a deleted or hidden comment, so there is nothing else to map.
 * Instagram nests one level: a reply's parent_id is the top-level comment, which is the thread.
 */
export interface InstagramCtx {
  brand: string;
  accountId: string;
  notifiedAt: number;
}

export function mapInstagramComment(v: Json, ctx: InstagramCtx): CanonicalEvent | string {
  const commentId = str(v.id);
  const fromId = str(obj(v.from)?.id);
  const media = obj(v.media);
  if (!commentId || !fromId) return 'instagram comment without id or from.id';
  const parentId = str(v.parent_id);
  const productType = str(media?.media_product_type);
  return {
    type: 'message_posted',
    event_id: metaEventId('instagram', ctx.accountId, 'posted', commentId),
    event_time: ctx.notifiedAt,
    brand: ctx.brand,
    platform: 'instagram',
    account_id: ctx.accountId,
    post_id: str(media?.id) ?? null,
    thread_id: parentId ?? commentId,
    source: 'meta-webhook',
    message_id: commentId,
    parent_id: parentId ?? null,
    kind: parentId ? 'reply' : 'comment',
    author_platform_id: fromId,
    author_role: fromId === ctx.accountId ? 'brand' : 'customer',
    text: platformText(v.text),
    metadata: productType ? { media_product_type: productType.slice(0, 64) } : null,
  };
}
