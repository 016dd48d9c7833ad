// Static word vectors distilled from multilingual-e5-small (distil.py): one int8 vector per
// accent/case-folded word, looked up by the same FNV hash the intent features compute anyway, so a
// look-up costs one probe of an open-addressing table and no string work. The vectors already carry
// their frequency weight (SIF), so a message vector is their plain sum; it is L2-normalised after,
// so the int8 values are summed as they are (the scale cancels) and the table stays 1 byte a value
// in memory (2.6 MB rather than 10 MB of float32: fewer cache misses per word).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fnvString, familySeed } from '../sentiment/hash.ts';

export const WORD_VECTORS_FILE = 'word-vectors.bin';
export const BUILTIN_WORD_VECTORS_PATH = fileURLToPath(new URL(`../models/${WORD_VECTORS_FILE}`, import.meta.url));
const MAGIC = 'BPWV0001';
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Seed of the folded-word hash (shared with intent/features.ts, which computes it per word). */
export const WORD_KEY_SEED = familySeed('iw');

export function wordKey(folded: string): number {
  return fnvString(WORD_KEY_SEED, folded);
}

export class WordVectors {
  readonly dims: number;
  readonly size: number;
  /** Row-major, size x dims, int8 (real value = q * scale). */
  readonly q: Int8Array;
  /**
   * The same bytes read 4 at a time (little-endian machines, dims a multiple of 4; else null): the
   * intent features sum rows in 16-bit lanes of 32-bit words, 4 values an operation, exactly.
   */
  readonly q32: Uint32Array | null;
  readonly scale: number;
  private readonly keys: Uint32Array;
  private readonly rows: Int32Array;
  private readonly mask: number;

  constructor(bytes: Uint8Array) {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.toString('latin1', 0, 8) !== MAGIC) throw new Error('word vectors: bad magic');
    const n = buf.readUInt32LE(8);
    const dims = buf.readUInt32LE(12);
    const scale = buf.readFloatLE(16);
    const blobLen = buf.readUInt32LE(20);
    const words = buf.toString('utf8', 24, 24 + blobLen).split('\n');
    if (words.length !== n) throw new Error(`word vectors: ${words.length} words, header says ${n}`);
    this.q = new Int8Array(n * dims);
    this.q.set(new Int8Array(bytes.buffer, bytes.byteOffset + 24 + blobLen, n * dims));
    this.q32 = dims % 4 === 0 && LITTLE_ENDIAN ? new Uint32Array(this.q.buffer, 0, (n * dims) / 4) : null;
    this.scale = scale;
    this.dims = dims;
    this.size = n;
    let cap = 1;
    while (cap < n * 2) cap <<= 1;
    this.mask = cap - 1;
    this.keys = new Uint32Array(cap);
    this.rows = new Int32Array(cap).fill(-1);
    for (let r = 0; r < n; r++) {
      const h = wordKey(words[r]!);
      let i = h & this.mask;
      while (this.rows[i]! >= 0 && this.keys[i] !== h) i = (i + 1) & this.mask;
      if (this.rows[i]! >= 0) continue; // a 32-bit collision: the first word keeps the slot
      this.keys[i] = h;
      this.rows[i] = r;
    }
  }

  /** Row of the word with this key, or -1. */
  row(key: number): number {
    let i = key & this.mask;
    for (;;) {
      const r = this.rows[i]!;
      if (r < 0) return -1;
      if (this.keys[i] === key) return r;
      i = (i + 1) & this.mask;
    }
  }
}

const cache = new Map<string, WordVectors>();

export function loadWordVectors(path: string = BUILTIN_WORD_VECTORS_PATH): WordVectors {
  let v = cache.get(path);
  if (!v) cache.set(path, (v = new WordVectors(readFileSync(path))));
  return v;
}
