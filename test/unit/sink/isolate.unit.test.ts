import { ClickHouseError } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import type { Accepted } from '../../../services/sink/batch.ts';
import { writeIsolating } from '../../../services/sink/isolate.ts';
import { enrichment, posted } from './fixtures.ts';

const batch = (n: number): Accepted[] =>
  Array.from({ length: n }, (_, i) => ({
    record: { topic: 't', partition: 0, offset: String(i), key: null, value: null },
    event: posted(`e${i}`, i, `m-${i}`, 'hi', enrichment('neutral', 0)),
  }));

const refused = () =>
  new ClickHouseError({ message: 'Cannot read DateTime', code: '27', type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' });

/** A store like ClickHouse: an insert holding a bad row fails whole, otherwise every row is kept. */
function store(bad: Set<string>) {
  const written: string[] = [];
  const parts: string[] = [];
  const write = async (part: Accepted[], name: string) => {
    parts.push(name);
    if (part.some((a) => bad.has(a.record.offset))) throw refused();
    written.push(...part.map((a) => a.record.offset));
  };
  return { written, parts, write };
}

describe('writeIsolating: one refused row never holds up its batch', () => {
  it('writes the whole batch in one go when nothing is refused', async () => {
    const s = store(new Set());
    expect(await writeIsolating(batch(100), s.write)).toEqual([]);
    expect(s.parts).toEqual(['']);
    expect(s.written).toHaveLength(100);
  });

  it('isolates exactly the refused records and writes every other one, in order', async () => {
    const s = store(new Set(['3', '64', '65']));
    const isolated = await writeIsolating(batch(100), s.write);
    expect(isolated.map((i) => i.accepted.record.offset)).toEqual(['3', '64', '65']);
    expect(isolated.every((i) => (i.error as ClickHouseError).code === '27')).toBe(true);
    expect(s.written).toEqual(
      batch(100)
        .map((a) => a.record.offset)
        .filter((o) => !['3', '64', '65'].includes(o)),
    );
    // Every subset gets its own name, so its inserts get their own dedup tokens.
    expect(new Set(s.parts).size).toBe(s.parts.length);
    // ~2·log2(n) writes per bad record, not one per record.
    expect(s.parts.length).toBeLessThan(3 * 2 * Math.ceil(Math.log2(100)));
  });

  it('throws dependency and fatal errors as they are: an outage never blames a record', async () => {
    let calls = 0;
    const outage = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(
      writeIsolating(batch(8), async (part) => {
        calls++;
        if (part.length < 8) throw outage;
        throw refused();
      }),
    ).rejects.toBe(outage);
    expect(calls).toBe(2);
    await expect(
      writeIsolating(batch(8), async () => {
        throw new TypeError('bug');
      }),
    ).rejects.toBeInstanceOf(TypeError);
  });
});
