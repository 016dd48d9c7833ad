import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomFillSync } from 'node:crypto';

/**
 * Crypto-shredding of authors (docs/security.md, "Erasure"): every text and identifier of one
 * author is sealed with that author's data key (AES-256-GCM, node:crypto) before it reaches Kafka;
 * the data keys live in a compacted topic, wrapped with a master key; erasing the author deletes
 * its keys, which makes every copy of its texts unreadable at once (raw, enriched, dead-letter and
 * alerts topics, and any replay of them). This module is the pure part: sealing, wrapping, and the
 * in-memory key store every reading stage follows (author-key-log.ts feeds it from Kafka).
 */

/** A sealed string field: `bpk1:` + base64url(key id 16 | iv 12 | tag 16 | ciphertext). */
export const SEALED_PREFIX = 'bpk1:';
const KEY_ID_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface DataKey {
  /** Random, so a ciphertext names its key without naming its author. Hex. */
  id: string;
  key: Buffer;
}

/** AAD: a sealed value opens only under the brand it was sealed for (it cannot be moved into another brand's events). */
const aadByBrand = new Map<string, Buffer>();
function aad(brand: string): Buffer {
  let bytes = aadByBrand.get(brand);
  if (bytes === undefined) {
    // Brands are few; the bound only keeps a stream of made-up brand names from growing it.
    if (aadByBrand.size >= 1024) aadByBrand.clear();
    bytes = Buffer.from(`brandpulse/author-data/1\u0000${brand}`);
    aadByBrand.set(brand, bytes);
  }
  return bytes;
}
const HEADER_BYTES = KEY_ID_BYTES + IV_BYTES + TAG_BYTES;

export function isSealed(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/**
 * Random bytes from a pooled buffer: one randomFillSync per 48 KiB instead of a call per IV or key
 * (~2 µs each). Every byte is handed out once. take() returns a view that the next refill
 * overwrites: callers use it at once (a cipher copies its IV when created) or copy it.
 */
const randomPool = Buffer.alloc(48 * 1024);
let randomNext = randomPool.length;
function takeRandom(n: number): Buffer {
  if (randomNext + n > randomPool.length) {
    randomFillSync(randomPool);
    randomNext = 0;
  }
  randomNext += n;
  return randomPool.subarray(randomNext - n, randomNext);
}

export function newDataKey(): DataKey {
  return { id: takeRandom(KEY_ID_BYTES).toString('hex'), key: Buffer.from(takeRandom(32)) };
}

const freshIv = () => takeRandom(IV_BYTES);

export function seal(plain: string, key: DataKey, brand: string): string {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aad(brand));
  // GCM is a stream mode: update() returns the whole ciphertext and final() nothing but the tag check.
  const body = cipher.update(plain, 'utf8');
  cipher.final();
  // One buffer for key id | iv | tag | ciphertext instead of three intermediate ones.
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out.write(key.id, 0, KEY_ID_BYTES, 'hex');
  iv.copy(out, KEY_ID_BYTES);
  cipher.getAuthTag().copy(out, KEY_ID_BYTES + IV_BYTES);
  body.copy(out, HEADER_BYTES);
  return SEALED_PREFIX + out.toString('base64url');
}

/** The key id a sealed value names, or null when the value is not sealed (or malformed). */
export function sealedKeyId(value: string): string | null {
  if (!isSealed(value)) return null;
  const raw = Buffer.from(value.slice(SEALED_PREFIX.length), 'base64url');
  return raw.length < KEY_ID_BYTES + IV_BYTES + TAG_BYTES ? null : raw.subarray(0, KEY_ID_BYTES).toString('hex');
}

/** Opens a sealed value with its key; null when it does not authenticate (wrong key, brand or bytes). */
export function unseal(value: string, key: Buffer, brand: string): string | null {
  return openBytes(sealedBytes(value), key, brand);
}

/** The bytes of a sealed value (key id | iv | tag | ciphertext), or null when too short to be one. */
function sealedBytes(value: string): Buffer | null {
  const raw = Buffer.from(value.slice(SEALED_PREFIX.length), 'base64url');
  return raw.length < HEADER_BYTES ? null : raw;
}

function openBytes(raw: Buffer | null, key: Buffer, brand: string): string | null {
  if (raw === null) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(KEY_ID_BYTES, KEY_ID_BYTES + IV_BYTES));
    decipher.setAAD(aad(brand));
    decipher.setAuthTag(raw.subarray(KEY_ID_BYTES + IV_BYTES, HEADER_BYTES));
    // final() authenticates: text from update() is returned only when the tag matches.
    const text = decipher.update(raw.subarray(HEADER_BYTES), undefined, 'utf8');
    return text + decipher.final('utf8');
  } catch {
    return null;
  }
}

/**
 * The master keys (key-encryption keys) that wrap data keys at rest in the key topic. The first
 * wraps new keys; all of them unwrap (rotation: put the new one first, re-wrap, drop the old one).
 * Each is derived from a configured secret with HKDF, and named by a short hash of itself.
 */
export class MasterKeys {
  private readonly keys: Array<{ id: string; key: Buffer }>;

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('at least one master key secret is needed');
    this.keys = secrets.map((s) => {
      const key = Buffer.from(hkdfSync('sha256', s, Buffer.alloc(0), 'brandpulse author-keys kek v1', 32));
      return { id: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
    });
  }

  get currentId(): string {
    return this.keys[0]!.id;
  }

  /** Wraps (seals) bytes; `context` is bound as AAD (the record key), so a wrapped key cannot be moved to another author. */
  wrap(plain: Buffer, context: string): { kek: string; wrapped: string } {
    const { id, key } = this.keys[0]!;
    const iv = freshIv();
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { kek: id, wrapped: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
  }

  unwrap(kek: string, wrapped: string, context: string): Buffer | null {
    const key = this.keys.find((k) => k.id === kek)?.key;
    if (!key) return null;
    const raw = Buffer.from(wrapped, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      return null;
    }
  }

  sealString(plain: string, context: string): string {
    const w = this.wrap(Buffer.from(plain, 'utf8'), context);
    return `${w.kek}.${w.wrapped}`;
  }

  openString(sealed: string, context: string): string | null {
    const dot = sealed.indexOf('.');
    if (dot < 0) return null;
    return this.unwrap(sealed.slice(0, dot), sealed.slice(dot + 1), context)?.toString('utf8') ?? null;
  }
}

/**
 * The key topic's name for one author of one brand: a keyed hash (HKDF of PSEUDONYM_KEY), so the
 * key topic says nothing about who an author is, and only a holder of the key can find the entry
 * of a given person (the erase command). The pseudonym is already a keyed hash of the raw id.
 */
export type AuthorRef = (brand: string, pseudonym: string) => string;

export function authorRefFunction(pseudonymKey: string): AuthorRef {
  const key = Buffer.from(hkdfSync('sha256', pseudonymKey, Buffer.alloc(0), 'brandpulse author-ref v1', 32));
  return (brand, pseudonym) =>
    createHmac('sha256', key).update(`${brand}\u0000${pseudonym}`).digest('hex').slice(0, 32);
}

/** Record keys of the key topic: `key/<ref>/<key id>` (one per data key) and `erased/<ref>` (the erasure marker). */
export const keyRecordKey = (ref: string, keyId: string) => `key/${ref}/${keyId}`;
export const erasedRecordKey = (ref: string) => `erased/${ref}`;

export interface KeyRecordValue {
  v: 1;
  kek: string;
  wrapped: string;
  created_at: number;
}

export interface ErasedRecordValue {
  v: 1;
  erased_at: number;
  request_id: string;
}

export function keyRecord(ref: string, key: DataKey, master: MasterKeys, now: number): { key: string; value: string } {
  const recordKey = keyRecordKey(ref, key.id);
  const value: KeyRecordValue = { v: 1, ...master.wrap(key.key, recordKey), created_at: now };
  return { key: recordKey, value: JSON.stringify(value) };
}

export function erasedRecord(ref: string, requestId: string, now: number): { key: string; value: string } {
  const value: ErasedRecordValue = { v: 1, erased_at: now, request_id: requestId };
  return { key: erasedRecordKey(ref), value: JSON.stringify(value) };
}

/**
 * What a stage knows of the key topic, in memory. Fed record by record in log order (apply);
 * the latest record of a key wins, a tombstone (null value) deletes it, as compaction does.
 * A ref with an erasure marker opens nothing any more, even under a key written after the marker
 * (an ingest that had not seen the marker yet): erasure is for good.
 */
export class AuthorKeyStore {
  private readonly byId = new Map<string, { ref: string; key: Buffer }>();
  /** Key ids per ref: one string almost always (several only when two ingests met a new author at once). */
  private readonly byRef = new Map<string, string | string[]>();
  private readonly erased = new Map<string, ErasedRecordValue>();
  /** Records that could not be read (bad JSON, unknown master key): counted, never fatal. */
  unreadable = 0;

  constructor(private readonly master: MasterKeys) {}

  apply(recordKey: string, value: Buffer | string | null): void {
    const parts = recordKey.split('/');
    if (parts[0] === 'key' && parts.length === 3) {
      const [, ref, id] = parts as [string, string, string];
      if (value === null) return this.forget(ref, id);
      // A key this process made (remember) comes back from the topic: a key id names one random key,
      // so there is nothing to unwrap again (the ingest that wrote it skips a decipher per new author).
      if (this.byId.get(id)?.ref === ref) return this.addRef(ref, id);
      const v = parseJson<KeyRecordValue>(value);
      const key =
        v && typeof v.kek === 'string' && typeof v.wrapped === 'string'
          ? this.master.unwrap(v.kek, v.wrapped, recordKey)
          : null;
      if (!key || key.length !== 32) {
        this.unreadable++;
        return;
      }
      this.byId.set(id, { ref, key });
      this.addRef(ref, id);
    } else if (parts[0] === 'erased' && parts.length === 2) {
      const ref = parts[1]!;
      if (value === null) this.erased.delete(ref);
      else {
        const v = parseJson<ErasedRecordValue>(value);
        if (v && typeof v.erased_at === 'number')
          this.erased.set(ref, { v: 1, erased_at: v.erased_at, request_id: String(v.request_id ?? '') });
        else this.unreadable++;
      }
    }
  }

  /** Adds a key this process just wrote (before its record comes back from the topic). */
  remember(ref: string, key: DataKey): void {
    this.byId.set(key.id, { ref, key: key.key });
    this.addRef(ref, key.id);
  }

  isErased(ref: string): boolean {
    return this.erased.has(ref);
  }

  /** The key to seal a new text of this author with (any live one), or null when it has none yet. */
  currentKey(ref: string): DataKey | null {
    const ids = this.byRef.get(ref);
    if (ids === undefined) return null;
    const id = typeof ids === 'string' ? ids : ids[ids.length - 1]!;
    return { id, key: this.byId.get(id)!.key };
  }

  keyIdsOf(ref: string): string[] {
    const ids = this.byRef.get(ref);
    return ids === undefined ? [] : typeof ids === 'string' ? [ids] : [...ids];
  }

  /** Opens a sealed value: the text, or null when its key is gone (erased) or it does not authenticate. Plain values pass through. */
  open(value: string, brand: string): string | null {
    if (!isSealed(value)) return value;
    // Decoded once for both the key id and the ciphertext.
    const raw = sealedBytes(value);
    const entry = raw === null ? undefined : this.byId.get(raw.toString('hex', 0, KEY_ID_BYTES));
    if (!entry || this.erased.has(entry.ref)) return null;
    return openBytes(raw, entry.key, brand);
  }

  /** Whether a sealed value's key id is unknown here (not yet seen, or gone). */
  knows(value: string): boolean {
    const id = sealedKeyId(value);
    return id !== null && this.byId.has(id);
  }

  get size(): { keys: number; erased: number } {
    return { keys: this.byId.size, erased: this.erased.size };
  }

  private addRef(ref: string, id: string): void {
    const ids = this.keyIdsOf(ref);
    if (ids.includes(id)) return;
    this.byRef.set(ref, ids.length === 0 ? id : [...ids, id]);
  }

  private forget(ref: string, id: string): void {
    this.byId.delete(id);
    const ids = this.keyIdsOf(ref).filter((k) => k !== id);
    if (ids.length === 0) this.byRef.delete(ref);
    else this.byRef.set(ref, ids.length === 1 ? ids[0]! : ids);
  }
}

function parseJson<T>(value: Buffer | string): Partial<T> | null {
  try {
    const v = JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) as unknown;
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}
