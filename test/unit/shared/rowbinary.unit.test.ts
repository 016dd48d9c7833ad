import { describe, expect, it } from 'vitest';
import { DataError, FatalError } from '../../../services/shared/errors.ts';
import { encodeRows, encoderFor, RowBinaryWriter } from '../../../services/shared/rowbinary.ts';

/** Int64 little-endian by Node's own writer: the reference the encoder's two-halves path is checked against. */
function le64(v: bigint): string {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(v);
  return b.toString('hex');
}

/** The bytes one value of `type` encodes to, as hex. */
function hex(type: string, v: unknown): string {
  const w = new RowBinaryWriter(4);
  encoderFor(type)(w, v);
  return w.bytes().toString('hex');
}

describe('RowBinary encoder (the layout of https://clickhouse.com/docs/en/interfaces/formats#rowbinary)', () => {
  it('writes integers little-endian, 64-bit ones from numbers, strings or bigints', () => {
    expect(hex('UInt8', 200)).toBe('c8');
    expect(hex('UInt8', true)).toBe('01');
    expect(hex('Int8', -1)).toBe('ff');
    expect(hex('UInt16', 0x1234)).toBe('3412');
    expect(hex('UInt32', 0xdeadbeef)).toBe('efbeadde');
    expect(hex('Int32', -2)).toBe('feffffff');
    expect(hex('UInt64', '18446744073709551615')).toBe('ffffffffffffffff');
    expect(hex('UInt64', 258)).toBe('0201000000000000');
    expect(hex('Int64', -2n)).toBe('feffffffffffffff');
  });

  it('writes floats as IEEE 754 little-endian', () => {
    expect(hex('Float64', 1)).toBe('000000000000f03f');
    expect(hex('Float64', -0.5)).toBe('000000000000e0bf');
    expect(hex('Float32', 1)).toBe('0000803f');
  });

  it('writes strings as a LEB128 byte length and UTF-8, short and long', () => {
    expect(hex('String', 'ab')).toBe('026162');
    expect(hex('String', 'é')).toBe('02c3a9');
    expect(hex('String', '')).toBe('00');
    const long = 'x'.repeat(300); // 300 = 0xac 0x02 in LEB128
    expect(hex('String', long)).toBe(`ac02${'78'.repeat(300)}`);
    const wide = 'é'.repeat(42); // 42 UTF-16 units, 84 bytes: still a one-byte prefix
    expect(hex('String', wide)).toBe(`54${'c3a9'.repeat(42)}`);
    const wider = 'é'.repeat(70); // 140 bytes: two-byte prefix
    expect(hex('String', wider)).toBe(`8c01${'c3a9'.repeat(70)}`);
  });

  it('LowCardinality is its inner type; Nullable prefixes a null flag; Array a LEB128 count', () => {
    expect(hex('LowCardinality(String)', 'a')).toBe('0161');
    expect(hex('Nullable(UInt8)', null)).toBe('01');
    expect(hex('Nullable(UInt8)', 7)).toBe('0007');
    expect(hex('Array(UInt16)', [1, 2])).toBe('0201000200');
    expect(hex('Array(Nullable(String))', ['a', null])).toBe('0200016101');
    expect(hex('Array(LowCardinality(String))', [])).toBe('00');
  });

  it('writes instants from epoch ms (or the dateTime64 text) in the column unit', () => {
    // DateTime64(3): Int64 milliseconds.
    expect(hex("DateTime64(3, 'UTC')", 1_700_000_000_123)).toBe(le64(1_700_000_000_123n));
    expect(hex("DateTime64(3, 'UTC')", '1700000000.123')).toBe(le64(1_700_000_000_123n));
    expect(hex("DateTime64(3, 'UTC')", -4_294_967_296)).toBe(le64(-4_294_967_296n));
    expect(hex("DateTime64(3, 'UTC')", -8_640_000_000_000)).toBe(le64(-8_640_000_000_000n));
    expect(hex("DateTime64(3, 'UTC')", '1970-01-01T00:00:00.000Z')).toBe('0000000000000000');
    expect(hex("DateTime64(3, 'UTC')", -1)).toBe('ffffffffffffffff');
    expect(hex("DateTime64(6, 'UTC')", 1)).toBe('e803000000000000'); // 1 ms = 1000 µs
    expect(hex("DateTime('UTC')", 1_700_000_000_999)).toBe('00f15365'); // whole seconds
    expect(hex('Date', '2024-03-05')).toBe(hex('UInt16', 19787));
    expect(hex("Nullable(DateTime64(3, 'UTC'))", null)).toBe('01');
  });

  it('stores the default for null in a column that is not Nullable, as the JSON insert did', () => {
    expect(hex('String', null)).toBe('00');
    expect(hex('UInt8', undefined)).toBe('00');
    expect(hex('Array(String)', null)).toBe('00');
    expect(hex("DateTime64(3, 'UTC')", null)).toBe('0000000000000000');
  });

  it('refuses a value its column cannot hold as data, and an unknown type as a deployment fault', () => {
    expect(() => hex('UInt16', 70_000)).toThrow(DataError);
    expect(() => hex('UInt8', -1)).toThrow(DataError);
    expect(() => hex('UInt8', 1.5)).toThrow(DataError);
    expect(() => hex('UInt64', 'twelve')).toThrow(DataError);
    expect(() => hex('String', { a: 1 })).toThrow(DataError);
    expect(() => hex("DateTime64(3, 'UTC')", 'yesterday')).toThrow(DataError);
    expect(() => hex('Array(String)', 'a')).toThrow(DataError);
    expect(() => encoderFor('Map(String, String)')).toThrow(FatalError);
  });

  it('encodes rows column by column in the order given, growing its buffer', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ b: `v${i}`, a: i }));
    const body = encodeRows(
      [
        { name: 'a', type: 'UInt32' },
        { name: 'b', type: 'String' },
      ],
      rows,
    );
    expect(body.subarray(0, 7).toString('hex')).toBe('00000000027630');
    let size = 0;
    for (const r of rows) size += 4 + 1 + r.b.length;
    expect(body.length).toBe(size);
  });
});
