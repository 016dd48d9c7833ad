import { arr, metaTime, obj, str, type MappedNotification, type MetaContext } from './common.ts';
import { mapFeedChange } from './feed.ts';
import { mapInstagramComment } from './instagram.ts';
import { mapMessagingEvent } from './messaging.ts';
import { mapWhatsAppChange } from './whatsapp.ts';

export { CommentThreads, type MappedNotification, type MetaContext } from './common.ts';

/**
 * Maps a Meta webhook notification to canonical events. One body holds several entries (one per
 * account), each entry several changes (`changes`) or private-message events (`messaging`,
 * `standby`); every part is mapped or listed as ignored with its reason, never dropped silently.
 *
 *   object `page`:      changes[field=feed] → facebook comments (feed.ts); messaging → messenger (messaging.ts)
 *   object `instagram`: changes[field=comments|live_comments] → instagram comments (instagram.ts);
 *                       messaging → instagram_dm (messaging.ts)
 *   object `whatsapp_business_account`: changes[field=messages|smb_message_echoes] → whatsapp (whatsapp.ts)
 *
 * The entry's account (Page id, Instagram account id, WhatsApp phone number id or WABA id) must be
 * mapped to a brand in META_ACCOUNTS. Times: entry.time is seconds for `changes` and milliseconds
 * for `messaging` (Meta's own convention); WhatsApp entries have no time.
 */
export function mapMetaNotification(body: unknown, ctx: MetaContext): MappedNotification {
  const out: MappedNotification = { events: [], ignored: [] };
  const root = obj(body);
  const object = str(root?.object);
  if (object !== 'page' && object !== 'instagram' && object !== 'whatsapp_business_account') {
    out.ignored.push({
      entry: -1,
      change: -1,
      reason: `object "${object ?? ''}" is not page, instagram or whatsapp_business_account`,
    });
    return out;
  }
  arr(root?.entry).forEach((rawEntry, e) => {
    const entry = obj(rawEntry) ?? {};
    if (object === 'whatsapp_business_account') return mapWhatsAppEntry(entry, e, ctx, out);
    const accountId = str(entry.id);
    const brand = accountId ? ctx.accounts.get(accountId) : undefined;
    if (!accountId || !brand) {
      out.ignored.push({
        entry: e,
        change: -1,
        reason: `account ${accountId ?? '(missing)'} is not mapped to a brand (META_ACCOUNTS)`,
      });
      return;
    }
    // Business Login for Instagram may put field/value directly on the entry.
    const changes = Array.isArray(entry.changes) ? entry.changes : entry.field ? [entry] : [];
    const messaging = [...arr(entry.messaging), ...arr(entry.standby)];
    if (changes.length === 0 && messaging.length === 0)
      out.ignored.push({ entry: e, change: -1, reason: 'entry without changes or messaging' });
    if (changes.length > 0) {
      const time = metaTime(entry.time, 's', ctx.receivedAt, 'entry.time');
      if ('reason' in time) {
        out.ignored.push({ entry: e, change: -1, reason: time.reason });
      } else {
        changes.forEach((rawChange, c) => {
          const change = obj(rawChange);
          const value = obj(change?.value);
          const field = str(change?.field);
          const mapped =
            object === 'page' && field === 'feed' && value
              ? mapFeedChange(value, { ...ctx, brand, pageId: accountId, notifiedAt: time.ms })
              : object === 'instagram' && (field === 'comments' || field === 'live_comments') && value
                ? mapInstagramComment(value, { brand, accountId, notifiedAt: time.ms })
                : `field "${field ?? ''}" of ${object} is not a comment notification`;
          if (typeof mapped === 'string') out.ignored.push({ entry: e, change: c, reason: mapped });
          else out.events.push(mapped);
        });
      }
    }
    if (messaging.length > 0) {
      const time = metaTime(entry.time, 'ms', ctx.receivedAt, 'entry.time');
      const notifiedAt = 'ms' in time ? time.ms : ctx.receivedAt;
      const platform = object === 'page' ? 'messenger' : 'instagram_dm';
      messaging.forEach((raw, c) => {
        const mapped = mapMessagingEvent(obj(raw) ?? {}, { ...ctx, brand, accountId, platform, notifiedAt });
        if (typeof mapped === 'string') out.ignored.push({ entry: e, change: c, reason: mapped });
        else out.events.push(mapped);
      });
    }
  });
  return out;
}

function mapWhatsAppEntry(entry: Record<string, unknown>, e: number, ctx: MetaContext, out: MappedNotification): void {
  arr(entry.changes).forEach((rawChange, c) => {
    const change = obj(rawChange);
    const value = obj(change?.value) ?? {};
    const phoneNumberId = str(obj(value.metadata)?.phone_number_id);
    const wabaId = str(entry.id);
    // A brand is mapped by its phone number id, or by its WhatsApp Business Account for all its numbers.
    const brand =
      (phoneNumberId && ctx.accounts.get(phoneNumberId)) || (wabaId && ctx.accounts.get(wabaId)) || undefined;
    if (!phoneNumberId || !brand) {
      out.ignored.push({
        entry: e,
        change: c,
        reason: `whatsapp phone number ${phoneNumberId ?? '(missing)'} (account ${wabaId ?? '(missing)'}) is not mapped to a brand (META_ACCOUNTS)`,
      });
      return;
    }
    const mapped = mapWhatsAppChange(str(change?.field), value, { ...ctx, brand, phoneNumberId });
    out.events.push(...mapped.events);
    for (const reason of mapped.ignored) out.ignored.push({ entry: e, change: c, reason });
  });
}
