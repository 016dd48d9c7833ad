/**
 * Rough heap bytes of a flat record (V8, 64-bit): object header and one slot per field, plus each
 * string's own header and characters (counted as two-byte, so an upper bound for Latin texts).
 * Good enough to bound a cache by memory instead of by entry count (a thread of 3 messages and one
 * of 3000 differ a thousandfold); checked against the measured heap in
 * test/unit/shared/approx-bytes.unit.test.ts.
 */
const OBJECT_HEADER = 24;
const SLOT = 8;
const STRING_HEADER = 16;

export function approxRecordBytes(record: object): number {
  let n = OBJECT_HEADER;
  for (const v of Object.values(record)) {
    n += SLOT;
    if (typeof v === 'string') n += STRING_HEADER + 2 * v.length;
    else if (typeof v === 'number' && !Number.isInteger(v)) n += 16; // a boxed double
  }
  return n;
}

/** One Map or array entry's own overhead (hash table slot, key pointer). */
export const ENTRY_BYTES = 32;
