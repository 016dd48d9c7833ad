import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { alerterShape } from '../../../services/alerter/config.ts';
import { enricherShape } from '../../../services/enricher/main.ts';
import { ingestShape } from '../../../services/ingest/config.ts';
import { parseEnv } from '../../../services/shared/config.ts';
import { sinkShape } from '../../../services/sink/config.ts';

/**
 * Compose cannot run here (no Docker engine), so the Prometheus wiring is checked statically: the
 * Prometheus service, its scrape targets against the ports each service would really listen on
 * (its config parsed from the environment compose gives it), and Grafana's datasource.
 */
interface Service {
  image?: string;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string | number>;
}
interface ScrapeConfig {
  job_name: string;
  static_configs: Array<{ targets: string[] }>;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const prometheusFile = 'infra/prometheus/prometheus.yml';

/** Where each service serves /metrics, as its own config reads compose's environment for it. */
const metricsPorts: Record<string, { shape: z.ZodRawShape; port: string; host?: string }> = {
  ingest: { shape: ingestShape, port: 'INGEST_PORT', host: 'INGEST_HOST' },
  enricher: { shape: enricherShape, port: 'ENRICHER_METRICS_PORT', host: 'METRICS_HOST' },
  sink: { shape: sinkShape, port: 'SINK_METRICS_PORT', host: 'METRICS_HOST' },
  alerter: { shape: alerterShape, port: 'ALERTER_METRICS_PORT', host: 'METRICS_HOST' },
};

function configOf(name: string): Record<string, unknown> {
  const env = Object.fromEntries(
    Object.entries(services[name]?.environment ?? {}).map(([k, v]) => [
      k,
      String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1'),
    ]),
  );
  return parseEnv(metricsPorts[name]!.shape, env);
}

describe('Prometheus in docker-compose.yml', () => {
  it('runs a pinned Prometheus with its config mounted, a healthcheck and port 9090', () => {
    const p = services.prometheus!;
    expect(p.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(p.ports).toContain('9090:9090');
    expect(p.volumes).toContain(`./${prometheusFile}:/etc/prometheus/prometheus.yml:ro`);
    expect(p.healthcheck?.test.join(' ')).toMatch(/9090\/-\/ready/);
  });

  it('scrapes ingest, enricher, sink and alerter where each one listens, on every interface', () => {
    const config = parse(readFileSync(prometheusFile, 'utf8')) as { scrape_configs: ScrapeConfig[] };
    const targets = Object.fromEntries(
      config.scrape_configs.map((s) => [s.job_name, s.static_configs.flatMap((c) => c.targets)]),
    );
    for (const name of Object.keys(metricsPorts)) {
      const { port, host } = metricsPorts[name]!;
      const c = configOf(name);
      expect(targets[name], name).toEqual([`${name}:${c[port]}`]);
      expect(c[host!], `${name} listens on every interface`).toBe('0.0.0.0');
      expect(services[name]?.ports, name).toContain(`${c[port]}:${c[port]}`);
    }
  });

  it('gives the processors a readiness healthcheck on their metrics port', () => {
    for (const name of ['enricher', 'sink', 'alerter']) {
      const c = configOf(name);
      expect(services[name]?.healthcheck?.test.join(' '), name).toContain(
        `127.0.0.1:${c[metricsPorts[name]!.port]}/readyz`,
      );
    }
  });

  it('is the datasource Grafana provisions', () => {
    const ds = parse(readFileSync('infra/grafana/provisioning/datasources/prometheus.yaml', 'utf8')).datasources[0];
    const url = new URL(ds.url);
    expect(services[url.hostname], url.hostname).toBeDefined();
    expect(services[url.hostname]?.ports).toContain(`${url.port}:${url.port}`);
    expect(existsSync(prometheusFile)).toBe(true);
  });
});
