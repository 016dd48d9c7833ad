import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { insertRows, type ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import { offsetRanges, type Accepted } from '../../../services/sink/batch.ts';
import { blankAuthor } from '../../../services/sink/erasure-executor.ts';
import { ClickHouseWriter } from '../../../services/sink/steps.ts';
import { enrichment, moderation, posted } from '../../unit/sink/fixtures.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';
import { rows, scalar } from './support.ts';

/**
 * The ClickHouse half of an erasure on the real engine: the author's texts, urls and ids are blanked
 * in messages, its time-keyed copy messages_by_time, moderation_actions and the alerts' samples, every row stays (counts do not move),
 * other authors and other brands are untouched, and running it again changes nothing.
 */
describe('blankAuthor', () => {
  const config = isolatedConfig('erasure_ch');
  let ch: { client: ClickHouseClient; cleanup: () => Promise<void> };
  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  });
  afterAll(async () => ch?.cleanup());

  it('blanks the author everywhere it is stored, keeps every row and count, and is idempotent', async () => {
    const events = [
      posted('b1', 0, 'm-1', 'the erased text one', enrichment('negative', -0.8)),
      posted('b2', 1, 'm-2', 'another author keeps this', enrichment('negative', -0.7)),
      moderation('b3', 2, 'hide', 'm-1'),
    ];
    Object.assign(events[0]!.event.payload['dev.brandpulse.events.MessagePosted' as never], {
      author_id: 'p-erased',
      url: 'https://x.example/p-erased/m-1',
    });
    Object.assign(events[1]!.event.payload['dev.brandpulse.events.MessagePosted' as never], { author_id: 'p-kept' });
    Object.assign(events[2]!.event.payload['dev.brandpulse.events.ModerationAction' as never], {
      target_author_id: 'p-erased',
      reason: 'quoting the erased text',
    });
    const globex = posted('g1', 0, 'm-1', 'globex text of the same pseudonym', enrichment('neutral', 0));
    Object.assign(globex.event, { brand: 'globex' });
    Object.assign(globex.event.payload['dev.brandpulse.events.MessagePosted' as never], { author_id: 'p-erased' });
    const accepted: Accepted[] = [...events, globex].map((event, i) => ({
      record: { topic: 'enriched', partition: 0, offset: String(i), key: null, value: null },
      event,
    }));
    await new ClickHouseWriter(ch.client).run({ accepted, ranges: offsetRanges(accepted.map((a) => a.record)) });
    await insertRows(ch.client, 'alerts', [
      {
        alert_id: 'a-1',
        kind: 'start',
        brand: 'acme',
        platform: '',
        started_at: '2023-11-14 22:13:20.000',
        detected_at: '2023-11-14 22:14:20.000',
        window_s: 60,
        observed: 2,
        baseline: 0.5,
        ratio: 4,
        score: 3,
        peak_ratio: 4,
        negative_share: 1,
        baseline_share: 0.2,
        volume: 2,
        sample_messages: ['the erased text one', 'another author keeps this'],
        sample_message_ids: ['m-1', 'm-2'],
        sample_urls: ['https://x.example/p-erased/m-1', ''],
        top_terms: ['text'],
        summary: 'spike',
        detector_version: 'test',
        emitted_at: '2023-11-14 22:14:21.000',
      },
    ]);
    const volume = () => scalar(ch.client, 'SELECT count() AS v FROM v_messages');
    const negatives = () => scalar(ch.client, "SELECT sum(negative) AS v FROM v_sentiment_minute WHERE brand = 'acme'");
    expect([await volume(), await negatives()]).toEqual([3, 2]);

    const blanked = await blankAuthor(ch.client, config.CLICKHOUSE_DATABASE, 'acme', 'p-erased');
    expect(blanked).toEqual({ messages: 1, messages_by_time: 1, moderation_actions: 1, alerts: 1 });
    // An ALTER does not fire the MV: the copy is blanked by its own mutation, and reads the same.
    const sql = (view: string) =>
      `SELECT brand, message_id, text, url, author_id FROM ${view} ORDER BY brand, message_id`;
    expect(await rows(ch.client, sql('v_messages_by_time'))).toEqual(await rows(ch.client, sql('v_messages')));
    // Only globex's message of the same pseudonym still names it (another brand's erasure).
    expect(
      await scalar(
        ch.client,
        "SELECT count() AS v FROM messages_by_time WHERE author_id = 'p-erased' OR text LIKE '%erased text%'",
      ),
    ).toBe(1);
    expect(await rows(ch.client, sql('v_messages'))).toEqual([
      { brand: 'acme', message_id: 'm-1', text: '', url: null, author_id: '' },
      { brand: 'acme', message_id: 'm-2', text: 'another author keeps this', url: null, author_id: 'p-kept' },
      {
        brand: 'globex',
        message_id: 'm-1',
        text: 'globex text of the same pseudonym',
        url: null,
        author_id: 'p-erased',
      },
    ]);
    expect(await rows(ch.client, 'SELECT target_author_id, reason FROM moderation_actions FINAL')).toEqual([
      { target_author_id: null, reason: null },
    ]);
    expect(await rows(ch.client, 'SELECT sample_messages, sample_message_ids, sample_urls FROM alerts FINAL')).toEqual([
      { sample_messages: ['', 'another author keeps this'], sample_message_ids: ['m-1', 'm-2'], sample_urls: ['', ''] },
    ]);
    expect([await volume(), await negatives()]).toEqual([3, 2]);
    // Again (a second sink, or a restart before the done record): nothing left to blank.
    expect(await blankAuthor(ch.client, config.CLICKHOUSE_DATABASE, 'acme', 'p-erased')).toEqual({
      messages: 0,
      messages_by_time: 0,
      moderation_actions: 0,
      alerts: 0,
    });
    // A database without the tables (no replay ran yet): nothing to do.
    expect(await blankAuthor(ch.client, `${config.CLICKHOUSE_DATABASE}_replay`, 'acme', 'p-erased')).toEqual({});
  });
});
