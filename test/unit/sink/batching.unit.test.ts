import { ClickHouseError } from '@clickhouse/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AvroCodec } from '../../../services/shared/avro.ts';
import { dedupToken, offsetRanges, routeRecord, type SourceRecord } from '../../../services/sink/batch.ts';
import { Batcher } from '../../../services/sink/batcher.ts';
import { deadLetterMessage, deadLetterRowFromRecord, DLQ_HEADERS } from '../../../services/shared/dead-letters.ts';
import { backoffDelay, isRetriable } from '../../../services/shared/retry.ts';
import { enrichment, moderation, posted } from './fixtures.ts';
import { settled } from '../../support/wait.ts';

const codec = new AvroCodec();
const rec = (partition: number, offset: number, value: Buffer | null = null, topic = 'enriched'): SourceRecord => ({
  topic,
  partition,
  offset: String(offset),
  key: Buffer.from('th-1'),
  value,
});

// The Batcher's clock is Date.now() and setTimeout: fake timers make "after maxWaitMs" exact
// instead of a race against real time.
describe('Batcher', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('writes full batches of maxRows at once and resolves each add when its rows are flushed', async () => {
    const flushed: number[][] = [];
    const b = new Batcher<number>({ maxRows: 3, maxWaitMs: 60_000 }, async (items) => void flushed.push(items));
    const first = b.add([1, 2]);
    const second = b.add([3, 4, 5, 6, 7]);
    await first; // [1, 2] could not take [3, 4] without passing maxRows, so it was flushed alone
    await settled();
    expect(flushed).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(b.size).toBe(2);
    await b.drain();
    await second;
    expect(flushed).toEqual([
      [1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
  });

  it('flushes a partial batch after maxWaitMs, not before', async () => {
    const flushed: number[][] = [];
    const b = new Batcher<number>({ maxRows: 1000, maxWaitMs: 20 }, async (items) => void flushed.push(items));
    const added = b.add([1]);
    await vi.advanceTimersByTimeAsync(19);
    expect(flushed).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(flushed).toEqual([[1]]);
    await added;
  });

  it('gathers what arrives during a flush into one next flush (batches grow with the load)', async () => {
    const flushed: number[][] = [];
    let release!: () => void;
    const b = new Batcher<number>({ maxRows: 100, maxWaitMs: 0 }, async (items) => {
      flushed.push(items);
      if (flushed.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = b.add([1]);
    expect(flushed).toEqual([[1]]); // maxWaitMs 0: the flush started within add()
    const during = [b.add([2]), b.add([3, 4]), b.add([5])];
    await settled();
    expect(flushed).toEqual([[1]]); // nothing new is cut while the first flush is in flight
    release();
    await Promise.all([first, ...during]);
    expect(flushed).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('never splits one add across flushes and never exceeds maxRows', async () => {
    const flushed: number[][] = [];
    const b = new Batcher<number>({ maxRows: 4, maxWaitMs: 60_000 }, async (items) => void flushed.push(items));
    const adds = [b.add([1, 2, 3]), b.add([4, 5]), b.add([6, 7, 8, 9, 10])];
    await Promise.all([adds[0], adds[1]]);
    await settled();
    expect(flushed).toEqual([
      [1, 2, 3],
      [4, 5],
      [6, 7, 8, 9],
    ]);
    expect(b.size).toBe(1); // [10] waits for more rows or for maxWaitMs
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all(adds);
    expect(flushed).toEqual([[1, 2, 3], [4, 5], [6, 7, 8, 9], [10]]);
  });

  it('waits at most maxWaitMs from its add for a partial batch that arrived during a flush', async () => {
    const flushed: Array<{ items: number[]; at: number }> = [];
    let release!: () => void;
    const b = new Batcher<number>({ maxRows: 100, maxWaitMs: 40 }, async (items) => {
      flushed.push({ items, at: Date.now() });
      if (flushed.length === 1) await new Promise<void>((r) => (release = r));
    });
    const t0 = Date.now();
    const first = b.add([1]);
    await vi.advanceTimersByTimeAsync(60); // the first flush started at 40 ms and is still in flight
    expect(flushed.map((f) => f.at - t0)).toEqual([40]);
    const second = b.add([2]); // at 60 ms: due at 100 ms
    await vi.advanceTimersByTimeAsync(30);
    release(); // at 90 ms: the wait counts from the add, so 10 ms are left, not another 40
    await vi.advanceTimersByTimeAsync(9);
    expect(flushed).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(flushed.map((f) => [f.items, f.at - t0])).toEqual([
      [[1], 40],
      [[2], 100],
    ]);
    await Promise.all([first, second]);
  });

  it('flushes at once after a flush that outlasted the wait of what arrived during it', async () => {
    const flushed: Array<{ items: number[]; at: number }> = [];
    let release!: () => void;
    const b = new Batcher<number>({ maxRows: 100, maxWaitMs: 40 }, async (items) => {
      flushed.push({ items, at: Date.now() });
      if (flushed.length === 1) await new Promise<void>((r) => (release = r));
    });
    const t0 = Date.now();
    const first = b.add([1]);
    await vi.advanceTimersByTimeAsync(50);
    const second = b.add([2]); // at 50 ms: due at 90 ms, but the first flush lasts until 200 ms
    await vi.advanceTimersByTimeAsync(150);
    expect(flushed).toHaveLength(1);
    release();
    await Promise.all([first, second]);
    expect(flushed.map((f) => [f.items, f.at - t0])).toEqual([
      [[1], 40],
      [[2], 200],
    ]);
  });

  it('rejects the adds of a failed flush and keeps going', async () => {
    let fail = true;
    const b = new Batcher<number>({ maxRows: 2, maxWaitMs: 5 }, async () => {
      if (fail) throw new Error('boom');
    });
    await expect(b.add([1, 2])).rejects.toThrow('boom');
    fail = false;
    const next = b.add([3]);
    await vi.advanceTimersByTimeAsync(5);
    await expect(next).resolves.toBeUndefined();
  });
});

describe('dedup tokens', () => {
  it('derive from the offset ranges per topic-partition and the table, whatever the record order', () => {
    const a = offsetRanges([rec(1, 10), rec(0, 5), rec(1, 12), rec(0, 7)]);
    const b = offsetRanges([rec(0, 7), rec(1, 12), rec(0, 5), rec(1, 10)]);
    expect(a).toEqual(b);
    expect(dedupToken(a, 'messages')).toBe('messages:enriched/0/5-7,enriched/1/10-12');
    expect(dedupToken(a, 'events')).not.toBe(dedupToken(a, 'messages'));
    expect(dedupToken(offsetRanges([rec(0, 5), rec(0, 8)]), 'messages')).not.toBe(dedupToken(a, 'messages'));
  });

  it('compares offsets as integers, not strings', () => {
    expect(offsetRanges([rec(0, 9), rec(0, 10), rec(0, 100)])).toEqual([
      { topic: 'enriched', partition: 0, first: '9', last: '100' },
    ]);
  });

  it('hash long range lists', () => {
    const many = offsetRanges(Array.from({ length: 40 }, (_, p) => rec(p, 1000 + p, null, 'a-long-topic-name')));
    expect(dedupToken(many, 'events')).toMatch(/^events:sha256:[0-9a-f]{64}$/);
  });
});

describe('dead-letter routing', () => {
  it('accepts a valid enriched event', () => {
    const value = codec.encode('enriched-event', posted('e1', 0, 'm-1', 'hi', enrichment('neutral', 0)));
    const r = routeRecord(codec, rec(0, 1, value));
    expect(r.ok).toBe(true);
  });

  it('rejects undecodable bytes with the decoder reason', () => {
    const cases: [Buffer | null, string][] = [
      [null, 'decode:empty'],
      [Buffer.from('not avro'), 'decode:bad-magic'],
      [Buffer.from([0xc3, 0x01, 1, 2]), 'decode:truncated'],
      [
        codec.encode('conversation-event', posted('e1', 0, 'm-1', 'hi', enrichment('neutral', 0)).event),
        'decode:wrong-subject',
      ],
    ];
    for (const [value, reason] of cases) {
      const r = routeRecord(codec, rec(0, 1, value));
      expect(r.ok ? 'accepted' : r.rejected.reason).toBe(reason);
    }
  });

  it('rejects decodable but invalid events', () => {
    const badRelabel = moderation('e9', 0, 'relabel', 'm-1', { sentiment: 'furious' });
    const noId = { ...posted('e1', 0, 'm-1', 'hi', enrichment('neutral', 0)) };
    noId.event = { ...noId.event, event_id: '' };
    for (const [e, detail] of [
      [badRelabel, /relabel_sentiment furious/],
      [noId, /event_id is empty/],
    ] as const) {
      const r = routeRecord(codec, rec(0, 1, codec.encode('enriched-event', e)));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.rejected.reason).toBe('invalid');
        expect(r.rejected.detail).toMatch(detail);
      }
    }
  });

  it('a dead letter keeps the original bytes and key and says why and where from', () => {
    const original = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const m = deadLetterMessage(
      { record: rec(3, 42, original), stage: 'sink', reason: 'decode:bad-magic', detail: 'x' },
      1000,
    );
    expect(m.value).toEqual(original);
    expect(m.key).toEqual(Buffer.from('th-1'));
    expect(m.headers).toMatchObject({
      [DLQ_HEADERS.reason]: 'decode:bad-magic',
      [DLQ_HEADERS.partition]: '3',
      [DLQ_HEADERS.offset]: '42',
      [DLQ_HEADERS.stage]: 'sink',
    });
  });

  it('a dead letter read back from the topic becomes a dead_letters row of its origin, and so does a bare record', () => {
    const original = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const m = deadLetterMessage(
      {
        record: { ...rec(3, 42, original), topic: 'brandpulse.conversation-events' },
        stage: 'enricher',
        reason: 'decode:bad-magic',
        detail: 'magic byte 222',
      },
      1_700_000_000_123,
    );
    const onTopic = {
      topic: 'brandpulse.dead-letters',
      partition: 0,
      offset: '7',
      key: m.key as Buffer,
      value: m.value as Buffer,
      headers: m.headers,
    };
    expect(deadLetterRowFromRecord(onTopic)).toEqual({
      stage: 'enricher',
      reason: 'decode:bad-magic',
      detail: 'magic byte 222',
      source_topic: 'brandpulse.conversation-events',
      source_partition: 3,
      source_offset: '42',
      size_bytes: 4,
      dead_lettered_at: '1700000000.123',
    });
    // Headers come back from Kafka as Buffers.
    const asBuffers = Object.fromEntries(Object.entries(m.headers!).map(([k, v]) => [k, Buffer.from(String(v))]));
    expect(deadLetterRowFromRecord({ ...onTopic, headers: asBuffers })).toEqual(deadLetterRowFromRecord(onTopic));
    // Put on the topic by hand, without headers: counted at its own place, cause unknown.
    expect(deadLetterRowFromRecord({ ...onTopic, headers: {} })).toMatchObject({
      stage: 'unknown',
      reason: 'unknown',
      detail: '',
      source_topic: 'brandpulse.dead-letters',
      source_partition: 0,
      source_offset: '7',
      size_bytes: 4,
    });
  });
});

describe('retry classification', () => {
  it('retries outages and stops on errors a retry cannot fix', () => {
    expect(isRetriable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(
      isRetriable(new ClickHouseError({ message: 'Table x does not exist', code: '60', type: 'UNKNOWN_TABLE' })),
    ).toBe(false);
    expect(
      isRetriable(new ClickHouseError({ message: 'Memory limit', code: '241', type: 'MEMORY_LIMIT_EXCEEDED' })),
    ).toBe(true);
    expect(isRetriable(Object.assign(new Error('kafka'), { retriable: false }))).toBe(false);
  });

  it('backs off exponentially up to a cap', () => {
    expect(backoffDelay(1, 200, 10_000, () => 1)).toBe(400);
    expect(backoffDelay(3, 200, 10_000, () => 1)).toBe(1600);
    expect(backoffDelay(30, 200, 10_000, () => 1)).toBe(10_000);
  });
});
