import { CommentThreads, type MetaContext } from '../../../services/ingest/meta/mapping.ts';
import { hmacPseudonymizer } from '../../../services/ingest/pseudonym.ts';
import { PSEUDONYM_KEY } from './harness.ts';

/**
 * Webhook payloads shaped as Meta documents them (Graph API webhooks reference for Pages and
 * Instagram, Messenger Platform webhook events, WhatsApp Cloud API webhooks reference), with the
 * ids of the harness's accounts.
 */
export const PAGE = '1111';
export const IG = '17841400000000001';
export const WABA = '102290129340398';
export const PHONE_ID = '106540352242922';
export const accounts = new Map([
  [PAGE, 'acme'],
  [IG, 'acme'],
  [PHONE_ID, 'acme'],
]);
export const pseudonymize = hmacPseudonymizer(PSEUDONYM_KEY);
export const RECEIVED_AT = 1_714_560_000_000;

export function ctx(overrides: Partial<MetaContext> = {}): MetaContext {
  return { accounts, pseudonymize, threads: new CommentThreads(), receivedAt: RECEIVED_AT, ...overrides };
}

/** A Page `feed` notification: one entry, one or more changes. */
export function feed(
  values: Record<string, unknown> | Array<Record<string, unknown>>,
  time = 1_714_557_700,
  pageId = PAGE,
) {
  const list = Array.isArray(values) ? values : [values];
  return { object: 'page', entry: [{ id: pageId, time, changes: list.map((value) => ({ field: 'feed', value })) }] };
}

export const comment = (verb: string, extra: Record<string, unknown> = {}) => ({
  from: { id: '9876', name: 'Jane Customer' },
  post: {
    status_type: 'added_photos',
    is_published: true,
    updated_time: '2024-05-01T10:00:00+0000',
    permalink_url: 'https://facebook.com/1',
    promotion_status: 'inactive',
    id: `${PAGE}_555`,
  },
  message: 'My parcel never arrived',
  post_id: `${PAGE}_555`,
  comment_id: '555_777',
  created_time: 1_714_557_600,
  item: 'comment',
  parent_id: `${PAGE}_555`,
  verb,
  ...extra,
});

export const igComment = (extra: Record<string, unknown> = {}, time = 1_714_557_800) => ({
  object: 'instagram',
  entry: [
    {
      id: IG,
      time,
      changes: [
        {
          field: 'comments',
          value: {
            from: { id: '232323232', username: 'jane' },
            media: { id: '123123123', media_product_type: 'FEED' },
            id: '17865799348089039',
            text: 'Wrong size again',
            ...extra,
          },
        },
      ],
    },
  ],
});

/** A `messaging` notification (Messenger when object is page, Instagram Direct when instagram). */
export function messaging(
  events: Array<Record<string, unknown>>,
  object: 'page' | 'instagram' = 'page',
  time = 1_714_557_900_500,
) {
  return { object, entry: [{ id: object === 'page' ? PAGE : IG, time, messaging: events }] };
}

export const PSID = '2468013579';
export const customerMessage = (
  mid: string,
  timestamp: number,
  text: string,
  extra: Record<string, unknown> = {},
  account = PAGE,
) => ({
  sender: { id: PSID },
  recipient: { id: account },
  timestamp,
  message: { mid, text, ...extra },
});
export const pageEcho = (mid: string, timestamp: number, text: string, account = PAGE) => ({
  sender: { id: account },
  recipient: { id: PSID },
  timestamp,
  message: { is_echo: true, app_id: 1517776481860111, metadata: 'agent-7', mid, text },
});
export const messageEdit = (mid: string, timestamp: number, text: string, numEdit: number) => ({
  sender: { id: PSID },
  recipient: { id: PAGE },
  timestamp,
  message_edit: { mid, text, num_edit: numEdit },
});

export const USER_PHONE = '16505551234';
export function whatsapp(field: 'messages' | 'smb_message_echoes', value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_ID },
              ...value,
            },
            field,
          },
        ],
      },
    ],
  };
}
export const waText = (id: string, timestamp: string, body: string, extra: Record<string, unknown> = {}) => ({
  contacts: [{ profile: { name: 'Jane Customer' }, wa_id: USER_PHONE }],
  messages: [{ from: USER_PHONE, id, timestamp, type: 'text', text: { body }, ...extra }],
});
export const waStatus = (id: string, status: string, timestamp: string) => ({
  statuses: [
    {
      id,
      status,
      timestamp,
      recipient_id: USER_PHONE,
      conversation: { id: 'f5fdae3920125a39a1e6a23e5f877c16', origin: { type: 'service' } },
      pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
    },
  ],
});
export const waEcho = (echo: Record<string, unknown>) => ({
  message_echoes: [{ from: '15550783881', to: USER_PHONE, ...echo }],
});
