import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildDashboards } from '../../../dashboards/index.ts';
import { promPanels, type PromPanel } from '../../../dashboards/lib/inspect.ts';
import { PROMETHEUS_DATASOURCE } from '../../../dashboards/lib/prometheus.ts';
import { IngestMetrics } from '../../../services/ingest/metrics.ts';
import { ConsumerLagMetrics, LazyAdmin } from '../../../services/shared/consumer-lag.ts';
import { createKafka } from '../../../services/shared/kafka.ts';
import { loadBaseConfig } from '../../../services/shared/config.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { PipelineMetrics, serviceRegistry } from '../../../services/shared/metrics.ts';

/**
 * No Prometheus runs here, so the Prometheus panels are checked against the metrics the services
 * really register: every metric a query names exists, and every label it groups or filters by is
 * one of that metric's labels (or one Prometheus adds: job, instance).
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const logger = createLogger('test', 'silent');

function registered(): Map<string, Set<string>> {
  const registries: Registry[] = [new IngestMetrics({ defaultMetrics: true }).registry];
  const pipeline = serviceRegistry({ defaultMetrics: true });
  new PipelineMetrics(pipeline);
  // Built, never scraped: no connection is made.
  new ConsumerLagMetrics(pipeline, {
    admin: new LazyAdmin(createKafka(loadBaseConfig({}), logger).kafka),
    sources: [],
    logger,
  });
  registries.push(pipeline);
  const metrics = new Map<string, Set<string>>([['up', new Set()]]);
  for (const r of registries) {
    for (const m of r.getMetricsAsArray()) {
      const labels = new Set((m as unknown as { labelNames: string[] }).labelNames);
      const type = (m as unknown as { type: string }).type;
      if (type === 'histogram') {
        metrics.set(`${m.name}_bucket`, new Set([...labels, 'le']));
        metrics.set(`${m.name}_sum`, labels);
        metrics.set(`${m.name}_count`, labels);
      } else metrics.set(m.name, labels);
    }
  }
  return metrics;
}

const FUNCTIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'by',
  'without',
  'rate',
  'increase',
  'irate',
  'histogram_quantile',
  'le',
  'time',
]);

function problemsOf(panels: PromPanel[], metrics: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  for (const { panel, exprs } of panels) {
    for (const expr of exprs) {
      const stripped = expr.replace(/"[^"]*"/g, '""').replace(/\[[^\]]*\]/g, '');
      // Metric names: what is left once label matchers and grouping clauses are taken out.
      const body = stripped.replace(/\bby \([^)]*\)/g, '').replace(/\{[^}]*\}/g, '');
      const used = [...body.matchAll(/\b([a-z_][a-z0-9_]*)\b/g)].map((m) => m[1]!).filter((n) => !FUNCTIONS.has(n));
      const series = used.filter((n) => metrics.has(n));
      const labels = new Set([...series.flatMap((n) => [...metrics.get(n)!]), 'job', 'instance']);
      const grouped = [...stripped.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()));
      const filtered = [...stripped.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
        [...m[1]!.matchAll(/([a-z_]+)\s*=~?/g)].map((l) => l[1]!),
      );
      if (series.length === 0) problems.push(`${panel.title}: names no registered metric: ${expr}`);
      for (const n of used) if (!metrics.has(n)) problems.push(`${panel.title}: ${n} is not a registered metric`);
      for (const l of [...grouped, ...filtered])
        if (!labels.has(l)) problems.push(`${panel.title}: label ${l} is not on ${series.join(', ')}`);
    }
  }
  return problems;
}

describe('Prometheus panels', () => {
  const panels = promPanels(buildDashboards());
  const metrics = registered();

  it('show lag, dead letters and write age on the Pipeline health dashboard', () => {
    const pipeline = panels
      .filter((p) => p.dashboard === 'brandpulse-pipeline-health')
      .flatMap((p) => p.exprs)
      .join('\n');
    for (const name of [
      'brandpulse_consumer_lag',
      'brandpulse_dead_letters_total',
      'brandpulse_last_write_age_seconds',
    ])
      expect(pipeline).toContain(name);
  });

  it('query only metrics the services register, by labels those metrics have', () => {
    expect(panels.length).toBeGreaterThanOrEqual(6);
    expect(problemsOf(panels, metrics)).toEqual([]);
  });

  it('catches what it claims to catch', () => {
    const broken = [
      {
        dashboard: 'x',
        panel: { title: 'Broken' } as PromPanel['panel'],
        exprs: [
          'sum by (stage, shard) (rate(brandpulse_rows_writen_total{tabel="messages"}[5m]))',
          'max(brandpulse_consumer_lag{stage="sink"})',
        ],
      },
    ];
    expect(problemsOf(broken, metrics)).toEqual([
      'Broken: names no registered metric: sum by (stage, shard) (rate(brandpulse_rows_writen_total{tabel="messages"}[5m]))',
      'Broken: brandpulse_rows_writen_total is not a registered metric',
      'Broken: label stage is not on ',
      'Broken: label shard is not on ',
      'Broken: label tabel is not on ',
      'Broken: label stage is not on brandpulse_consumer_lag',
    ]);
  });

  it('use the provisioned Prometheus datasource, which points at the compose service that scrapes every service', () => {
    const ds = parse(readFileSync(join(ROOT, 'infra/grafana/provisioning/datasources/prometheus.yaml'), 'utf8'))
      .datasources[0];
    expect({ type: ds.type, uid: ds.uid }).toEqual(PROMETHEUS_DATASOURCE);
    expect(ds.url).toBe('http://prometheus:9090');
    for (const { panel } of panels) expect(panel.datasource, panel.title).toEqual(PROMETHEUS_DATASOURCE);
  });
});
