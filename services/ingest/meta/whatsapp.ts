import type { CanonicalEvent } from '../canonical.ts';
import { arr, metaEventId, metaTime, obj, platformText, str, type Json, type MetaContext } from './common.ts';

/**
 * WhatsApp Business Cloud API webhooks (object `whatsapp_business_account`; WhatsApp webhooks
 * reference, fields `messages` and `smb_message_echoes`):
 *   {"object":"whatsapp_business_account","entry":[{"id":WABA_ID,"changes":[{"field":"messages","value":{
 *     "messaging_product":"whatsapp","metadata":{"display_phone_number","phone_number_id"},
 *     "contacts":[{"profile":{"name"},"wa_id"}],
 *     "messages":[{"from":USER_PHONE,"id":WAMID,"timestamp":"s","type":"text","text":{"body"},"context":{"id"}?}],
 *     "statuses":[{"id","status":"sent|delivered|read|failed","timestamp","recipient_id"}]}}]}]}
 *   smb_message_echoes (numbers onboarded from the WhatsApp Business app): value.message_echoes[] =
 *     {"from":BUSINESS_PHONE,"to":USER_PHONE,"id","timestamp","type":"text|image|...|edit|revoke",...},
 *     edit = {"original_message_id","message":{...}}, revoke = {"original_message_id"}.
 * `timestamp` (seconds, as a string) is when WhatsApp triggered the webhook for that message.
 * Customer messages and the business's own messages from the WhatsApp Business app become messages;
 * messages the business sends through the Cloud API are not echoed by Meta (only their statuses
 * are), so those replies must come from the sending tool through POST /v1/events. Statuses,
 * reactions, system and unsupported messages are ignored. A conversation (the user's phone number
 * with the business phone number id) is one thread; the phone number and WhatsApp message ids
 * (which embed it) are pseudonymized before they become keys.
 */
export interface WhatsAppCtx extends MetaContext {
  brand: string;
  /** The business phone number id: the brand's account. */
  phoneNumberId: string;
}

export interface WhatsAppMapped {
  events: CanonicalEvent[];
  ignored: string[];
}

const PLATFORM = 'whatsapp';
const IGNORED_TYPES = new Set(['reaction', 'unsupported', 'system', 'errors', 'request_welcome']);

export function mapWhatsAppChange(field: string | undefined, v: Json, ctx: WhatsAppCtx): WhatsAppMapped {
  const out: WhatsAppMapped = { events: [], ignored: [] };
  if (field === 'messages') {
    for (const raw of arr(v.messages)) {
      const r = mapCustomerMessage(obj(raw) ?? {}, ctx);
      if (typeof r === 'string') out.ignored.push(r);
      else out.events.push(r);
    }
    const statuses = arr(v.statuses).length;
    if (statuses > 0)
      out.ignored.push(`${statuses} status update(s) (sent/delivered/read/failed) are not conversation events`);
  } else if (field === 'smb_message_echoes') {
    for (const raw of arr(v.message_echoes)) {
      const r = mapBusinessEcho(obj(raw) ?? {}, ctx);
      if (typeof r === 'string') out.ignored.push(r);
      else out.events.push(r);
    }
  } else {
    out.ignored.push(`whatsapp field "${field ?? ''}" is not a message notification`);
  }
  return out;
}

/** The user's phone number as both directions write it (inbound "16505551234", echoes may say "+1 650-555-1234"). */
function phoneKey(raw: string): string {
  return /^[+\d\s().-]+$/.test(raw) ? raw.replace(/\D/g, '') : raw;
}

function base(ctx: WhatsAppCtx, userPhone: string, timeMs: number) {
  return {
    brand: ctx.brand,
    platform: PLATFORM,
    account_id: ctx.phoneNumberId,
    post_id: null,
    thread_id: `${PLATFORM}:${ctx.phoneNumberId}:${ctx.pseudonymize(PLATFORM, phoneKey(userPhone))}`,
    source: 'meta-webhook',
    event_time: timeMs,
  };
}

/** WhatsApp message ids embed the phone number: only their keyed hash is stored. */
const messageKey = (ctx: WhatsAppCtx, wamid: string) => `wamid:${ctx.pseudonymize(PLATFORM, wamid)}`;

/** The text a message carries, whatever its type (text body, media caption, button or list title). */
function textOf(m: Json): string {
  const type = str(m.type) ?? '';
  const content = obj(m[type]);
  if (type === 'text') return platformText(content?.body);
  if (type === 'button') return platformText(content?.text);
  if (type === 'interactive') return platformText(obj(content?.button_reply)?.title ?? obj(content?.list_reply)?.title);
  return platformText(content?.caption);
}

function mapCustomerMessage(m: Json, ctx: WhatsAppCtx): CanonicalEvent | string {
  const id = str(m.id);
  const from = str(m.from);
  const type = str(m.type) ?? '';
  if (!id || !from) return 'whatsapp message without id or from';
  if (IGNORED_TYPES.has(type)) return `whatsapp message type "${type}" is not mapped`;
  const time = metaTime(m.timestamp, 's', ctx.receivedAt, 'timestamp');
  if ('reason' in time) return time.reason;
  const repliedTo = str(obj(m.context)?.id);
  return {
    type: 'message_posted',
    ...base(ctx, from, time.ms),
    event_id: metaEventId(PLATFORM, ctx.phoneNumberId, 'posted', id),
    message_id: messageKey(ctx, id),
    parent_id: repliedTo ? messageKey(ctx, repliedTo) : null,
    kind: 'private_message',
    author_platform_id: phoneKey(from),
    author_role: 'customer',
    text: textOf(m),
    metadata: { whatsapp_type: type.slice(0, 64) },
  };
}

function mapBusinessEcho(m: Json, ctx: WhatsAppCtx): CanonicalEvent | string {
  const id = str(m.id);
  const to = str(m.to);
  const type = str(m.type) ?? '';
  if (!id || !to) return 'whatsapp message echo without id or to';
  const time = metaTime(m.timestamp, 's', ctx.receivedAt, 'timestamp');
  if ('reason' in time) return time.reason;
  const envelope = base(ctx, to, time.ms);
  if (type === 'revoke' || type === 'edit') {
    const content = obj(m[type]);
    const original = str(content?.original_message_id);
    if (!original) return `whatsapp ${type} echo without original_message_id`;
    if (type === 'revoke') {
      return {
        type: 'message_deleted',
        ...envelope,
        event_id: metaEventId(PLATFORM, ctx.phoneNumberId, 'deleted', original),
        message_id: messageKey(ctx, original),
        author_platform_id: ctx.phoneNumberId,
      };
    }
    return {
      type: 'message_edited',
      ...envelope,
      // The edit echo has its own message id: two edits are two events.
      event_id: metaEventId(PLATFORM, ctx.phoneNumberId, 'edited', original, id),
      message_id: messageKey(ctx, original),
      author_platform_id: ctx.phoneNumberId,
      text: textOf(obj(content?.message) ?? {}),
    };
  }
  if (IGNORED_TYPES.has(type)) return `whatsapp echo type "${type}" is not mapped`;
  return {
    type: 'message_posted',
    ...envelope,
    event_id: metaEventId(PLATFORM, ctx.phoneNumberId, 'posted', id),
    message_id: messageKey(ctx, id),
    parent_id: null,
    kind: 'private_message',
    author_platform_id: ctx.phoneNumberId,
    author_role: 'brand',
    text: textOf(m),
    metadata: { whatsapp_type: type.slice(0, 64) },
  };
}
