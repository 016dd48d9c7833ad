import { describe, expect, it } from 'vitest';
import { compare, matchPoison, summarizeDeadLetters, type DeadLetterRecord } from './ledger.ts';

const dl = (over: Partial<DeadLetterRecord>): DeadLetterRecord => ({
  stage: 'sink',
  reason: 'invalid',
  sourceTopic: 'enriched',
  sourcePartition: 0,
  sourceOffset: '1',
  eventId: null,
  value: null,
  ...over,
});

describe('compare', () => {
  it('counts lost and duplicated acknowledged ids and ignores ids nobody acknowledged', () => {
    const c = compare(
      'events',
      new Set(['a', 'b', 'c', 'd']),
      new Map([
        ['a', 1],
        ['b', 2],
        ['d', 1],
        ['zz', 5],
      ]),
    );
    expect(c).toMatchObject({
      expected: 4,
      stored: 3,
      lost: 1,
      duplicated: 1,
      lostSample: ['c'],
      duplicatedSample: ['b'],
    });
  });
});

describe('summarizeDeadLetters', () => {
  it('tells records from distinct source records and finds the ones dead-lettered twice', () => {
    const s = summarizeDeadLetters([
      dl({ sourceOffset: '1' }),
      dl({ sourceOffset: '1' }),
      dl({ sourceOffset: '2' }),
      dl({ stage: 'enricher', reason: 'decode:bad-magic', sourceTopic: 'raw', sourceOffset: '1' }),
    ]);
    expect(s).toEqual({
      records: 4,
      distinct: 3,
      twice: [{ origin: 'enriched/0@1', copies: 2 }],
      byReason: [
        { stage: 'sink', reason: 'invalid', records: 3 },
        { stage: 'enricher', reason: 'decode:bad-magic', records: 1 },
      ],
    });
  });
});

describe('matchPoison', () => {
  it('finds a poison record by where it was written, its bytes, or the event id inside; and says when it was stored instead', () => {
    const garbage = Buffer.from([0x7b, 1, 2, 3]);
    const records = [
      dl({ sourceTopic: 'raw', sourceOffset: '9', stage: 'enricher' }),
      dl({ sourceOffset: '40', eventId: 'chaos-poison-kafka-1' }),
      dl({ sourceOffset: '41', value: Buffer.from(garbage) }),
    ];
    const out = matchPoison(
      [
        { label: 'garbage raw', eventId: null, origin: 'raw/0@9', value: Buffer.from([9]) },
        {
          label: 'absurd raw, dead-lettered by the sink',
          eventId: 'chaos-poison-kafka-1',
          origin: 'raw/3@100',
          value: Buffer.from([8]),
        },
        { label: 'garbage enriched', eventId: null, origin: 'enriched/5@41', value: garbage },
        { label: 'api accepted, stored', eventId: 'chaos-poison-api-2', origin: null, value: null },
      ],
      records,
      new Set(['chaos-poison-api-2']),
    );
    expect(out.map((o) => [o.label, o.deadLetters, o.stored])).toEqual([
      ['garbage raw', 1, false],
      ['absurd raw, dead-lettered by the sink', 1, false],
      ['garbage enriched', 1, false],
      ['api accepted, stored', 0, true],
    ]);
    expect(out[1]!.origins).toEqual(['enriched/0@40']);
  });
});
