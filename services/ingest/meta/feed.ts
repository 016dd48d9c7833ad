import type { CanonicalEvent } from '../canonical.ts';
import { metaEventId, metaTime, obj, platformText, str, type Json, type MetaContext } from './common.ts';

/**
 * Facebook Page `feed` changes with item `comment` (Graph API webhooks reference, Page topic, field
 * `feed`):
 *   {"field":"feed","value":{"from":{"id","name"},"post_id":"PAGE_POST","comment_id":"POST_COMMENT",
 *    "parent_id":POST_OR_COMMENT_ID,"created_time":s,"item":"comment","verb":"add|edited|remove|hide|unhide",
 *    "message":"..."}}
 * `created_time` is the comment's creation time, also on edits and removals; the entry's `time` is
 * when Meta sent the notification. So a comment is dated at created_time, and everything that
 * happens to it later (edit, removal, hide) at the notification time.
 */
export interface FeedCtx extends MetaContext {
  brand: string;
  pageId: string;
  /** entry.time, in ms. */
  notifiedAt: number;
}

export function mapFeedChange(v: Json, ctx: FeedCtx): CanonicalEvent | string {
  if (v.item !== 'comment') return `feed item "${str(v.item) ?? ''}" is not a comment`;
  const commentId = str(v.comment_id);
  const postId = str(v.post_id);
  const fromId = str(obj(v.from)?.id);
  const verb = str(v.verb);
  if (!commentId || !postId) return 'feed comment without comment_id or post_id';
  const parentId = str(v.parent_id);
  const isReply = parentId !== undefined && parentId !== postId;
  const threadId = ctx.threads.resolve(commentId, parentId, postId);
  const base = {
    brand: ctx.brand,
    platform: 'facebook',
    account_id: ctx.pageId,
    post_id: postId,
    thread_id: threadId,
    source: 'meta-webhook',
  };
  const byPage = fromId === ctx.pageId;
  switch (verb) {
    case 'add': {
      if (!fromId) return 'comment without from.id';
      const time = metaTime(v.created_time, 's', ctx.notifiedAt, 'created_time');
      if ('reason' in time) return time.reason;
      return {
        type: 'message_posted',
        ...base,
        event_id: metaEventId('facebook', ctx.pageId, 'posted', commentId),
        event_time: time.ms,
        message_id: commentId,
        parent_id: isReply ? parentId : null,
        kind: isReply ? 'reply' : 'comment',
        author_platform_id: fromId,
        author_role: byPage ? 'brand' : 'customer',
        text: platformText(v.message),
      };
    }
    // "edit" is what Meta sends for some edits of visitor content; "edited" for comments.
    case 'edited':
    case 'edit': {
      if (!fromId) return 'comment edit without from.id';
      const text = platformText(v.message);
      return {
        type: 'message_edited',
        ...base,
        // Each edit is its own event: the notification time and the new text identify it.
        event_id: metaEventId('facebook', ctx.pageId, 'edited', commentId, ctx.notifiedAt, text),
        event_time: ctx.notifiedAt,
        message_id: commentId,
        author_platform_id: fromId,
        text,
      };
    }
    case 'remove':
    case 'delete': {
      if (!fromId) return 'comment removal without from.id: cannot tell the author from the Page';
      const id = metaEventId('facebook', ctx.pageId, 'removed', commentId);
      // The Page removing a comment is moderation by the brand; the author removing it is a delete.
      if (byPage) {
        return {
          type: 'moderation_action',
          ...base,
          event_id: id,
          event_time: ctx.notifiedAt,
          action: 'delete',
          actor_id: ctx.pageId,
          actor_role: 'brand',
          target_message_id: commentId,
        };
      }
      return {
        type: 'message_deleted',
        ...base,
        event_id: id,
        event_time: ctx.notifiedAt,
        message_id: commentId,
        author_platform_id: fromId,
      };
    }
    case 'hide':
    case 'unhide':
      // Only the Page hides and unhides; Meta does not say which admin did it.
      return {
        type: 'moderation_action',
        ...base,
        event_id: metaEventId('facebook', ctx.pageId, verb, commentId, ctx.notifiedAt),
        event_time: ctx.notifiedAt,
        action: verb,
        actor_id: ctx.pageId,
        actor_role: 'brand',
        target_message_id: commentId,
        target_author_platform_id: fromId && !byPage ? fromId : null,
      };
    default:
      return `feed comment verb "${verb ?? ''}" is not mapped`;
  }
}
