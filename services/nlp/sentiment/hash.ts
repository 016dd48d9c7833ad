// Feature hashing. Features are never materialised as strings on the hot path: every feature is
// a 32-bit FNV-1a hash that starts from a per-feature-family seed and is extended char by char,
// then reduced to a bucket of the weight table. This keeps scoring allocation-light (≥20k msg/s).

export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Extends hash `h` with one UTF-16 code unit. */
export function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME) >>> 0;
}

/** Extends hash `h` with every code unit of `s`. */
export function fnvString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME) >>> 0;
  return h;
}

/** Seed for a feature family ("w:", "b:", "c3:" ...), so equal strings in different families differ. */
export function familySeed(name: string): number {
  return fnvString(FNV_OFFSET, name + '\u0001');
}

/** Final avalanche (murmur3 fmix32) so low bits are well mixed before masking to the table size. */
export function finalize(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Short stable hex digest, used for version tags of rule sets and models. */
export function shortHash(s: string): string {
  return finalize(fnvString(FNV_OFFSET, s)).toString(16).padStart(8, '0');
}
