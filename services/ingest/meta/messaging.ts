import type { CanonicalEvent } from '../canonical.ts';
import { metaEventId, metaTime, obj, platformText, str, type Json, type MetaContext } from './common.ts';

/**
 * Messenger (object `page`) and Instagram Direct (object `instagram`) `messaging` events (Messenger
 * Platform webhook events reference; Instagram Messaging webhooks). Each entry carries
 * `messaging` (and `standby`, the same events while another app controls the conversation):
 *   message:        {"sender":{"id":PSID},"recipient":{"id":PAGE_ID},"timestamp":ms,
 *                    "message":{"mid","text","attachments":[...],"reply_to":{"mid"}}}
 *   message echo:   the same with sender = the Page, recipient = the PSID and "is_echo":true
 *                   (field message_echoes on Messenger; part of `messages` on Instagram)
 *   message edit:   {"sender":{"id":PSID},...,"timestamp":ms,"message_edit":{"mid","text","num_edit"}}
 *   message unsend: {"sender":...,"timestamp":ms,"message":{"mid","is_deleted":true}} (Instagram;
 *                   Meta documents is_deleted as the string "true", both are accepted)
 *   read / delivery / reaction / postback / optin / referral: not conversation events, ignored.
 * `timestamp` (milliseconds) is when the platform says it happened: the message was sent, edited
 * or unsent; it is the event time. One conversation (the customer's id with the Page or Instagram
 * account) is one thread.
 */
export interface MessagingCtx extends MetaContext {
  brand: string;
  accountId: string;
  platform: 'messenger' | 'instagram_dm';
  /** entry.time, in ms (messaging entries give milliseconds). */
  notifiedAt: number;
}

const IGNORED_KINDS = [
  'read',
  'delivery',
  'reaction',
  'postback',
  'optin',
  'referral',
  'account_linking',
  'policy_enforcement',
  'pass_thread_control',
  'take_thread_control',
];

export function mapMessagingEvent(m: Json, ctx: MessagingCtx): CanonicalEvent | string {
  const senderId = str(obj(m.sender)?.id);
  const recipientId = str(obj(m.recipient)?.id);
  const message = obj(m.message);
  const edit = obj(m.message_edit);
  if (!message && !edit) {
    const kind =
      IGNORED_KINDS.find((k) => k in m) ??
      Object.keys(m)
        .filter((k) => !['sender', 'recipient', 'timestamp'].includes(k))
        .join(',');
    return `messaging "${kind}" is not a message: reads, deliveries, reactions and postbacks are not mapped`;
  }
  const time = metaTime(m.timestamp, 'ms', ctx.notifiedAt, 'timestamp');
  if ('reason' in time) return time.reason;
  const echo = message?.is_echo === true || message?.is_echo === 'true';
  const customerId = echo ? recipientId : senderId;
  if (!customerId) return `messaging event without ${echo ? 'recipient' : 'sender'}.id`;
  const base = {
    brand: ctx.brand,
    platform: ctx.platform,
    account_id: ctx.accountId,
    post_id: null,
    // One thread per conversation; the customer's id is pseudonymized before it becomes the key.
    thread_id: `${ctx.platform}:${ctx.accountId}:${ctx.pseudonymize(ctx.platform, customerId)}`,
    source: 'meta-webhook',
    event_time: time.ms,
  };
  const author = echo ? ctx.accountId : customerId;
  if (edit) {
    const mid = str(edit.mid);
    if (!mid) return 'message_edit without mid';
    const text = platformText(edit.text);
    return {
      type: 'message_edited',
      ...base,
      // num_edit counts the edits of one message: with the mid it names this edit.
      event_id: metaEventId(ctx.platform, ctx.accountId, 'edited', mid, str(edit.num_edit) ?? time.ms, text),
      message_id: mid,
      author_platform_id: author,
      text,
    };
  }
  const mid = str(message!.mid);
  if (!mid) return 'message without mid';
  if (message!.is_deleted === true || message!.is_deleted === 'true') {
    return {
      type: 'message_deleted',
      ...base,
      event_id: metaEventId(ctx.platform, ctx.accountId, 'deleted', mid),
      message_id: mid,
      author_platform_id: author,
    };
  }
  const attachments = Array.isArray(message!.attachments)
    ? (message!.attachments as unknown[]).map((a) => str(obj(a)?.type) ?? 'unknown')
    : [];
  const metadata: Record<string, string> = {};
  if (attachments.length > 0) metadata.attachments = attachments.join(',').slice(0, 1024);
  const appId = str(message!.app_id);
  if (echo && appId) metadata.meta_app_id = appId.slice(0, 64);
  return {
    type: 'message_posted',
    ...base,
    event_id: metaEventId(ctx.platform, ctx.accountId, 'posted', mid),
    message_id: mid,
    parent_id: str(obj(message!.reply_to)?.mid) ?? null,
    kind: 'private_message',
    author_platform_id: author,
    author_role: echo ? 'brand' : 'customer',
    text: platformText(message!.text),
    metadata: Object.keys(metadata).length > 0 ? metadata : null,
  };
}
