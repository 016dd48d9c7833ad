import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { ClickHouseClient } from './clickhouse.ts';
import { ConsumerLagMetrics, LazyAdmin, type LagSource } from './consumer-lag.ts';
import { startHealthServer, type HealthServer } from './health-server.ts';
import type { Logger } from './logger.ts';
import { PipelineMetrics, serviceRegistry } from './metrics.ts';
import { ConsumerWatch, clickhouseCheck, kafkaCheck, type ReadinessCheck } from './readiness.ts';

export interface ServiceMonitorOptions {
  kafka: Kafka;
  logger: Logger;
  host: string;
  /** 0 = any free port (logged, and in `port`). */
  port: number;
  /** Stages whose "age of the last write" is reported from start-up on. */
  stages: readonly string[];
  /** Consumer groups whose lag is reported. */
  lag: readonly LagSource[];
  /** Topics the service reads or writes: /readyz asks Kafka for their metadata. */
  topics: string[];
  /** Checked by /readyz when the service writes ClickHouse. */
  clickhouse?: ClickHouseClient;
  /** Default process metrics (off in tests that build many monitors in one process). */
  defaultMetrics?: boolean;
}

/**
 * Everything a long-running processor needs to be watched, in one object for its main.ts: the
 * Prometheus registry, the PipelineObserver to hand the processor, the Kafka client to build it with
 * (its consumers are followed for /readyz), the consumer-lag gauge and the health server.
 */
export class ServiceMonitor {
  readonly registry: Registry;
  readonly observer: PipelineMetrics;
  /** Build the processor with this client: readiness follows the consumers it creates. */
  readonly kafka: Kafka;
  readonly consumers = new ConsumerWatch();
  private readonly admin: LazyAdmin;
  private readonly checks: Record<string, ReadinessCheck>;
  private server: HealthServer | null = null;

  constructor(private readonly o: ServiceMonitorOptions) {
    this.registry = serviceRegistry({ defaultMetrics: o.defaultMetrics ?? true });
    this.observer = new PipelineMetrics(this.registry, { stages: o.stages });
    this.kafka = this.consumers.wrap(o.kafka);
    this.admin = new LazyAdmin(o.kafka);
    new ConsumerLagMetrics(this.registry, { admin: this.admin, sources: o.lag, logger: o.logger });
    this.checks = {
      consumers: () => this.consumers.check(),
      kafka: kafkaCheck(this.admin, o.topics),
      ...(o.clickhouse ? { clickhouse: clickhouseCheck(o.clickhouse) } : {}),
    };
  }

  /** Starts /metrics /healthz /readyz; call before the processor starts, so start-up shows as not ready. */
  async start(): Promise<void> {
    this.server = await startHealthServer({
      host: this.o.host,
      port: this.o.port,
      registry: this.registry,
      checks: this.checks,
      logger: this.o.logger,
    });
  }

  /** The port the health server listens on, null when it could not. */
  get port(): number | null {
    return this.server?.port ?? null;
  }

  async close(): Promise<void> {
    await this.server?.close();
    await this.admin.close();
  }
}
