import type { ClickHouseClient } from '@clickhouse/client';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { ThreadProjector } from '../../../services/threads/projector.ts';
import {
  wrapPayload,
  type EnrichedEvent,
  type ModerationAction,
  type MessagePosted,
} from '../../../services/shared/events.ts';
import { createLogger } from '../../../services/shared/logger.ts';

/**
 * Realistic conversations for the panel query test: for every brand × platform × language, a few
 * threads of different shapes (answered fast, answered late and reopened, angry then calmed,
 * still waiting, spammy), spread over the last hours. Thread facts go through the real
 * ThreadProjector (the sink's path); messages, moderation actions, the ingest log and dead
 * letters are inserted into their base tables, and the materialized views fill the aggregates.
 */
// Its own logger, not test/support/stack.ts's (which needs vitest): dev scripts seed with it too.
const logger = createLogger('seed', 'warn');

export const BRANDS = ['acme', 'globex'];
export const PLATFORMS = ['x', 'instagram'];
export const LANGUAGES = ['en', 'it'];

const MIN = 60_000;

/** 24/7 calendar clock and short targets, so breaches happen whatever time the test runs. */
export const TEST_SETTINGS = BrandSettings.fromObject({
  defaults: {
    business_hours: {
      time_zone: 'UTC',
      week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])),
    },
    sla: [
      {
        platform: '*',
        priority: '*',
        first_response: { target: '30m', clock: 'calendar' },
        next_response: { target: '30m', clock: 'calendar' },
        resolution: { target: '2h', clock: 'calendar' },
      },
    ],
    needs_reply_intents: ['question', 'technical_issue', 'order', 'pre_purchase', 'complaint'],
  },
});

type Label = 'negative' | 'neutral' | 'positive';
interface Msg {
  at: number;
  role: 'customer' | 'brand';
  label: Label;
  intent: string;
  agent?: string;
  author?: string;
  text: string;
}
interface Mod {
  at: number;
  action: ModerationAction['action'];
  target: number;
  author?: string;
}

let seq = 0;
const id = (p: string) => `${p}-${(++seq).toString(36)}`;

/** A negative burst in the last closed minutes, for one brand/platform: what the spike rule must catch. */
export const SPIKE_AT = { brand: 'acme', platform: 'x', language: 'en', messages: 12 };

function shapes(now: number, withSpike: boolean): { msgs: Msg[]; mods: Mod[] }[] {
  const h = 3_600_000;
  const spike: { msgs: Msg[]; mods: Mod[] }[] = withSpike
    ? [
        {
          msgs: Array.from({ length: SPIKE_AT.messages }, (_, i) => ({
            at: now - 70_000 - i * 15_000,
            role: 'customer' as const,
            label: 'negative' as const,
            intent: 'complaint',
            author: `angry-${i}`,
            text: 'Outage again?! Nothing works, worst service ever',
          })),
          mods: [],
        },
      ]
    : [];
  return [
    ...spike,
    // answered in 5 minutes, then a follow-up answered, resolved
    {
      msgs: [
        {
          at: now - 5 * h,
          role: 'customer',
          label: 'negative',
          intent: 'complaint',
          text: 'My order is late again, this is terrible',
        },
        {
          at: now - 5 * h + 5 * MIN,
          role: 'brand',
          label: 'neutral',
          intent: 'other',
          agent: 'agent-ann',
          text: 'Sorry! DM us the order number',
        },
        { at: now - 4 * h, role: 'customer', label: 'neutral', intent: 'order', text: 'Sent it, order 1234' },
        {
          at: now - 4 * h + 50 * MIN,
          role: 'brand',
          label: 'positive',
          intent: 'other',
          agent: 'agent-bob',
          text: 'Refund issued, thanks for waiting',
        },
        { at: now - 3 * h, role: 'customer', label: 'positive', intent: 'praise', text: 'Great, thank you so much' },
      ],
      mods: [{ at: now - 2 * h, action: 'resolve_thread', target: 4 }],
    },
    // answered after 2 hours (FRT breach), angry and stays angry
    {
      msgs: [
        {
          at: now - 4 * h,
          role: 'customer',
          label: 'negative',
          intent: 'technical_issue',
          text: 'The app crashes every time I log in',
        },
        {
          at: now - 2 * h,
          role: 'brand',
          label: 'neutral',
          intent: 'other',
          agent: 'agent-ann',
          text: 'Which version are you on?',
        },
        {
          at: now - 2 * h + 10 * MIN,
          role: 'customer',
          label: 'negative',
          intent: 'complaint',
          text: 'Two hours to answer, still broken, awful',
        },
      ],
      mods: [],
    },
    // still waiting for an answer (backlog, open breach)
    {
      msgs: [
        { at: now - 90 * MIN, role: 'customer', label: 'neutral', intent: 'question', text: 'Do you ship to Norway?' },
      ],
      mods: [],
    },
    // spam from a repeat offender, hidden and marked, author banned
    {
      msgs: [
        {
          at: now - 3 * h,
          role: 'customer',
          label: 'positive',
          intent: 'spam',
          author: 'spammer-1',
          text: 'Cheap followers at example dot com',
        },
        {
          at: now - 150 * MIN,
          role: 'customer',
          label: 'positive',
          intent: 'spam',
          author: 'spammer-1',
          text: 'Free crypto, click my profile',
        },
      ],
      mods: [
        { at: now - 170 * MIN, action: 'hide', target: 0, author: 'spammer-1' },
        { at: now - 140 * MIN, action: 'mark_spam', target: 1, author: 'spammer-1' },
        { at: now - 139 * MIN, action: 'ban_author', target: 1, author: 'spammer-1' },
      ],
    },
  ];
}

export async function seed(writer: ClickHouseClient, now = Date.now()): Promise<{ from: Date; to: Date }> {
  const enriched: EnrichedEvent[] = [];
  const messages: Record<string, unknown>[] = [];
  const actions: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const ch = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

  for (const brand of BRANDS)
    for (const platform of PLATFORMS)
      for (const language of LANGUAGES) {
        const spiking = brand === SPIKE_AT.brand && platform === SPIKE_AT.platform && language === SPIKE_AT.language;
        for (const shape of shapes(now, spiking)) {
          const thread_id = id('t');
          const account_id = `${brand}-${platform}`;
          const ids = shape.msgs.map(() => id('m'));
          const firstModeration = new Map<number, number>();
          for (const m of shape.mods) if (!firstModeration.has(m.target)) firstModeration.set(m.target, m.at);
          const common = {
            ingest_time: 0,
            brand,
            platform,
            account_id,
            post_id: thread_id,
            thread_id,
            source: 'api',
            metadata: {},
          };
          shape.msgs.forEach((m, i) => {
            const event_id = id('e');
            const posted: MessagePosted = {
              message_id: ids[i]!,
              parent_id: i === 0 ? null : ids[0]!,
              kind: i === 0 ? 'comment' : 'reply',
              author_id: m.author ?? (m.role === 'brand' ? 'brand' : `cust-${thread_id}`),
              author_role: m.role,
              agent_id: m.agent ?? null,
              text: m.text,
              language_hint: language,
              url: `https://${platform}.example/${brand}/${thread_id}/${ids[i]}`,
              priority: null,
            };
            const score = m.label === 'negative' ? -0.8 : m.label === 'positive' ? 0.7 : 0;
            const needs_reply =
              m.role === 'customer' && ['question', 'technical_issue', 'order', 'complaint'].includes(m.intent);
            enriched.push({
              event: {
                ...common,
                event_id,
                event_time: m.at,
                ingest_time: m.at + 1000,
                payload: wrapPayload({ type: 'message_posted', value: posted }),
              },
              enrichment: {
                language,
                language_supported: true,
                sentiment_score: score,
                sentiment_label: m.label,
                sentiment_confidence: 0.9,
                intent: m.intent,
                needs_reply,
                model_version: 'test',
                human_override: false,
              },
              enriched_time: m.at + 2000,
            });
            const spam = shape.mods.some((x) => x.target === i && x.action === 'mark_spam');
            const hidden = shape.mods.some((x) => x.target === i && x.action === 'hide');
            messages.push({
              brand,
              platform,
              account_id,
              thread_id,
              message_id: ids[i],
              revision: 1,
              posted: 1,
              posted_time: ch(m.at),
              posted_event_id: event_id,
              kind: posted.kind,
              parent_id: posted.parent_id,
              author_id: posted.author_id,
              author_role: m.role,
              agent_id: posted.agent_id,
              url: posted.url,
              text: m.text,
              text_time: ch(m.at),
              text_event_id: event_id,
              language,
              language_supported: 1,
              model_sentiment_score: score,
              model_sentiment_label: m.label,
              model_sentiment_confidence: 0.9,
              model_intent: m.intent,
              model_version: 'test',
              spam_action: spam ? 'mark_spam' : '',
              visibility_action: hidden ? 'hide' : '',
              first_moderation_time: firstModeration.has(i) ? ch(firstModeration.get(i)!) : null,
              sentiment_label: m.label,
              sentiment_score: score,
              sentiment_confidence: 0.9,
              intent: m.intent,
              needs_reply: needs_reply ? 1 : 0,
              human_override: 0,
              counted: 1,
              prev_counted: 0,
            });
            events.push({
              event_id,
              event_type: 'message_posted',
              brand,
              platform,
              account_id,
              thread_id,
              message_id: ids[i],
              source: 'api',
              event_time: ch(m.at),
              ingest_time: ch(m.at + 1000),
              enriched_time: ch(m.at + 2000),
              inserted_at: ch(m.at + 3000 + (i % 3) * 4000),
              model_version: 'test',
            });
          });
          for (const mod of shape.mods) {
            const event_id = id('e');
            const value: ModerationAction = {
              action: mod.action,
              actor_id: 'mod-1',
              actor_role: 'brand',
              target_message_id: ids[mod.target]!,
              target_author_id: mod.author ?? null,
              reason: null,
              assignee_id: null,
              relabel_sentiment: null,
              relabel_intent: null,
            };
            enriched.push({
              event: {
                ...common,
                event_id,
                event_time: mod.at,
                ingest_time: mod.at + 1000,
                payload: wrapPayload({ type: 'moderation_action', value }),
              },
              enrichment: null,
              enriched_time: mod.at + 2000,
            });
            actions.push({
              event_id,
              brand,
              platform,
              account_id,
              thread_id,
              action: mod.action,
              action_time: ch(mod.at),
              ingest_time: ch(mod.at + 1000),
              actor_id: 'mod-1',
              actor_role: 'brand',
              target_message_id: ids[mod.target],
              target_author_id: mod.author ?? null,
            });
            events.push({
              event_id,
              event_type: 'moderation_action',
              brand,
              platform,
              account_id,
              thread_id,
              message_id: ids[mod.target],
              source: 'api',
              event_time: ch(mod.at),
              ingest_time: ch(mod.at + 1000),
              enriched_time: ch(mod.at + 2000),
              inserted_at: ch(mod.at + 5000),
              model_version: '',
            });
          }
        }
      }

  const projector = new ThreadProjector({ clickhouse: writer, logger, settings: TEST_SETTINGS });
  await projector.project(enriched, `seed-${now}`);
  const insert = (table: string, values: Record<string, unknown>[]) =>
    writer.insert({ table, values, format: 'JSONEachRow' });
  await insert('messages', messages);
  await insert('moderation_actions', actions);
  await insert('events', events);
  await insert('dead_letters', [
    {
      stage: 'decode',
      reason: 'corrupt',
      detail: 'bad CRC',
      source_topic: 'conversation-events',
      source_partition: 0,
      source_offset: 7,
      size_bytes: 120,
      dead_lettered_at: ch(now - 2 * 3_600_000),
    },
    {
      stage: 'enrich',
      reason: 'unknown-schema',
      detail: 'id 9',
      source_topic: 'conversation-events',
      source_partition: 1,
      source_offset: 3,
      size_bytes: 80,
      dead_lettered_at: ch(now - 30 * MIN),
    },
  ]);
  // One alert that ended and one still open, as services/alerter writes them, for the annotations.
  const alert = (alert_id: string, kind: 'start' | 'end', platform: string, started: number, ended: number | null) => ({
    alert_id,
    kind,
    brand: 'acme',
    platform,
    started_at: ch(started),
    detected_at: ch(started + 40_000),
    ended_at: ended === null ? null : ch(ended),
    window_s: 300,
    observed: 30,
    baseline: 4,
    ratio: 7.5,
    score: 6.1,
    peak_ratio: 8,
    negative_share: 0.7,
    baseline_share: 0.2,
    volume: 43,
    sample_messages: ['Outage again?!'],
    sample_message_ids: ['m-1'],
    sample_urls: [''],
    top_terms: ['outage', 'works'],
    summary: `acme${platform ? ` on ${platform}` : ''}: 7.5x the usual negative volume`,
    detector_version: 'test',
    emitted_at: ch(started + 41_000),
  });
  await insert('alerts', [
    alert('a-ended', 'start', '', now - 3 * 3_600_000, null),
    alert('a-ended', 'end', '', now - 3 * 3_600_000, now - 2 * 3_600_000),
    alert('a-open', 'start', 'x', now - 20 * MIN, null),
  ]);
  return { from: new Date(now - 6 * 3_600_000), to: new Date(now) };
}
