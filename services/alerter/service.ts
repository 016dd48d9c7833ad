import { MIN_EVENT_TIME_MS } from '../shared/limits.ts';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { DecodeError, type AvroCodec } from '../shared/avro.ts';
import type { EnrichedEvent } from '../shared/events.ts';
import type { Logger } from '../shared/logger.ts';
import { noObserver, type PipelineObserver } from '../shared/observe.ts';
import { observationOf, type AlertEvent } from './alert.ts';
import { SpikeDetector } from './detector.ts';
import type { DetectorParams } from './params.ts';
import type { AlertStore } from './store.ts';
import type { AuthorKeyLog } from '../shared/author-key-log.ts';
import { deliver, type DeliveryDeps, type DeliveryResult, type WebhookEndpoint } from './webhook.ts';
import { durableProducer, groupConsumer } from '../shared/kafka.ts';

/**
 * The alerter process: enriched events → spike detector → alert events on the alerts topic (Avro,
 * keyed by brand), rows in ClickHouse, signed webhooks. Restart safety:
 * - the detector state is snapshotted to ClickHouse with the input offsets it reflects, and a
 *   restart resumes from there (no snapshot: the retained topic is replayed from the beginning,
 *   rebuilding the baselines; alerts older than maxAlertAgeMs are recorded but not sent);
 * - every alert event is checked against the ledger (alerts table) before it is produced, and every
 *   webhook against the delivery log before it is sent.
 */
export interface AlerterOptions {
  sourceTopic: string;
  alertsTopic: string;
  groupId: string;
  params: DetectorParams;
  endpoints: WebhookEndpoint[];
  delivery: Omit<DeliveryDeps, 'nowMs'>;
  maxAlertAgeMs: number;
  snapshotIntervalMs: number;
  idleMs: number;
  /** Events further than this ahead of the wall clock are ignored (a broken client clock must not push the watermark). */
  maxClockSkewMs: number;
}

export interface AlerterDeps {
  kafka: Kafka;
  codec: AvroCodec;
  store: AlertStore;
  logger: Logger;
  now?: () => number;
  observer?: PipelineObserver;
  /** The author keys: samples open with them for ClickHouse and webhooks, and stay sealed on the alerts topic. */
  keys?: AuthorKeyLog;
}

const STAGE = 'alerter';

export class Alerter {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private detector!: SpikeDetector;
  private readonly emitted = new Map<string, AlertEvent>();
  private readonly delivered = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly offsets: Record<string, string> = {};
  private chain: Promise<unknown> = Promise.resolve();
  private lastInputAt = 0;
  private lastSnapshotAt = 0;
  private timer: NodeJS.Timeout | null = null;
  readonly stats = {
    events: 0,
    observed: 0,
    skipped: 0,
    alerts: 0,
    alreadyEmitted: 0,
    deliveries: 0,
    failedDeliveries: 0,
  };

  constructor(
    private readonly deps: AlerterDeps,
    private readonly o: AlerterOptions,
  ) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private get observer(): PipelineObserver {
    return this.deps.observer ?? noObserver;
  }

  /**
   * The next offset to read per partition of the source topic, as of the last event processed. The
   * alerter commits no offsets (its snapshots hold them), so its consumer lag is measured from these.
   */
  positions(): Record<string, string> {
    return { ...this.offsets };
  }

  async start(): Promise<void> {
    const { kafka, store, logger } = this.deps;
    const snap = await store.loadSnapshot(this.o.groupId);
    const keys = this.deps.keys;
    await keys?.start();
    this.detector = new SpikeDetector(this.o.params, snap?.state, (text, brand) =>
      keys ? (keys.store.open(text, brand) ?? '') : text,
    );
    Object.assign(this.offsets, snap?.offsets ?? {});
    const ledger = await store.loadLedger(this.now() - 30 * 24 * 3_600_000);
    for (const a of ledger.alerts) this.emitted.set(`${a.alert_id}:${a.kind}`, a);
    for (const d of ledger.delivered) this.delivered.add(d);
    logger.info({ snapshot: Boolean(snap), ledger: ledger.alerts.length }, 'alerter state loaded');

    this.producer = durableProducer(kafka);
    await this.producer.connect();
    // Deliveries a previous run did not finish (it stopped, or the receiver was down for good).
    for (const a of ledger.alerts) this.deliverAll(a);

    this.consumer = groupConsumer(kafka, this.o.groupId);
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.o.sourceTopic, fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatch: (b) => this.serial(() => this.onBatch(b)) });
    for (const [partition, offset] of Object.entries(this.offsets)) {
      this.consumer.seek({ topic: this.o.sourceTopic, partition: Number(partition), offset });
    }
    this.lastInputAt = this.now();
    this.timer = setInterval(() => void this.serial(() => this.onTimer()), Math.min(1_000, this.o.idleMs));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.consumer?.disconnect();
    await this.serial(() => this.snapshot());
    await Promise.allSettled([...this.inFlight]);
    await this.producer?.disconnect();
    await this.deps.keys?.stop();
  }

  /** Waits until every queued delivery has finished (tests, shutdown). */
  async drain(): Promise<void> {
    await this.chain;
    await Promise.allSettled([...this.inFlight]);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch((err) => this.deps.logger.error({ err }, 'alerter step failed'));
    return next;
  }

  private async onBatch({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    const started = performance.now();
    // The keys of every event fetched are in the key topic already; after this, an unknown one is erased.
    if (this.deps.keys) await this.deps.keys.sync();
    const partition = batch.partition;
    for (const message of batch.messages) {
      this.stats.events++;
      let event: EnrichedEvent;
      try {
        event = this.deps.codec.decode<EnrichedEvent>('enriched-event', message.value);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        // The enricher dead-letters what it cannot process; a bad record here is logged and skipped.
        this.stats.skipped++;
        this.deps.logger.warn(
          { partition, offset: message.offset, reason: err.reason },
          'undecodable enriched event skipped',
        );
        this.offsets[partition] = String(BigInt(message.offset) + 1n);
        continue;
      }
      const obs = observationOf(event);
      // Outside the window every stage accepts (shared/limits.ts) an observation would stretch the
      // detector's windows across centuries: the sink dead-letters such records, the alerter skips them.
      if (obs && obs.time >= MIN_EVENT_TIME_MS && obs.time <= this.now() + this.o.maxClockSkewMs) {
        this.stats.observed++;
        for (const a of this.detector.observe(obs)) await this.handle(a);
      }
      this.offsets[partition] = String(BigInt(message.offset) + 1n);
    }
    this.lastInputAt = this.now();
    await heartbeat();
    if (this.now() - this.lastSnapshotAt >= this.o.snapshotIntervalMs) await this.snapshot();
    this.observer.batch(STAGE, (performance.now() - started) / 1000, batch.messages.length);
  }

  /**
   * With no input for idleMs, event time is advanced with the wall clock (only when the input is
   * live, i.e. its latest event is recent), so that an end or a quiet period is still decided.
   */
  private async onTimer(): Promise<void> {
    const now = this.now();
    const progress = this.detector.progress;
    if (now - this.lastInputAt < this.o.idleMs || !Number.isFinite(progress) || now - progress > 10 * 60_000) return;
    for (const a of this.detector.advanceTo(now - this.o.idleMs - this.o.params.allowedLatenessMs))
      await this.handle(a);
    if (now - this.lastSnapshotAt >= this.o.snapshotIntervalMs) await this.snapshot();
  }

  private async snapshot(): Promise<void> {
    if (!this.detector || !Number.isFinite(this.detector.progress)) return;
    this.lastSnapshotAt = this.now();
    await this.deps.store.saveSnapshot(
      this.o.groupId,
      { ...this.offsets },
      this.detector.snapshot(),
      this.lastSnapshotAt,
    );
    this.observer.rowsWritten('alerter_snapshots', 1);
    this.observer.wrote(STAGE);
  }

  private async handle(a: AlertEvent): Promise<void> {
    if (a.kind === 'start') {
      // Same spike decided one step apart by a previous run (partition interleaving differs on
      // replay): adopt that alert's id instead of raising a second one.
      const twin = [...this.emitted.values()].find(
        (e) =>
          e.kind === 'start' &&
          e.brand === a.brand &&
          e.platform === a.platform &&
          e.alert_id !== a.alert_id &&
          Math.abs(e.detected_at - a.detected_at) <= this.o.params.cooldownMs,
      );
      if (twin) {
        this.detector.adoptAlertId(a.brand, a.platform, twin.alert_id);
        a = { ...a, alert_id: twin.alert_id };
      }
    }
    const key = `${a.alert_id}:${a.kind}`;
    let stored = this.emitted.get(key);
    if (stored) this.stats.alreadyEmitted++;
    else {
      stored = { ...a, emitted_at: this.now() };
      await this.producer!.send({
        topic: this.o.alertsTopic,
        acks: -1,
        messages: [
          {
            key: a.brand,
            value: this.deps.codec.encode('alert-event', stored),
            headers: { alert_id: a.alert_id, kind: a.kind },
          },
        ],
      });
      this.observer.rowsWritten(this.o.alertsTopic, 1);
      await this.deps.store.insertAlert(this.opened(stored));
      this.observer.rowsWritten('alerts', 1);
      this.observer.wrote(STAGE);
      this.emitted.set(key, stored);
      this.stats.alerts++;
      this.deps.logger.info(
        { alert_id: a.alert_id, kind: a.kind, brand: a.brand, platform: a.platform, ratio: a.ratio },
        'alert emitted',
      );
    }
    this.deliverAll(stored);
  }

  /** The alert with its samples opened (blank once their author is erased), for ClickHouse and webhooks. */
  private opened(a: AlertEvent): AlertEvent {
    const keys = this.deps.keys;
    if (!keys) return a;
    const open = (v: string) => keys.store.open(v, a.brand) ?? '';
    return {
      ...a,
      samples: a.samples.map((s) => ({ ...s, text: open(s.text), url: s.url === null ? null : open(s.url) || null })),
    };
  }

  private deliverAll(a: AlertEvent): void {
    if (this.now() - a.detected_at > this.o.maxAlertAgeMs) return; // history (replay): recorded, not paged
    for (const endpoint of this.o.endpoints) {
      const id = `${a.alert_id}:${a.kind}:${endpoint.name}`;
      if (this.delivered.has(id)) continue;
      this.delivered.add(id); // claimed: one delivery per alert event and endpoint in this process
      const p = deliver(endpoint, this.opened(a), { ...this.o.delivery, nowMs: () => this.now() })
        .then((r: DeliveryResult) => this.recordDelivery(a, endpoint, id, r))
        .catch((err) => this.deps.logger.error({ err, alert_id: a.alert_id }, 'delivery bookkeeping failed'))
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async recordDelivery(a: AlertEvent, endpoint: WebhookEndpoint, id: string, r: DeliveryResult): Promise<void> {
    // The result keeps only the last attempt's status: each retry is counted under it.
    for (let i = 1; i < r.attempts; i++)
      this.observer.retry(STAGE, `webhook:${r.httpStatus > 0 ? r.httpStatus : 'network'}`);
    if (r.status === 'delivered') this.stats.deliveries++;
    else {
      this.stats.failedDeliveries++;
      this.delivered.delete(id); // a later restart tries again while the alert is recent
      this.deps.logger.error(
        { alert_id: a.alert_id, kind: a.kind, endpoint: endpoint.name, ...r },
        'webhook delivery failed',
      );
    }
    await this.serial(() => this.deps.store.recordDelivery(a, endpoint.name, r, this.now()));
    this.observer.rowsWritten('alert_deliveries', 1);
  }
}
