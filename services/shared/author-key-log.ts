import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import {
  AuthorKeyStore,
  authorRefFunction,
  keyRecord,
  newDataKey,
  seal,
  type AuthorRef,
  type DataKey,
  type MasterKeys,
} from './author-keys.ts';
import type { ConversationEvent } from './events.ts';
import type { Logger } from './logger.ts';
import { withRetry } from './retry.ts';
import { DependencyError } from './errors.ts';
import { authorOf, sealEvent } from './sealed-event.ts';

type TopicEnds = Awaited<ReturnType<Admin['fetchTopicOffsets']>>;

/**
 * Follows the author-key topic (author-keys.v1, compacted) into an AuthorKeyStore: read from the
 * beginning at start, then kept up to date. Every stage that reads texts (enricher, sink, alerter,
 * replay) holds one and calls sync() before a batch: a key is produced (acks=all) before any event
 * sealed with it, so after sync() every key of every event already fetched is known, and a key that
 * is still unknown is gone (erased).
 */
export class AuthorKeyLog {
  readonly store: AuthorKeyStore;
  private consumer: Consumer | null = null;
  private admin: Admin | null = null;
  private readonly position = new Map<number, bigint>();
  private waiters: Array<() => void> = [];
  private started: Promise<void> | null = null;

  constructor(private readonly deps: { kafka: Kafka; topic: string; master: MasterKeys; logger: Logger }) {
    this.store = new AuthorKeyStore(deps.master);
  }

  /** Loads the topic and keeps following it; idempotent (a stage and its erasure worker may share one log). */
  start(): Promise<void> {
    this.started ??= this.load().catch((err: unknown) => {
      this.started = null;
      throw err;
    });
    return this.started;
  }

  private async load(): Promise<void> {
    const { kafka, topic } = this.deps;
    this.admin = kafka.admin();
    await this.admin.connect();
    // A group of its own that never commits: every process reads the whole (compacted) topic.
    this.consumer = kafka.consumer({
      groupId: `brandpulse-author-keys-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (m.key) this.store.apply(m.key.toString('utf8'), m.value);
        }
        const next = BigInt(batch.messages.length > 0 ? batch.lastOffset() : '-1') + 1n;
        const hw = BigInt(batch.highWatermark);
        // Compaction and control records can leave offsets without a message: the high watermark says where the end is.
        const reached = next >= hw || batch.messages.length === 0 ? hw : next;
        if (reached > (this.position.get(batch.partition) ?? 0n)) this.position.set(batch.partition, reached);
        const waiting = this.waiters;
        this.waiters = [];
        for (const w of waiting) w();
      },
    });
    await this.sync();
    this.deps.logger.info({ topic, ...this.store.size, unreadable: this.store.unreadable }, 'author keys loaded');
  }

  /** Resolves once every record written to the key topic before the call is in the store. */
  async sync(timeoutMs = 30_000): Promise<void> {
    const admin = this.admin;
    if (!admin) throw new DependencyError('author key log not started');
    const ends = await this.endsAfterNow(admin, timeoutMs);
    const behind = () =>
      ends.some((p) => BigInt(p.high) > BigInt(p.low) && (this.position.get(p.partition) ?? 0n) < BigInt(p.high));
    const deadline = Date.now() + timeoutMs;
    while (behind()) {
      if (Date.now() > deadline)
        throw new DependencyError(`author keys ${this.deps.topic} not caught up within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private endsInFlight: Promise<TopicEnds> | null = null;
  private endsNext: Promise<TopicEnds> | null = null;

  /**
   * The key topic's end offsets, asked after this call: concurrent syncs (the enricher's and the
   * sink's batches of several partitions at once) share one request (two ListOffsets round trips in
   * kafkajs) instead of one each. A call that finds a request in flight cannot use its answer (it
   * may predate a key written just before the call), so it waits for the next one, which every
   * call arriving meanwhile shares.
   */
  private endsAfterNow(admin: Admin, timeoutMs: number): Promise<TopicEnds> {
    if (this.endsInFlight === null) {
      const fetched = withRetry(() => admin.fetchTopicOffsets(this.deps.topic), { maxElapsedMs: timeoutMs });
      this.endsInFlight = fetched.finally(() => (this.endsInFlight = null));
      return this.endsInFlight;
    }
    this.endsNext ??= this.endsInFlight
      .catch(() => undefined)
      .then(() => {
        this.endsNext = null;
        return this.endsAfterNow(admin, timeoutMs);
      });
    return this.endsNext;
  }

  async stop(): Promise<void> {
    const [consumer, admin] = [this.consumer, this.admin];
    this.consumer = null;
    this.admin = null;
    this.started = null;
    await consumer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }
}

/** Authors an ingest remembers (AuthorSealer): ~300 bytes each. */
const REMEMBERED_AUTHORS = 20_000;

interface RememberedAuthor {
  memoKey: string;
  plain: string;
  ref: string;
  /** The key `sealed` was sealed with (null: not yet). */
  keyId: string | null;
  sealed: string;
}

/**
 * Ingest's side: seals each event's author fields with the author's data key, creating and
 * publishing (acks=all) a key for an author seen for the first time before any event sealed with it.
 * An erased author's events are published with those fields blank (sealed-event.ts).
 */
export class AuthorSealer {
  private readonly ref: AuthorRef;
  private started: Promise<void> | null = null;
  private readonly creating = new Map<string, Promise<DataKey>>();

  constructor(
    private readonly deps: {
      log: AuthorKeyLog;
      producer: Producer;
      topic: string;
      master: MasterKeys;
      pseudonymKey: string;
      now?: () => number;
    },
  ) {
    this.ref = authorRefFunction(deps.pseudonymKey);
  }

  /** Loads the key topic and connects the producer once (the first request waits for it). */
  ready(): Promise<void> {
    this.started ??= Promise.all([this.deps.log.start(), this.deps.producer.connect()])
      .then(() => undefined)
      .catch((err: unknown) => {
        this.started = null;
        throw err;
      });
    return this.started;
  }

  async seal(events: readonly ConversationEvent[]): Promise<ConversationEvent[]> {
    await this.ready();
    const store = this.deps.log.store;
    const authors = events.map((e) => {
      const author = authorOf(e);
      return author === null ? null : this.authorOf(e.brand, author);
    });
    const refs = authors.map((a) => a?.ref ?? null);
    // Authors seen for the first time get their keys in one send for the whole batch (acks=all).
    const fresh = [
      ...new Set(
        refs.filter(
          (r): r is string => r !== null && !store.isErased(r) && store.currentKey(r) === null && !this.creating.has(r),
        ),
      ),
    ];
    if (fresh.length > 0) this.createAll(fresh);
    // Known authors resolve at once; only the new ones wait for their key's send.
    const keys: Array<DataKey | null> = refs.map(() => null);
    const waits: Array<Promise<void>> = [];
    refs.forEach((ref, i) => {
      if (ref === null || store.isErased(ref)) return;
      const key = store.currentKey(ref);
      if (key) keys[i] = key;
      else waits.push(this.creating.get(ref)!.then((k) => void (keys[i] = k)));
    });
    if (waits.length > 0) await Promise.all(waits);
    return events.map((e, i) => {
      const author = authors[i];
      if (author === null || author === undefined) return e;
      const key = keys[i]!;
      if (key === null) {
        // Erased: the event goes out blank, and nothing of this author stays remembered here.
        this.authors.delete(author.memoKey);
        return sealEvent(e, null);
      }
      if (author.keyId !== key.id) {
        author.sealed = seal(author.plain, key, e.brand);
        author.keyId = key.id;
      }
      return sealEvent(e, key, author);
    });
  }

  /**
   * Per author of a brand: its key-topic ref (a keyed hash) and its id sealed under its current key,
   * computed once instead of an HMAC and a seal per event. Reusing the sealed id reveals nothing new:
   * its key id already names one author. Bounded (oldest first out).
   */
  private readonly authors = new Map<string, RememberedAuthor>();

  private authorOf(brand: string, plain: string): RememberedAuthor {
    const memoKey = `${brand}\u0000${plain}`;
    let a = this.authors.get(memoKey);
    if (a === undefined) {
      if (this.authors.size >= REMEMBERED_AUTHORS) this.authors.delete(this.authors.keys().next().value!);
      a = { memoKey, plain, ref: this.ref(brand, plain), keyId: null, sealed: '' };
      this.authors.set(memoKey, a);
    }
    return a;
  }

  private createAll(refs: string[]): void {
    const now = (this.deps.now ?? Date.now)();
    const keys = refs.map(() => newDataKey());
    const sent = this.deps.producer
      .send({
        topic: this.deps.topic,
        acks: -1,
        messages: refs.map((ref, i) => keyRecord(ref, keys[i]!, this.deps.master, now)),
      })
      .then(() => refs.forEach((ref, i) => this.deps.log.store.remember(ref, keys[i]!)));
    refs.forEach((ref, i) => {
      const pending = sent.then(() => keys[i]!);
      pending.catch(() => undefined);
      this.creating.set(ref, pending);
      void pending.finally(() => this.creating.delete(ref)).catch(() => undefined);
    });
  }
}
