import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS, serviceRegistry } from '../shared/metrics.ts';

/** Prometheus metrics of one service instance (own registry, so tests can build many apps). */
export class IngestMetrics {
  readonly registry: Registry;
  readonly events: Counter<'source' | 'outcome'>;
  readonly requests: Counter<'route' | 'status'>;
  readonly publishSeconds: Histogram;
  private readonly inflightEvents: Gauge;
  private readonly inflightBytes: Gauge;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    this.registry = serviceRegistry(opts);
    const registers = [this.registry];
    this.events = new Counter({
      name: 'brandpulse_ingest_events_total',
      help: 'Events by source (api, meta-webhook, import) and outcome (accepted, invalid, overloaded, timeout, failed, forbidden).',
      labelNames: ['source', 'outcome'] as const,
      registers,
    });
    this.requests = new Counter({
      name: 'brandpulse_ingest_requests_total',
      help: 'HTTP requests by route and status code.',
      labelNames: ['route', 'status'] as const,
      registers,
    });
    this.publishSeconds = new Histogram({
      name: 'brandpulse_ingest_publish_seconds',
      help: 'Time from accepting events to the Kafka acknowledgement.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.inflightEvents = new Gauge({
      name: 'brandpulse_ingest_inflight_events',
      help: 'Events accepted and waiting for the Kafka acknowledgement.',
      registers,
    });
    this.inflightBytes = new Gauge({
      name: 'brandpulse_ingest_inflight_bytes',
      help: 'Request bytes of the events waiting for the Kafka acknowledgement.',
      registers,
    });
  }

  setInflight(usage: { events: number; bytes: number }): void {
    this.inflightEvents.set(usage.events);
    this.inflightBytes.set(usage.bytes);
  }
}
