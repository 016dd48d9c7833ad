import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one service instance (own registry, so tests can build many apps). */
export class IngestMetrics {
  readonly registry = new Registry();
  readonly events = new Counter({
    name: 'brandpulse_ingest_events_total',
    help: 'Events by source (api, meta-webhook, import) and outcome (accepted, invalid, overloaded, timeout, failed, forbidden).',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'brandpulse_ingest_requests_total',
    help: 'HTTP requests by route and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly publishSeconds = new Histogram({
    name: 'brandpulse_ingest_publish_seconds',
    help: 'Time from accepting events to the Kafka acknowledgement.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly inflightEvents = new Gauge({
    name: 'brandpulse_ingest_inflight_events',
    help: 'Events accepted and waiting for the Kafka acknowledgement.',
    registers: [this.registry],
  });
  private readonly inflightBytes = new Gauge({
    name: 'brandpulse_ingest_inflight_bytes',
    help: 'Request bytes of the events waiting for the Kafka acknowledgement.',
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  setInflight(usage: { events: number; bytes: number }): void {
    this.inflightEvents.set(usage.events);
    this.inflightBytes.set(usage.bytes);
  }
}
