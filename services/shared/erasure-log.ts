import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { authorRefFunction, erasedRecord, keyRecordKey, type MasterKeys } from './author-keys.ts';
import type { AuthorKeyLog } from './author-key-log.ts';

/** (platform, raw platform user id) → pseudonym: ingest's keyed hash (services/ingest/pseudonym.ts). */
type Pseudonymizer = (platform: string, rawId: string) => string;

/**
 * One erasure request (GDPR art. 17) as the erasure log keeps it. The raw platform id is never
 * written; the pseudonym travels sealed with the master key, only until the sink has blanked the
 * ClickHouse rows: the "done" record under the same request id replaces it (compacted topic).
 */
export interface ErasureRecord {
  v: 1;
  request_id: string;
  state: 'requested' | 'done';
  brand: string;
  platform: string;
  /** The key topic's keyed hash of brand + author (author-keys.ts): the marker that stays. */
  author_ref: string;
  /** The pseudonym sealed with the master key (context `erasure/<request_id>`); absent once done. */
  author_sealed?: string;
  /** Who asked: `api-key:<brand>` or `cli:<user>`. */
  requested_by: string;
  requested_at: number;
  done_at?: number;
  /** Rows blanked per table when done. */
  rows?: Record<string, number>;
}

export type ErasureInput = { brand: string; platform: string; platformUserId: string; requestedBy: string };

/** `<platform>:<platform user id>` → its parts; the id may itself contain ':'. Returns a problem or the parts. */
export function parseAuthor(value: string): { platform: string; id: string } | string {
  const i = value.indexOf(':');
  if (i <= 0 || i === value.length - 1) return 'must be <platform>:<platform user id>, e.g. instagram:user-42';
  const platform = value.slice(0, i);
  if (!/^[a-z][a-z0-9_]*$/.test(platform)) return `platform "${platform}" must be lower-case letters, digits or "_"`;
  return { platform, id: value.slice(i + 1) };
}

/**
 * Records an erasure durably: first the key topic (every data key of the author tombstoned, the
 * erasure marker written, one send, acks=all), then the request on the erasure log. When this
 * resolves the author is unreadable in every topic for every stage that syncs its key store, and
 * the sink will blank the ClickHouse rows. Running it twice is harmless.
 */
export async function recordErasure(
  deps: {
    keys: AuthorKeyLog;
    producer: Producer;
    keysTopic: string;
    erasuresTopic: string;
    master: MasterKeys;
    pseudonymize: Pseudonymizer;
    pseudonymKey: string;
    now?: () => number;
  },
  input: ErasureInput,
): Promise<ErasureRecord> {
  const now = (deps.now ?? Date.now)();
  const pseudonym = deps.pseudonymize(input.platform, input.platformUserId);
  const ref = authorRefFunction(deps.pseudonymKey)(input.brand, pseudonym);
  const requestId = randomUUID();
  await deps.keys.sync();
  const tombstones = deps.keys.store.keyIdsOf(ref).map((id) => ({ key: keyRecordKey(ref, id), value: null }));
  await deps.producer.send({
    topic: deps.keysTopic,
    acks: -1,
    messages: [...tombstones, erasedRecord(ref, requestId, now)],
  });
  const record: ErasureRecord = {
    v: 1,
    request_id: requestId,
    state: 'requested',
    brand: input.brand,
    platform: input.platform,
    author_ref: ref,
    author_sealed: deps.master.sealString(pseudonym, `erasure/${requestId}`),
    requested_by: input.requestedBy,
    requested_at: now,
  };
  await deps.producer.send({
    topic: deps.erasuresTopic,
    acks: -1,
    messages: [{ key: requestId, value: JSON.stringify(record) }],
  });
  return record;
}
