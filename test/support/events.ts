/** Hand-built conversation events (Avro shape: unions wrapped by branch name) for tests. */
export type AvroEvent = Record<string, unknown> & { event_id: string; thread_id: string };

const base = {
  ingest_time: 1_700_000_000_100,
  brand: 'acme',
  platform: 'instagram',
  account_id: 'acct-1',
  post_id: 'post-1',
  thread_id: 'thread-1',
  source: 'api',
  metadata: { campaign: 'autumn' },
};

export function sampleEvents(): AvroEvent[] {
  return [
    {
      ...base,
      event_id: 'e-1',
      event_time: 1_700_000_000_000,
      payload: {
        'dev.brandpulse.events.MessagePosted': {
          message_id: 'm-1',
          parent_id: null,
          kind: 'comment',
          author_id: 'a1b2',
          author_role: 'customer',
          agent_id: null,
          text: 'Il mio ordine non è ancora arrivato 😡',
          language_hint: 'it',
          url: 'https://instagram.com/p/x',
          priority: null,
        },
      },
    },
    {
      ...base,
      event_id: 'e-2',
      event_time: 1_700_000_060_000,
      payload: {
        'dev.brandpulse.events.MessagePosted': {
          message_id: 'm-2',
          parent_id: 'm-1',
          kind: 'reply',
          author_id: 'brand',
          author_role: 'brand',
          agent_id: 'agent-7',
          text: 'Ci scusiamo! Ci scriva in DM il numero d’ordine.',
          language_hint: 'it',
          url: null,
          priority: 'high',
        },
      },
    },
    {
      ...base,
      event_id: 'e-3',
      event_time: 1_700_000_120_000,
      payload: {
        'dev.brandpulse.events.MessageEdited': {
          message_id: 'm-1',
          author_id: 'a1b2',
          text: 'Ordine arrivato, grazie',
          language_hint: null,
        },
      },
    },
    {
      ...base,
      event_id: 'e-4',
      event_time: 1_700_000_180_000,
      payload: { 'dev.brandpulse.events.MessageDeleted': { message_id: 'm-1', author_id: 'a1b2' } },
    },
    {
      ...base,
      event_id: 'e-5',
      event_time: 1_700_000_240_000,
      metadata: {},
      payload: {
        'dev.brandpulse.events.ModerationAction': {
          action: 'relabel',
          actor_id: 'agent-7',
          actor_role: 'brand',
          target_message_id: 'm-1',
          target_author_id: null,
          reason: 'sarcasm',
          assignee_id: null,
          relabel_sentiment: 'negative',
          relabel_intent: 'complaint',
        },
      },
    },
  ];
}
