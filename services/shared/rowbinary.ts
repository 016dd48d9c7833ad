import { DataError, FatalError } from './errors.ts';

/**
 * ClickHouse's RowBinary input format (https://clickhouse.com/docs/en/interfaces/formats#rowbinary),
 * written from row objects for the column types the server reports. @clickhouse/client has no
 * RowBinary writer and no maintained npm package does; this covers the types our tables use:
 * (U)Int8..64, Float32/64, Bool, String, Date, DateTime, DateTime64(p), LowCardinality, Nullable
 * and Array of them. Why: the sink's rows as JSON text cost a third of its CPU in JSON.stringify
 * and its garbage, and the engine's parsing of that text was most of its insert cost.
 *
 * Values follow what the JSON insert accepted, so a row builder can feed either: instants are epoch
 * ms numbers (or the text shared/clickhouse.ts dateTime64 writes), booleans go as 0/1, 64-bit
 * integers may come as strings, and null for a column that is not Nullable stores the type's
 * default (ClickHouse's input_format_null_as_default, on by default for JSON). A value that cannot
 * be stored in its column throws a DataError (the sink isolates the record, like a ClickHouse parse
 * error); a type this file does not know is a FatalError (deployment: a migration ahead of the code).
 */

export class RowBinaryWriter {
  private buf: Buffer;
  private view: DataView;
  pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  i64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
  }

  u64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
  }

  /** A safe integer as Int64 without a BigInt (two 32-bit halves). */
  i64n(v: number): void {
    this.ensure(8);
    const lo = v % 0x1_0000_0000;
    const hi = (v - lo) / 0x1_0000_0000;
    this.view.setUint32(this.pos, lo < 0 ? lo + 0x1_0000_0000 : lo, true);
    this.view.setInt32(this.pos + 4, lo < 0 ? hi - 1 : hi, true);
    this.pos += 8;
  }

  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** Unsigned LEB128, as RowBinary writes lengths. */
  varint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  /**
   * Length-prefixed UTF-8. Short strings (at most 42 UTF-16 units = 126 bytes) get a one-byte
   * prefix without measuring first.
   */
  string(s: string): void {
    const len = s.length;
    if (len <= 42) {
      this.ensure(1 + 3 * len);
      const buf = this.buf;
      const start = this.pos + 1;
      // ASCII (ids, labels, most texts) byte by byte: cheaper than a call into Buffer#write.
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      const n = i === len ? len : buf.write(s, start, 'utf8');
      buf[this.pos] = n;
      this.pos = start + n;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }
}

/** Writes one value of a column (`v` as the row holds it). */
export type ValueEncoder = (w: RowBinaryWriter, v: unknown) => void;

const unfit = (type: string, v: unknown): DataError =>
  new DataError(`${typeof v === 'string' ? JSON.stringify(v.slice(0, 80)) : String(v)} does not fit ${type}`);

/** Epoch ms from a number or from the text dateTime64()/dateTime() write (Unix seconds, or ISO before 1973). */
export function epochMs(v: unknown, type: string): number {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = /^\d+(\.\d+)?$/.test(v) ? Math.round(Number(v) * 1000) : Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  throw unfit(type, v);
}

function integer(type: string, min: number, max: number, write: (w: RowBinaryWriter, n: number) => void): ValueEncoder {
  return (w, v) => {
    const n = typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : v == null ? 0 : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw unfit(type, v);
    write(w, n);
  };
}

function bigInteger(type: string, signed: boolean): ValueEncoder {
  const [min, max] = signed ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
  return (w, v) => {
    let n: bigint;
    try {
      n = v == null ? 0n : typeof v === 'bigint' ? v : typeof v === 'boolean' ? BigInt(v ? 1 : 0) : BigInt(v as string);
    } catch {
      throw unfit(type, v);
    }
    if (n < min || n > max) throw unfit(type, v);
    if (signed) w.i64(n);
    else w.u64(n);
  };
}

function float(type: string, write: (w: RowBinaryWriter, n: number) => void): ValueEncoder {
  return (w, v) => {
    const n = typeof v === 'number' ? v : v == null ? 0 : Number(v);
    if (Number.isNaN(n) && !(typeof v === 'number' || v === 'nan')) throw unfit(type, v);
    write(w, n);
  };
}

/** Splits "A, B(C, D), E" at the top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

/** The encoder of a column type as system.columns spells it, e.g. "Array(Nullable(DateTime64(3, 'UTC')))". */
export function encoderFor(type: string): ValueEncoder {
  const open = type.indexOf('(');
  const name = open < 0 ? type : type.slice(0, open);
  const args = open < 0 ? [] : splitArgs(type.slice(open + 1, type.lastIndexOf(')')));
  switch (name) {
    case 'LowCardinality': // the same bytes as its inner type in RowBinary
      return encoderFor(args[0]!);
    case 'Nullable': {
      const inner = encoderFor(args[0]!);
      return (w, v) => {
        if (v == null) w.u8(1);
        else {
          w.u8(0);
          inner(w, v);
        }
      };
    }
    case 'Array': {
      const inner = encoderFor(args[0]!);
      return (w, v) => {
        if (v == null) return w.varint(0);
        if (!Array.isArray(v)) throw unfit(type, v);
        w.varint(v.length);
        for (const x of v) inner(w, x);
      };
    }
    case 'String':
      return (w, v) => {
        if (typeof v === 'string') w.string(v);
        else if (v == null) w.u8(0);
        else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') w.string(String(v));
        else throw unfit(type, v);
      };
    case 'UInt8':
    case 'Bool':
      return integer(type, 0, 0xff, (w, n) => w.u8(n));
    case 'Int8':
      return integer(type, -0x80, 0x7f, (w, n) => w.u8(n & 0xff));
    case 'UInt16':
      return integer(type, 0, 0xffff, (w, n) => w.u16(n));
    case 'Int16':
      return integer(type, -0x8000, 0x7fff, (w, n) => w.u16(n & 0xffff));
    case 'UInt32':
      return integer(type, 0, 0xffff_ffff, (w, n) => w.u32(n));
    case 'Int32':
      return integer(type, -0x8000_0000, 0x7fff_ffff, (w, n) => w.u32(n >>> 0));
    case 'UInt64':
      return bigInteger(type, false);
    case 'Int64':
      return bigInteger(type, true);
    case 'Float32':
      return float(type, (w, n) => w.f32(n));
    case 'Float64':
      return float(type, (w, n) => w.f64(n));
    case 'Date':
      return (w, v) => {
        const ms = v == null ? 0 : typeof v === 'string' ? Date.parse(`${v}T00:00:00Z`) : epochMs(v, type);
        const days = Math.floor(ms / 86_400_000);
        if (!(days >= 0 && days <= 0xffff)) throw unfit(type, v);
        w.u16(days);
      };
    case 'DateTime':
      return (w, v) => {
        const s = v == null ? 0 : Math.floor(epochMs(v, type) / 1000);
        if (!(s >= 0 && s <= 0xffff_ffff)) throw unfit(type, v);
        w.u32(s);
      };
    case 'DateTime64': {
      const precision = Number(args[0]);
      if (!Number.isInteger(precision) || precision < 0 || precision > 9) break;
      return (w, v) => {
        const ms = v == null ? 0 : epochMs(v, type);
        if (!Number.isFinite(ms)) throw unfit(type, v);
        // Ticks of 10^-precision s; millisecond precision (ours) stays a safe integer, no BigInt.
        if (precision === 3) w.i64n(Math.round(ms));
        else if (precision < 3) w.i64n(Math.floor(ms / 10 ** (3 - precision)));
        else w.i64(BigInt(Math.round(ms)) * 10n ** BigInt(precision - 3));
      };
    }
  }
  throw new FatalError(`RowBinary: column type ${type} is not supported (services/shared/rowbinary.ts)`);
}

export interface Column {
  name: string;
  type: string;
}

/** The rows (objects keyed by column name) as RowBinary for exactly these columns, in this order. */
export function encodeRows(columns: readonly Column[], rows: readonly Record<string, unknown>[]): Buffer {
  const encoders = columns.map((c) => encoderFor(c.type));
  const names = columns.map((c) => c.name);
  const w = new RowBinaryWriter(Math.max(4096, rows.length * 256));
  for (const row of rows) {
    for (let i = 0; i < names.length; i++) encoders[i]!(w, row[names[i]!]);
  }
  return w.bytes();
}
