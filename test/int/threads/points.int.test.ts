import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { createAnalyzer, type Analyzer } from '../../../services/nlp/index.ts';
import { AvroCodec } from '../../../services/shared/avro.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import type { EnrichedEvent } from '../../../services/shared/events.ts';
import { ThreadProjector } from '../../../services/threads/projector.ts';
import { enrichment, moderation, posted } from '../../unit/sink/fixtures.ts';
import { isolatedClickHouse, isolatedConfig, logger } from '../../support/stack.ts';
import { expectPointsMatchFacts, simulatedDay } from './points-support.ts';

/**
 * The projector writes thread_points (migration 0700) with the facts: after every batch,
 * thread_points FINAL holds exactly the points of thread_facts FINAL (threadPoints of each row), and
 * each facts row names those points. Points move (a late earlier question, a reply closing a wait, a
 * resolution, an inactivity candidate), so the old keys must be tombstoned; a replayed batch (same
 * events, another dedup token) writes no point and keeps the revisions. Both ways the projector
 * knows what it wrote before: remembered, and read back from thread_facts (cacheBytes 0).
 */
const codec = new AvroCodec();
let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
}, 120_000);

const inThread = (thread: string, e: EnrichedEvent, brand = 'acme'): EnrichedEvent => ({
  ...e,
  event: { ...e.event, brand, thread_id: thread, event_id: `${brand}-${thread}-${e.event.event_id}` },
});
const question = (id: string, minute: number, messageId: string) =>
  posted(id, minute, messageId, 'where is my order?', enrichment('neutral', 0, 'question'));
const angry = (id: string, minute: number, messageId: string) =>
  posted(id, minute, messageId, 'this is awful', enrichment('negative', -0.8, 'complaint'));
const reply = (id: string, minute: number, messageId: string) =>
  posted(id, minute, messageId, 'on its way', enrichment('positive', 0.5, ''), 'brand');

describe.each([
  { memory: 'remembered', cacheBytes: undefined },
  { memory: 'read back from thread_facts', cacheBytes: 0 },
])('ThreadProjector → thread_points (what it wrote: $memory)', ({ cacheBytes }) => {
  const config = isolatedConfig(`points${cacheBytes ?? ''}`);
  let ch: { client: ClickHouseClient; cleanup: () => Promise<void> };
  let projector: ThreadProjector;

  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
    // The test counts raw rows (a replay must add none): a background merge would fold them at any time.
    await ch.client.command({ query: 'SYSTEM STOP MERGES thread_points' });
    await ch.client.command({ query: 'SYSTEM STOP MERGES waiting_points' });
    projector = new ThreadProjector({ clickhouse: ch.client, logger, cacheBytes });
  });
  afterAll(async () => ch?.cleanup());

  it('points follow a late earlier question, a reply closing a wait, resolutions; a replay writes none', async () => {
    const batches: Array<[string, EnrichedEvent[]]> = [
      [
        'p0:0-4',
        [
          // A: answered; B: waiting (open SLA deadlines, backlog); C: answered, resolved later; D: globex's inactivity rule.
          inThread('A', question('a1', 60, 'a-q1')),
          inThread('A', reply('a2', 80, 'a-r1')),
          inThread('B', angry('b1', 0, 'b-q1')),
          inThread('B', question('b2', 5, 'b-q2')),
          inThread('C', question('c1', 0, 'c-q1')),
          inThread('C', reply('c2', 10, 'c-r1')),
          inThread('D', question('d1', 0, 'd-q1'), 'globex'),
          inThread('D', reply('d2', 20, 'd-r1'), 'globex'),
          // E: waiting (one waiting point, in English).
          inThread('E', question('e1', 60, 'e-q1')),
        ],
      ],
      [
        'p0:5-7',
        [
          // A's late question from before: the thread and its first wait start earlier (keys move).
          inThread('A', question('a0', 0, 'a-q0')),
          // B's reply closes the wait (waiting and open SLA points leave), B recovers its customer later.
          inThread('B', reply('b3', 30, 'b-r1')),
          inThread('B', posted('b4', 40, 'b-q3', 'thanks, great', enrichment('positive', 0.7, 'praise'))),
          // D: a new question within the silence window, then the reply (the inactivity candidate moves).
          inThread('D', question('d3', 600, 'd-q2'), 'globex'),
          inThread('D', reply('d4', 640, 'd-r2'), 'globex'),
          // E: an earlier German question, answered, arrives late: e-q1 still waits, under the same key
          // (t, idx 0), but the thread's language is now the opening one (its values change: -1, +1).
          inThread(
            'E',
            posted('e0', 0, 'e-q0', 'wo ist meine bestellung?', enrichment('neutral', 0, 'question', 'de')),
          ),
          inThread('E', reply('e0r', 10, 'e-r0')),
        ],
      ],
      [
        'p0:8-10',
        [
          // C resolved 30 h in: late for the resolution SLA; A resolved in time; B hides a follow-up.
          inThread('C', moderation('c3', 30 * 60, 'resolve_thread', null)),
          inThread('A', moderation('a3', 90, 'resolve_thread', null)),
          inThread('B', question('b5', 50, 'b-q4')),
          inThread('B', moderation('b6', 55, 'hide', 'b-q4')),
        ],
      ],
    ];
    let check = await expectPointsMatchFacts(ch.client);
    expect(check.points).toBe(0);
    for (const [token, events] of batches) {
      await projector.project(events, token);
      check = await expectPointsMatchFacts(ch.client);
    }
    expect(check.threads).toBe(5);
    expect([...check.revisions.values()].every((r) => r >= 2)).toBe(true);
    // Every kind of point was written at some time, and moved points left tombstones behind.
    const written = await (
      await ch.client.query({
        query: `SELECT arraySort(groupUniqArray(metric)) AS metrics, countIf(is_deleted = 1) AS tombstones,
                       countIf(is_deleted = 1 AND thread_id = 'A' AND metric = 'thread') AS a_moved
                FROM thread_points`,
        format: 'JSONEachRow',
      })
    ).json<{ metrics: string[]; tombstones: string; a_moved: string }>();
    expect(written[0]!.metrics).toEqual([
      'first_response',
      'next_response',
      'recovery',
      'reply',
      'resolution',
      'response_day',
      'sla',
      'sla_start',
      'thread',
    ]);
    expect(Number(written[0]!.tombstones)).toBeGreaterThan(5);
    expect(Number(written[0]!.a_moved)).toBe(1);
    // The backlog's points went to waiting_points as signed rows: B's two left (-1 each); E's
    // changed in place (-1 then +1 in one insert, after its first +1); E's is the only one live.
    const signs = await (
      await ch.client.query({
        query: `SELECT thread_id, groupArray(sign) AS signs
                FROM (SELECT thread_id, sign FROM waiting_points ORDER BY thread_id, t, idx, _part, _part_offset)
                GROUP BY thread_id ORDER BY thread_id`,
        format: 'JSONEachRow',
      })
    ).json<{ thread_id: string; signs: number[] }>();
    expect(signs.map((r) => [r.thread_id, r.signs])).toEqual([
      ['B', [1, -1, 1, -1]],
      ['E', [1, -1, 1]],
    ]);
    expect(check.waiting).toBe(1);
    // A retried batch (same token) and a replay (the same events in one batch, another token).
    await projector.project(batches[2]![1], 'p0:8-10');
    await projector.project(
      batches.flatMap(([, events]) => events),
      'p0:0-10',
    );
    const replayed = await expectPointsMatchFacts(ch.client);
    expect(replayed.rawRows).toBe(check.rawRows);
    expect(replayed.revisions).toEqual(check.revisions);
  });

  it('a simulated day in sink-sized batches, then replayed: thread_points FINAL = the points of thread_facts FINAL', async () => {
    const events = simulatedDay(codec, analyzer, 7).map((e) => ({
      ...e,
      event: { ...e.event, thread_id: `sim-${e.event.thread_id}` },
    }));
    expect(events.length).toBeGreaterThan(500);
    const size = 97;
    for (let i = 0; i < events.length; i += size)
      await projector.project(events.slice(i, i + size), `sim:${i}-${i + size - 1}`);
    const check = await expectPointsMatchFacts(ch.client);
    expect(check.points).toBeGreaterThan(check.threads);
    // Replayed in other batch boundaries (as after a crash): nothing changes, nothing is written.
    for (let i = 0; i < events.length; i += 250) await projector.project(events.slice(i, i + 250), `sim-replay:${i}`);
    const replayed = await expectPointsMatchFacts(ch.client);
    expect(replayed.rawRows).toBe(check.rawRows);
    expect(replayed.revisions).toEqual(check.revisions);
  }, 300_000);
});
