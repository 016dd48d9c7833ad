import { describe, expect, it } from 'vitest';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { toThreadEvent } from '../../../services/threads/thread-event.ts';
import { threadEventFromRow, threadEventRow, type ThreadEventRow } from '../../../services/threads/rows.ts';
import { wrapPayload, type EnrichedEvent } from '../../../services/shared/events.ts';

const base = {
  defaults: {
    business_hours: { time_zone: 'UTC', week: { mon: ['09:00-17:00'] } },
    sla: [
      {
        first_response: { target: '4h' },
        next_response: { target: '8h', clock: 'calendar' },
        resolution: { target: '3d' },
      },
    ],
    needs_reply_intents: ['question'],
  },
};

describe('brand settings', () => {
  it('loads infra/brands.yaml with globex and acme', () => {
    const s = BrandSettings.load();
    const acme = s.forThread({ brand: 'acme', platform: 'messenger', account_id: 'any' });
    expect(acme.calendar.timeZone).toBe('Europe/Rome');
    expect(acme.sla('messenger', 'normal').first_response).toEqual({ target: 3600, clock: 'business' });
    expect(acme.sla('facebook', 'normal').first_response).toEqual({ target: 7200, clock: 'business' });
    const globex = s.forThread({ brand: 'globex', platform: 'x', account_id: 'any' });
    expect(globex.calendar.timeZone).toBe('Europe/Madrid');
    expect(globex.inactivityResolveAfter).toBe(86_400);
    // A priority rule beats a platform rule; the platform rule beats the catch-all.
    expect(globex.sla('x', 'high').first_response).toEqual({ target: 900, clock: 'calendar' });
    expect(globex.sla('x', 'normal').first_response).toEqual({ target: 1800, clock: 'calendar' });
    expect(globex.sla('x', 'normal').next_response).toEqual({ target: 7200, clock: 'business' });
    expect(globex.sla('x', 'high').next_response).toEqual({ target: 1800, clock: 'calendar' });
    expect(globex.sla('facebook', 'high').first_response).toEqual({ target: 900, clock: 'calendar' });
    // Unknown brands get the defaults.
    expect(s.forThread({ brand: 'initech', platform: 'x', account_id: 'a' }).calendar.timeZone).toBe('UTC');
  });

  it('account overrides beat brand rules, brand rules beat defaults, null disables a metric', () => {
    const s = BrandSettings.fromObject({
      ...base,
      brands: {
        b: {
          sla: [{ platform: 'x', first_response: { target: '1h', clock: 'calendar' } }, { resolution: null }],
          accounts: {
            vip: {
              business_hours: { time_zone: 'Asia/Tokyo', week: { mon: ['00:00-24:00'] } },
              sla: [{ first_response: { target: '90s' } }],
            },
          },
        },
      },
    });
    const plain = s.forThread({ brand: 'b', platform: 'x', account_id: 'other' });
    expect(plain.sla('x', 'normal')).toEqual({
      first_response: { target: 3600, clock: 'calendar' },
      next_response: { target: 28_800, clock: 'calendar' },
      resolution: null,
    });
    expect(plain.sla('facebook', 'normal').first_response).toEqual({ target: 14_400, clock: 'business' });
    const vip = s.forThread({ brand: 'b', platform: 'x', account_id: 'vip' });
    expect(vip.calendar.timeZone).toBe('Asia/Tokyo');
    expect(vip.sla('x', 'normal').first_response).toEqual({ target: 90, clock: 'business' });
  });

  it('rejects an invalid file naming every problem', () => {
    expect(() =>
      BrandSettings.fromObject({
        defaults: {
          business_hours: { time_zone: 'UTC', week: { funday: [] } },
          needs_reply_intents: [],
          sla: [{ first_response: { target: 'soon' } }],
        },
      }),
    ).toThrow(/week: Unrecognized key: "funday"\n\s+- defaults\.sla\.0\.first_response\.target/);
    expect(() =>
      BrandSettings.fromObject({ ...base, brands: { b: { business_hours: { time_zone: 'Nowhere/City', week: {} } } } }),
    ).toThrow(/time zone/);
    expect(() =>
      BrandSettings.fromObject({ ...base, brands: { b: { needs_reply_intents: ['order_issue'] } } }),
    ).toThrow(/brands\.b\.needs_reply_intents\.0/);
  });
});

describe('thread events', () => {
  it('keep what the metrics need and survive the ClickHouse row round trip', () => {
    const enriched: EnrichedEvent = {
      event: {
        event_id: 'e1',
        event_time: 1_736_500_000_123,
        ingest_time: 1_736_500_000_200,
        brand: 'globex',
        platform: 'x',
        account_id: 'a',
        post_id: null,
        thread_id: "t'1",
        source: 'api',
        metadata: {},
        payload: wrapPayload({
          type: 'moderation_action',
          value: {
            action: 'relabel',
            actor_id: 'ag',
            actor_role: 'brand',
            target_message_id: 'm1',
            target_author_id: null,
            reason: null,
            assignee_id: null,
            relabel_sentiment: 'negative',
            relabel_intent: 'complaint',
          },
        }),
      },
      enrichment: {
        language: 'en',
        language_supported: true,
        sentiment_score: -0.4,
        sentiment_label: 'negative',
        sentiment_confidence: 1,
        intent: 'complaint',
        needs_reply: true,
        model_version: 'v',
        human_override: true,
      },
      enriched_time: 1_736_500_001_000,
    };
    const e = toThreadEvent(enriched);
    expect(e).toMatchObject({
      kind: 'moderation',
      action: 'relabel',
      message_id: 'm1',
      role: 'brand',
      relabel_intent: 'complaint',
      needs_reply: true,
      has_enrichment: true,
    });
    const row = threadEventRow(e);
    expect(row.event_time).toBe('1736500000.123'); // 2025-01-10 09:06:40.123 UTC as Unix seconds
    const back = threadEventFromRow({
      ...(row as unknown as ThreadEventRow),
      event_time_ms: String(e.event_time),
      enriched_time_ms: String(e.enriched_time),
    });
    expect(back).toEqual(e);
  });
});
