import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { ClickHouseClient } from '../shared/clickhouse.ts';
import type { MasterKeys } from '../shared/author-keys.ts';
import type { AuthorKeyLog } from '../shared/author-key-log.ts';
import type { Logger } from '../shared/logger.ts';
import { withRetry } from '../shared/retry.ts';
import type { ErasureRecord } from '../shared/erasure-log.ts';
import type { SerialGate } from '../shared/serial-gate.ts';

/** ALTER … UPDATE waits until every part is rewritten (mutations_sync=2), so "done" means done. */
const SYNC = { mutations_sync: '2' } as const;

/**
 * Blanks one author's texts and identifiers in ClickHouse, keeping the rows (and so every count):
 * messages and its time-keyed copy messages_by_time (text, url, author_id), moderation_actions
 * (target_author_id, and the moderator's reason, which may quote the author), alerts (the author's sample messages and their urls). Every other
 * table holds no text or author id (grep of the migrations: events, thread_events, thread_facts,
 * thread_points, waiting_points, sentiment_minute, ingest_minute*, dead_letters, alert_deliveries); alerter_snapshots keeps sealed
 * texts only (services/alerter). Returns the rows matched per table. A database migrated before
 * messages_by_time (0710) existed has no copy to blank.
 */
export async function blankAuthor(
  clickhouse: ClickHouseClient,
  database: string,
  brand: string,
  pseudonym: string,
): Promise<Record<string, number>> {
  const params = { brand, author: pseudonym };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`not a database name: ${database}`);
  const present = await (
    await clickhouse.query({
      query:
        "SELECT name FROM system.tables WHERE database = {db:String} AND name IN ('messages', 'messages_by_time', 'moderation_actions', 'alerts')",
      query_params: { db: database },
      format: 'JSONEachRow',
    })
  ).json<{ name: string }>();
  if (present.filter((t) => t.name !== 'messages_by_time').length < 3) return {};
  const hasCopy = present.some((t) => t.name === 'messages_by_time');
  const messages = `${database}.messages`;
  const byTime = `${database}.messages_by_time`;
  const moderation = `${database}.moderation_actions`;
  const alerts = `${database}.alerts`;
  const ids = await (
    await clickhouse.query({
      query: `SELECT DISTINCT message_id FROM ${messages} WHERE brand = {brand:String} AND author_id = {author:String}`,
      query_params: params,
      format: 'JSONEachRow',
    })
  ).json<{ message_id: string }>();
  const messageIds = ids.map((r) => r.message_id);
  const count = async (sql: string, extra: Record<string, unknown> = {}) =>
    Number(
      (
        await (
          await clickhouse.query({ query: sql, query_params: { ...params, ...extra }, format: 'JSONEachRow' })
        ).json<{ n: string }>()
      )[0]?.n ?? 0,
    );
  const rows: Record<string, number> = {
    messages: await count(
      `SELECT count() AS n FROM ${messages} WHERE brand = {brand:String} AND author_id = {author:String}`,
    ),
    ...(hasCopy && {
      messages_by_time: await count(
        `SELECT count() AS n FROM ${byTime} WHERE brand = {brand:String} AND author_id = {author:String}`,
      ),
    }),
    moderation_actions: await count(
      `SELECT count() AS n FROM ${moderation} WHERE brand = {brand:String} AND target_author_id = {author:String}`,
    ),
    alerts:
      messageIds.length === 0
        ? 0
        : await count(
            `SELECT count() AS n FROM ${alerts} WHERE brand = {brand:String} AND hasAny(sample_message_ids, {ids:Array(String)})`,
            { ids: messageIds },
          ),
  };
  // Alerts first, messages last: the messages still name the author's message ids until the end, so
  // an erasure cut short (a crash) finds everything again when it is re-applied. An ALTER UPDATE does
  // not fire the materialized view, so the time-keyed copy is blanked by its own mutation (before
  // messages, for the same reason; the sink writes nothing meanwhile: the gate holds its batches).
  if (rows.alerts! > 0) {
    await clickhouse.command({
      query: `ALTER TABLE ${alerts} UPDATE
                sample_messages = arrayMap((t, id) -> if(has({ids:Array(String)}, id), '', t), sample_messages, sample_message_ids),
                sample_urls = arrayMap((u, id) -> if(has({ids:Array(String)}, id), '', u), sample_urls, sample_message_ids)
              WHERE brand = {brand:String} AND hasAny(sample_message_ids, {ids:Array(String)})`,
      query_params: { ...params, ids: messageIds },
      clickhouse_settings: SYNC,
    });
  }
  if ((rows.messages_by_time ?? 0) > 0) {
    await clickhouse.command({
      query: `ALTER TABLE ${byTime} UPDATE text = '', url = NULL, author_id = '' WHERE brand = {brand:String} AND author_id = {author:String}`,
      query_params: params,
      clickhouse_settings: SYNC,
    });
  }
  if (rows.messages! > 0) {
    await clickhouse.command({
      query: `ALTER TABLE ${messages} UPDATE text = '', url = NULL, author_id = '' WHERE brand = {brand:String} AND author_id = {author:String}`,
      query_params: params,
      clickhouse_settings: SYNC,
    });
  }
  if (rows.moderation_actions! > 0) {
    await clickhouse.command({
      query: `ALTER TABLE ${moderation} UPDATE target_author_id = NULL, reason = NULL WHERE brand = {brand:String} AND target_author_id = {author:String}`,
      query_params: params,
      clickhouse_settings: SYNC,
    });
  }
  return rows;
}

/**
 * The sink's erasure worker: follows the erasure log, and for each request not done yet waits until
 * its own key store holds the erasure marker (so no later batch can write the author's texts), then,
 * between two sink batches (the gate), blanks the ClickHouse rows, forgets what the sink's steps
 * cached of stored messages, and writes the "done" record (which drops the sealed pseudonym).
 */
export class ErasureExecutor {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private readonly latest = new Map<string, ErasureRecord>();
  private work: Promise<void> = Promise.resolve();
  private stopping = false;
  readonly stats = { done: 0 };

  constructor(
    private readonly deps: {
      kafka: Kafka;
      clickhouse: ClickHouseClient;
      keys: AuthorKeyLog;
      master: MasterKeys;
      logger: Logger;
      topic: string;
      gate: SerialGate;
      producer: Producer;
      onErased?: () => void;
      /** The live database and the replay's shadow one (it keeps the previous tables until the next replay). */
      databases: string[];
    },
  ) {}

  async start(): Promise<void> {
    const { kafka, topic } = this.deps;
    this.producer = this.deps.producer;
    this.consumer = kafka.consumer({
      groupId: `brandpulse-erasures-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 200,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        if (!message.key || !message.value) return;
        let r: ErasureRecord;
        try {
          r = JSON.parse(message.value.toString('utf8')) as ErasureRecord;
        } catch {
          this.deps.logger.warn({ offset: message.offset }, 'erasure log: unreadable record skipped');
          return;
        }
        const before = this.latest.get(r.request_id);
        if (before?.state === 'done') return;
        this.latest.set(r.request_id, r);
        if (r.state === 'requested') this.work = this.work.then(() => this.apply(r.request_id));
      },
    });
  }

  /** Resolves when every request seen so far was applied (tests). */
  idle(): Promise<void> {
    return this.work;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async apply(requestId: string): Promise<void> {
    const r = this.latest.get(requestId);
    if (!r || r.state !== 'requested' || this.stopping) return;
    const { keys, master, clickhouse, logger, gate } = this.deps;
    const pseudonym = r.author_sealed ? master.openString(r.author_sealed, `erasure/${r.request_id}`) : null;
    if (pseudonym === null) {
      logger.error(
        { request_id: r.request_id },
        'erasure request cannot be opened with the configured master keys: not applied',
      );
      return;
    }
    try {
      await withRetry(
        async () => {
          await keys.sync();
          if (!keys.store.isErased(r.author_ref)) throw new Error('erasure marker not in the key topic yet');
        },
        { maxElapsedMs: 60_000, retriable: () => true, stopped: () => this.stopping },
      );
      const rows = await gate.run(async () => {
        const blanked: Record<string, number> = {};
        for (const db of this.deps.databases) {
          const rows = await withRetry(() => blankAuthor(clickhouse, db, r.brand, pseudonym), {
            stopped: () => this.stopping,
          });
          for (const [t, n] of Object.entries(rows)) blanked[db === this.deps.databases[0] ? t : `${db}.${t}`] = n;
        }
        this.deps.onErased?.();
        return blanked;
      });
      const done: ErasureRecord = { ...r, state: 'done', done_at: Date.now(), rows };
      delete done.author_sealed;
      await this.producer!.send({
        topic: this.deps.topic,
        acks: -1,
        messages: [{ key: r.request_id, value: JSON.stringify(done) }],
      });
      this.latest.set(r.request_id, done);
      this.stats.done++;
      logger.info({ request_id: r.request_id, brand: r.brand, requested_by: r.requested_by, rows }, 'author erased');
    } catch (err) {
      logger.error({ err, request_id: r.request_id }, 'erasure not applied (retried at the next start)');
    }
  }
}
