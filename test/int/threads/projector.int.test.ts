import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { createClickHouse, type ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import { loadBaseConfig } from '../../../services/shared/config.ts';
import {
  wrapPayload,
  type ConversationEvent,
  type EnrichedEvent,
  type Payload,
} from '../../../services/shared/events.ts';
import { ThreadProjectionError, ThreadProjector } from '../../../services/threads/projector.ts';
import { computeThreadFacts } from '../../../services/threads/facts.ts';
import { threadFactsRow } from '../../../services/threads/rows.ts';
import { toThreadEvent } from '../../../services/threads/thread-event.ts';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { isolatedClickHouse, isolatedConfig, logger } from '../../support/stack.ts';

/**
 * The projector against real ClickHouse (chDB): batches in, exact rows out of the analyst views,
 * including a retried batch (same dedup token) and an event that arrives hours late in a later
 * batch. chDB serves one query at a time, so the test reads each view once, after all batches.
 */
const settings = BrandSettings.load();
// acme: Europe/Rome, 09-13 + 14-18 Mon-Fri, Sat 09-13. FRT SLA 2 business hours; messenger 1 h.
const rome = (d: string) => Date.parse(`${d}+01:00`); // January: Rome is UTC+1
let seq = 0;

function ev(
  thread: string,
  time: number,
  payload: Payload,
  enrichment: Partial<NonNullable<EnrichedEvent['enrichment']>> | null,
  platform = 'facebook',
  brand = 'acme',
): EnrichedEvent {
  seq += 1;
  const event: ConversationEvent = {
    event_id: `${thread}-e${String(seq).padStart(3, '0')}`,
    event_time: time,
    ingest_time: time + 1000,
    brand,
    platform,
    account_id: 'page-1',
    post_id: 'post-1',
    thread_id: thread,
    source: 'simulator',
    payload: wrapPayload(payload),
    metadata: {},
  };
  const en =
    enrichment === null
      ? null
      : {
          language: 'it',
          language_supported: true,
          sentiment_score: 0,
          sentiment_label: 'neutral' as const,
          sentiment_confidence: 0.9,
          intent: 'question',
          needs_reply: true,
          model_version: 'test-1',
          human_override: false,
          ...enrichment,
        };
  return { event, enrichment: en, enriched_time: time + 2000 };
}
const post = (
  thread: string,
  time: number,
  id: string,
  role: 'customer' | 'brand' | 'system',
  en: Parameters<typeof ev>[3] = {},
  platform?: string,
  brand?: string,
) =>
  ev(
    thread,
    time,
    {
      type: 'message_posted',
      value: {
        message_id: id,
        parent_id: null,
        kind: 'comment',
        author_id: role === 'customer' ? 'u1' : 'brand',
        author_role: role,
        agent_id: null,
        text: 'x',
        language_hint: 'it',
        url: null,
        priority: null,
      },
    },
    en,
    platform,
    brand,
  );
const moderate = (thread: string, time: number, action: 'hide' | 'resolve_thread', target: string | null) =>
  ev(
    thread,
    time,
    {
      type: 'moderation_action',
      value: {
        action,
        actor_id: 'agent-1',
        actor_role: 'brand',
        target_message_id: target,
        target_author_id: null,
        reason: null,
        assignee_id: null,
        relabel_sentiment: null,
        relabel_intent: null,
      },
    },
    null,
  );

// Both ways the projector gets a thread's stored events: remembered from earlier batches (the
// default), and read back from ClickHouse every batch (cacheBytes 0): the rows must be the same.
describe.each([
  { memory: 'remembered', cacheBytes: undefined },
  { memory: 'read every batch', cacheBytes: 0 },
])('ThreadProjector → ClickHouse views (thread events $memory)', ({ cacheBytes }) => {
  const config = isolatedConfig(`threads${cacheBytes ?? ''}`);
  let ch: { client: ClickHouseClient; cleanup: () => Promise<void> };
  let projector: ThreadProjector;

  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
    // The test counts raw rows, duplicates included: a background merge of the
    // ReplacingMergeTree would fold them whenever it happens to run.
    await ch.client.command({ query: 'SYSTEM STOP MERGES thread_events' });
    projector = new ThreadProjector({ clickhouse: ch.client, logger, settings, cacheBytes });
  });
  afterAll(async () => ch?.cleanup());

  it('projects batches, ignores a retried batch and folds in a late event', async () => {
    // Thread A: angry question Fri 10 Jan 17:30, answered Mon 13 Jan 09:30 (calendar 64 h, business 30 m + 4 h Sat + 30 m = 5 h),
    // customer calms down afterwards, brand resolves.
    const a1 = post('A', rome('2025-01-10T17:30:00'), 'a-q1', 'customer', {
      sentiment_label: 'negative',
      sentiment_score: -0.8,
      intent: 'complaint',
    });
    const a2 = post('A', rome('2025-01-13T09:30:00'), 'a-r1', 'brand', { intent: 'other', needs_reply: false });
    const a3 = post('A', rome('2025-01-13T10:00:00'), 'a-q2', 'customer', {
      sentiment_label: 'positive',
      sentiment_score: 0.6,
      intent: 'praise',
      needs_reply: false,
    });
    const a4 = moderate('A', rome('2025-01-13T10:05:00'), 'resolve_thread', null);
    // Thread B: a question hidden 5 minutes later: handled by moderation.
    const b1 = post('B', rome('2025-01-14T10:00:00'), 'b-q1', 'customer', { intent: 'complaint' });
    const b2 = moderate('B', rome('2025-01-14T10:05:00'), 'hide', 'b-q1');
    // Thread C (messenger, 1 h business FRT target): a question in 2025 still unanswered → breached and in the backlog.
    const c1 = post('C', rome('2025-01-15T11:00:00'), 'c-q1', 'customer', {}, 'messenger');
    const c2 = post(
      'C',
      rome('2025-01-15T11:01:00'),
      'c-bot',
      'system',
      { intent: 'other', needs_reply: false },
      'messenger',
    );
    // Thread A's follow-up question that was posted before the reply but arrives hours late (batch 3):
    // it does not restart the wait, so FRT stays; it is part of period 0.
    const aLate = post('A', rome('2025-01-11T09:00:00'), 'a-q1b', 'customer', {
      sentiment_label: 'negative',
      sentiment_score: -0.5,
    });

    // globex has the inactivity rule (24 h): D's customer went silent after the reply in 2025 → resolved at the reply
    // when queried; E's reply was an hour ago → not resolved yet (decided at query time, never stale).
    const madrid = (d: string) => Date.parse(`${d}+01:00`);
    const d1 = post('D', madrid('2025-01-15T10:00:00'), 'd-q1', 'customer', { language: 'es' }, 'x', 'globex');
    const d2 = post(
      'D',
      madrid('2025-01-15T10:20:00'),
      'd-r1',
      'brand',
      { needs_reply: false, language: 'en' },
      'x',
      'globex',
    );
    const e1 = post('E', Date.now() - 2 * 3_600_000, 'e-q1', 'customer', {}, 'x', 'globex');
    const e2 = post('E', Date.now() - 3_600_000, 'e-r1', 'brand', { needs_reply: false }, 'x', 'globex');

    await projector.project([a1, b1, c1, d1, e1], 'p0:0-4');
    await projector.project([d2, e2], 'p1:0-1');
    await projector.project([a3, a2, b2, c2, a4], 'p0:3-7'); // out of order inside the batch
    await projector.project([a3, a2, b2, c2, a4], 'p0:3-7'); // the sink retried the same batch
    await projector.project([aLate, a1], 'p0:8-9'); // a late event plus a duplicate of an old one
    // A zombie consumer (pre-rebalance owner) finishing late writes facts of A computed from its first batch only:
    // the row from more events must keep winning.
    const aKey = { brand: 'acme', platform: 'facebook', account_id: 'page-1', thread_id: 'A' };
    const stale = threadFactsRow(
      computeThreadFacts(aKey, [toThreadEvent(a1)], settings.forThread(aKey)),
      Date.now() + 60_000,
    );
    await ch.client.insert({ table: 'thread_facts', values: [stale], format: 'JSONEachRow' });

    const q = async <T>(query: string) => (await ch.client.query({ query, format: 'JSONEachRow' })).json<T>();
    const rows = await q<Record<string, unknown>>(`
      SELECT 'thread' AS view, thread_id, toJSONString(tuple(needs_reply, responded, handled_by_moderation, frt_calendar_s, frt_business_s, frt_breached,
               first_resolution_calendar_s, first_resolution_business_s, full_resolution_calendar_s, resolved, reopen_count, resolution_breached, event_count)) AS v
        FROM v_thread_response
      UNION ALL SELECT 'period', thread_id, toJSONString(tuple(period_index, kind, end_reason, calendar_s, business_s, message_count, is_open, breached)) FROM v_waiting_periods
      UNION ALL SELECT 'backlog', thread_id, toJSONString(tuple(message_id, sla_metric, sla_breached, age_s > 3600, toString(sla_deadline_at))) FROM v_unanswered_backlog
      UNION ALL SELECT 'breach', thread_id, toJSONString(tuple(metric, clock, target_s, still_open, duration_s)) FROM v_sla_breaches
      UNION ALL SELECT 'rate', platform, toJSONString(tuple(toString(day), threads_needing_reply, threads_responded, threads_handled_by_moderation, threads_responded_within_sla, threads_still_waiting)) FROM v_response_rate
      UNION ALL SELECT 'moderate', thread_id, toJSONString(tuple(message_id, first_action, calendar_s, business_s)) FROM v_time_to_moderate
      UNION ALL SELECT 'recovery', thread_id, toJSONString(tuple(first_customer_label, recovered, recovery_label, round(sentiment_change, 6), round(thread_sentiment_score, 6))) FROM v_sentiment_recovery
      UNION ALL SELECT 'resolution', thread_id, toJSONString(tuple(resolved, first_resolution_by, first_resolution_calendar_s, first_resolution_business_s, resolution_cycles, full_resolution_calendar_s))
        FROM v_thread_response WHERE brand = 'globex'
      UNION ALL SELECT 'raw', thread_id, toString(count()) FROM thread_events GROUP BY thread_id
      UNION ALL SELECT 'lang', thread_id, language FROM v_thread_response`);
    const got = rows.map((r) => `${r.view} ${r.thread_id} ${r.v}`).sort();
    // The response rate counts a thread on the brand's local day (Madrid for globex), not the UTC one.
    const today = settings
      .forThread({ brand: 'globex', platform: 'x', account_id: 'page-1' })
      .calendar.localDate(e1.event.event_time);
    // E happened an hour ago, so its business seconds depend on the time of day (the calendar itself is unit-tested).
    const eBusiness = settings
      .forThread({ brand: 'globex', platform: 'x', account_id: 'page-1' })
      .calendar.secondsBetween(e1.event.event_time, e2.event.event_time);
    const expected = [
      'backlog C ["c-q1","first_response",1,1,"2025-01-15 11:00:00.000"]',
      'breach A ["first_response","business",7200,0,18000]',
      // B was handled by moderation (its only question hidden before a reply): it never needed a
      // reply, so no resolution SLA applies (metrics.md, "Resolution and moderation").
      'breach C ["first_response","business",3600,1,null]',
      // C's resolution (2 business days) is open and long overdue; A resolved within 2 business days.
      'breach C ["resolution","business",172800,1,null]',
      'moderate B ["b-q1","hide",300,300]',
      'period A [0,"first","reply",230400,18000,2,0,1]',
      'period B [0,"first","moderation",300,300,1,0,0]',
      'period C [0,"first","",null,null,1,1,1]',
      'rate facebook ["2025-01-10",1,1,0,0,0]',
      'rate facebook ["2025-01-14",1,1,1,1,0]',
      'rate messenger ["2025-01-15",1,0,0,0,1]',
      // Raw rows: the retried batch (same token) was dropped at insert (B and C have 2 each); the duplicate of
      // a1 in a later batch has a new token, so it is stored twice until a merge, and counted once (event_count 5).
      'raw A 6',
      'raw D 2',
      'raw E 2',
      // Reply 20 min after the question, Wed 10:00 Madrid (open hours): both clocks 1200 s.
      'resolution D [1,"inactivity",1200,1200,1,1200]',
      'resolution E [0,"",null,null,0,null]',
      'raw B 2',
      'raw C 2',
      'recovery A ["negative",1,"positive",1.4,-0.233333]',
      // Resolved Mon 10:05: 64 h 35 m calendar, 5 h 35 m business (Fri 30 m, Sat 4 h, Mon 1 h 05).
      'thread A [1,1,0,230400,18000,1,232500,20100,232500,1,0,0,5]',
      'thread B [1,1,1,null,null,null,null,null,null,0,0,null,2]',
      'thread C [1,0,0,null,null,1,null,null,null,0,0,1,2]',
      'thread D [1,1,0,1200,1200,0,1200,1200,1200,1,0,0,2]',
      // E waited 1 h on X, whose globex target is 30 min on the calendar clock: breached; unresolved so far.
      `thread E [1,1,0,3600,${eBusiness},1,null,null,null,0,0,0,2]`,
      'breach E ["first_response","calendar",1800,0,3600]',
      'period D [0,"first","reply",1200,1200,1,0,0]',
      `period E [0,"first","reply",3600,${eBusiness},1,0,1]`,
      'rate x ["2025-01-15",1,1,0,1,0]',
      // The language the customer opened the thread in (D: Spanish, though the brand answered in English).
      'lang A it',
      'lang B it',
      'lang C it',
      'lang D es',
      'lang E it',
      `rate x ["${today}",1,1,0,0,0]`,
    ];
    expect(got).toEqual(expected.sort());
  });

  it("counts a thread's response rate on the brand's local day", async () => {
    // 00:30 in Rome on Thursday 16 January is still Wednesday 15 January in UTC.
    await projector.project([post('N', rome('2025-01-16T00:30:00'), 'n-q1', 'customer', {}, 'youtube')], 'p3:0-0');
    const rate = await (
      await ch.client.query({
        query: `SELECT toString(day) AS day, threads_needing_reply AS n FROM v_response_rate WHERE platform = 'youtube'`,
        format: 'JSONEachRow',
      })
    ).json();
    expect(rate).toEqual([{ day: '2025-01-16', n: 1 }]);
  });

  it('loads exactly the asked threads, whatever characters their ids hold', async () => {
    // Same brand and thread id on two platforms: the query narrows by brand and thread id, the exact thread is picked after.
    const odd = `Q'uote\\back"slash`;
    await projector.project(
      [
        post(odd, rome('2025-02-03T10:00:00'), 'q-1', 'customer'),
        post(odd, rome('2025-02-03T10:01:00'), 'q-2', 'customer', {}, 'instagram'),
      ],
      'p2:0-1',
    );
    const key = { brand: 'acme', platform: 'facebook', account_id: 'page-1', thread_id: odd };
    const loaded = await projector.loadThreads([key, { ...key, thread_id: 'never-seen' }]);
    expect([...loaded.keys()]).toHaveLength(1);
    expect([...loaded.values()][0]!.map((e) => [e.thread_id, e.platform, e.message_id])).toEqual([
      [odd, 'facebook', 'q-1'],
    ]);
  });

  it('the example queries in docs/response-metrics.md run', async () => {
    const doc = readFileSync(new URL('../../../docs/response-metrics.md', import.meta.url), 'utf8');
    const statements = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)]
      .flatMap((m) => m[1]!.split(';'))
      .map((q) => q.trim())
      .filter((q) => q.replace(/--.*$/gm, '').trim());
    expect(statements.length).toBe(5);
    let rows = 0;
    for (const query of statements)
      rows += (await (await ch.client.query({ query, format: 'JSONEachRow' })).json()).length;
    expect(rows).toBeGreaterThan(0);
  });
});

describe('ThreadProjector errors say whether a retry can help', () => {
  it('a schema that does not match (migrations not applied) is not retriable; ClickHouse unreachable is', async () => {
    const config = isolatedConfig('threads_err');
    const ch = await isolatedClickHouse(config); // the database exists, its tables do not
    const unreachable = createClickHouse(
      loadBaseConfig({
        ...process.env,
        CLICKHOUSE_URL: 'http://127.0.0.1:1',
        CLICKHOUSE_DATABASE: config.CLICKHOUSE_DATABASE,
      }),
    );
    try {
      const batch = [post('X', rome('2025-03-03T10:00:00'), 'x-1', 'customer')];
      const noTables = await new ThreadProjector({ clickhouse: ch.client, logger, settings, cacheBytes: 0 })
        .project(batch, 'p9:0-0')
        .catch((e: unknown) => e);
      expect(noTables).toBeInstanceOf(ThreadProjectionError);
      expect((noTables as ThreadProjectionError).retriable).toBe(false);
      const down = await new ThreadProjector({ clickhouse: unreachable, logger, settings, cacheBytes: 0 })
        .project(batch, 'p9:0-0')
        .catch((e: unknown) => e);
      expect(down).toBeInstanceOf(ThreadProjectionError);
      expect((down as ThreadProjectionError).retriable).toBe(true);
    } finally {
      await unreachable.close();
      await ch.cleanup();
    }
  });
});
