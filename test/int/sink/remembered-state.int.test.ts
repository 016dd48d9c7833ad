import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import type { EnrichedEvent } from '../../../services/shared/events.ts';
import { offsetRanges, type Accepted } from '../../../services/sink/batch.ts';
import { ClickHouseWriter } from '../../../services/sink/steps.ts';
import { edited, enrichment, moderation, posted } from '../../unit/sink/fixtures.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';
import { rows } from './support.ts';

/**
 * The writer keeps the stored message states of recent conversations in memory instead of reading
 * them back every batch. These tests pin down that the copy is used, and that it never makes the
 * sentiment aggregates wrong when another sink wrote the thread meanwhile (partitions moved).
 */
let offset = 0;
function batch(events: EnrichedEvent[]) {
  const accepted: Accepted[] = events.map((event) => ({
    record: { topic: 'enriched', partition: 0, offset: String(offset++), key: null, value: null },
    event,
  }));
  return { accepted, ranges: offsetRanges(accepted.map((a) => a.record)) };
}

describe('ClickHouseWriter remembers stored message states', () => {
  const config = isolatedConfig('remembered');
  let ch: { client: ClickHouseClient; cleanup: () => Promise<void> };
  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  });
  afterAll(async () => ch?.cleanup());

  const minute = async () =>
    (
      await rows<Record<string, string | number>>(
        ch.client,
        `SELECT messages, negative, neutral, positive FROM v_sentiment_minute WHERE brand = 'acme'`,
      )
    ).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])));

  it('reads a conversation once, then works from memory; after a reset it reads again and stays exact', async () => {
    const a = new ClickHouseWriter(ch.client);
    const b = new ClickHouseWriter(ch.client);
    const reads = vi.spyOn(ch.client, 'query');

    await a.run(batch([posted('r1', 0, 'm-1', 'broken again', enrichment('negative', -0.8))]));
    expect(reads).toHaveBeenCalledTimes(1); // the conversation was not known yet
    await a.run(batch([edited('r2', 1, 'm-1', 'works now', enrichment('neutral', 0))]));
    expect(reads).toHaveBeenCalledTimes(1); // remembered: no read
    expect(await minute()).toEqual([{ messages: 1, negative: 0, neutral: 1, positive: 0 }]);

    // The partition moves to sink b, which changes the message, then comes back to a (GROUP_JOIN -> reset).
    await b.run(batch([edited('r3', 2, 'm-1', 'love it', enrichment('positive', 0.9, 'praise'))]));
    a.reset();
    await a.run(batch([moderation('r4', 3, 'relabel', 'm-1', { sentiment: 'negative' })]));
    // One message, counted once, with the human relabel: a's old copy (neutral) was not used.
    expect(await minute()).toEqual([{ messages: 1, negative: 1, neutral: 0, positive: 0 }]);
    reads.mockRestore();
  });

  it('without memory (cacheBytes 0) it writes the same rows, reading every batch', async () => {
    const c = new ClickHouseWriter(ch.client, { cacheBytes: 0 });
    const reads = vi.spyOn(ch.client, 'query');
    const other = (id: string, m: number, e: EnrichedEvent) => ({
      ...e,
      event: { ...e.event, event_id: id, thread_id: 'th-2', event_time: e.event.event_time + m },
    });
    await c.run(batch([other('s1', 0, posted('x', 0, 'm-9', 'meh', enrichment('neutral', 0)))]));
    await c.run(batch([other('s2', 1, edited('x', 0, 'm-9', 'great', enrichment('positive', 0.7, 'praise')))]));
    expect(reads).toHaveBeenCalledTimes(2);
    reads.mockRestore();
    const states = await rows<Record<string, unknown>>(
      ch.client,
      `SELECT message_id, sentiment_label, revision FROM messages FINAL WHERE thread_id = 'th-2'`,
    );
    expect(states).toEqual([{ message_id: 'm-9', sentiment_label: 'positive', revision: 2 }]);
  });
});
