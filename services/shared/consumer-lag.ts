import type { Admin, Kafka } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from './logger.ts';
import { METRIC } from './metrics.ts';

/** A partition's retained range: `low` is the first offset still kept, `high` the next one to be written. */
export interface PartitionEnds {
  partition: number;
  low: string;
  high: string;
}

export interface PartitionLag {
  partition: number;
  lag: number;
}

/**
 * Records a consumer still has to process per partition: from where it resumes (its committed
 * offset, i.e. the next offset to read) to the end of the log. No position (kafkajs reports "-1") or
 * one below the retained range means it starts at the oldest kept record, as every brandpulse
 * consumer does (fromBeginning). Never negative: a commit can race the high-watermark read.
 */
export function partitionLag(ends: readonly PartitionEnds[], positions: ReadonlyMap<number, string>): PartitionLag[] {
  return ends
    .map(({ partition, low, high }) => {
      const lo = BigInt(low);
      const hi = BigInt(high);
      const raw = positions.get(partition);
      const at = raw === undefined || BigInt(raw) < lo ? lo : BigInt(raw);
      return { partition, lag: Number(hi > at ? hi - at : 0n) };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** One Kafka admin client, connected on first use and again after a failure. */
export class LazyAdmin {
  private admin: Admin | null = null;
  private connected: Promise<Admin> | null = null;

  constructor(private readonly kafka: Kafka) {}

  get(): Promise<Admin> {
    this.connected ??= (async () => {
      this.admin ??= this.kafka.admin();
      await this.admin.connect();
      return this.admin;
    })().catch((err: unknown) => {
      this.connected = null;
      throw err;
    });
    return this.connected;
  }

  async close(): Promise<void> {
    this.connected = null;
    await this.admin?.disconnect().catch(() => undefined);
  }
}

export interface LagSource {
  group: string;
  topic: string;
  /**
   * Where the consumer resumes, per partition (the next offset to read). Default: the group's
   * committed offsets, right for consumers that commit after their writes (enricher, sink). The
   * alerter commits nothing (its snapshots hold its offsets) and passes its own.
   */
  positions?: () => Record<string, string>;
}

/** Rejects after `ms`; the work itself goes on (its caller must not start another meanwhile). */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * `brandpulse_consumer_lag{group,topic,partition}`, read from Kafka when Prometheus scrapes (one
 * ListOffsets and one OffsetFetch per source), so it is exact at scrape time, also while the consumer
 * is paused or stuck, where counters updated by the consumer itself would stop. When Kafka does not
 * answer in time the series are left out (Prometheus shows a gap) and
 * `brandpulse_consumer_lag_errors_total` counts it; scrapes never pile up behind a slow answer.
 */
export class ConsumerLagMetrics {
  private pending: Promise<Array<{ source: LagSource; lags: PartitionLag[] }>> | null = null;

  constructor(
    registry: Registry,
    private readonly deps: { admin: LazyAdmin; sources: readonly LagSource[]; logger: Logger; timeoutMs?: number },
  ) {
    const errors = new Counter({
      name: METRIC.consumerLagErrors,
      help: 'Scrapes where Kafka did not give the consumer lag in time.',
      registers: [registry],
    });
    const read = () => this.read();
    const log = deps.logger;
    new Gauge({
      name: METRIC.consumerLag,
      help: 'Records not yet processed per topic partition: end of the log minus where the consumer group resumes (its committed offset).',
      labelNames: ['group', 'topic', 'partition'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const { source, lags } of await read()) {
            for (const { partition, lag } of lags)
              this.set({ group: source.group, topic: source.topic, partition: String(partition) }, lag);
          }
        } catch (err) {
          errors.inc();
          log.warn({ err: (err as Error).message }, 'consumer lag unavailable');
        }
      },
    });
  }

  /** Lag of every source now. Concurrent scrapes share one read, and a slow one is not started again. */
  read(): Promise<Array<{ source: LagSource; lags: PartitionLag[] }>> {
    this.pending ??= this.fetch().finally(() => {
      this.pending = null;
    });
    return withTimeout(this.pending, this.deps.timeoutMs ?? 3_000, 'consumer lag');
  }

  private async fetch(): Promise<Array<{ source: LagSource; lags: PartitionLag[] }>> {
    const admin = await this.deps.admin.get();
    return Promise.all(
      this.deps.sources.map(async (source) => {
        const [ends, positions] = await Promise.all([
          admin.fetchTopicOffsets(source.topic),
          this.positions(admin, source),
        ]);
        return { source, lags: partitionLag(ends, positions) };
      }),
    );
  }

  private async positions(admin: Admin, source: LagSource): Promise<Map<number, string>> {
    if (source.positions) return new Map(Object.entries(source.positions()).map(([p, o]) => [Number(p), o]));
    const [committed] = await admin.fetchOffsets({ groupId: source.group, topics: [source.topic] });
    // "-1": nothing committed for that partition yet.
    return new Map((committed?.partitions ?? []).filter((p) => p.offset !== '-1').map((p) => [p.partition, p.offset]));
  }
}
