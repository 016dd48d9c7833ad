import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_STOP_TIMEOUT_MS } from '../../../services/shared/lifecycle.ts';

/**
 * Compose cannot run on the development machines (no Docker engine), so this test checks what can
 * be checked statically: pinned images, ports, healthchecks, dependency conditions, and that every
 * service and CLI command the file names exists.
 */
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  environment?: Record<string, unknown>;
  init?: boolean;
  stop_grace_period?: string;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const cliSource = readFileSync('services/cli.ts', 'utf8');

describe('docker-compose.yml', () => {
  it('runs the infrastructure from pinned images', () => {
    expect(services.kafka?.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
    expect(services.clickhouse?.image).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+/);
    expect(services.grafana?.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    for (const [name, s] of Object.entries(services))
      if (s.image) expect(s.image, name).not.toMatch(/:latest$|^[^:]+$/);
  });

  it('keeps Kafka in KRaft mode with auto topic creation off', () => {
    const env = services.kafka?.environment ?? {};
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('exposes the documented ports', () => {
    expect(services.kafka?.ports).toContain('9092:9092');
    expect(services.clickhouse?.ports).toContain('8123:8123');
    expect(services.grafana?.ports).toContain('3000:3000');
    expect(services.ingest?.ports).toContain('8080:8080');
    expect(services.prometheus?.ports).toContain('9090:9090');
  });

  it('has healthchecks on every long-running dependency', () => {
    for (const name of ['kafka', 'clickhouse', 'grafana', 'prometheus', 'ingest', 'enricher', 'sink', 'alerter'])
      expect(services[name]?.healthcheck?.test.length, name).toBeGreaterThan(0);
  });

  it('depends only on services that exist, with valid conditions', () => {
    const conditions = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(conditions.has(condition), `${name} -> ${dep}: ${condition}`).toBe(true);
        if (condition === 'service_healthy')
          expect(services[dep]?.healthcheck, `${dep} needs a healthcheck`).toBeDefined();
      }
    }
  });

  it('builds the project services from the Dockerfile and runs CLI commands that exist', () => {
    const own = Object.entries(services).filter(([, s]) => s.build);
    expect(own.map(([n]) => n).sort()).toEqual(['alerter', 'enricher', 'ingest', 'init', 'simulator', 'sink']);
    for (const [name, s] of own) {
      expect(existsSync(s.build!.dockerfile), name).toBe(true);
      const command = s.command?.[0];
      expect(command, name).toBeDefined();
      expect(cliSource, `${name} runs "brandpulse ${command}"`).toMatch(
        new RegExp(`\\n  ${command}: \\{\\s*module: '([^']+)'`),
      ); // one line or, past 120 characters, several
    }
  });

  it('runs the init one-shot after Kafka and ClickHouse are healthy, and the services after init', () => {
    expect(services.init?.depends_on?.kafka?.condition).toBe('service_healthy');
    expect(services.init?.depends_on?.clickhouse?.condition).toBe('service_healthy');
    for (const name of ['ingest', 'enricher', 'sink', 'alerter']) {
      expect(services[name]?.depends_on?.init?.condition, name).toBe('service_completed_successfully');
    }
  });

  it('mounts files that exist in the repo', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const host = v.split(':')[0]!;
        if (host.startsWith('./')) expect(existsSync(host), `${name}: ${host}`).toBe(true);
      }
    }
  });

  it('lets every project service drain on docker stop: tini forwards SIGTERM, the grace period outlasts the drain', () => {
    const own = Object.entries(services).filter(([, s]) => s.build);
    expect(own.length).toBeGreaterThan(0);
    for (const [name, s] of own) {
      expect(s.init, `${name}: init: true`).toBe(true);
      const grace = /^(\d+)s$/.exec(s.stop_grace_period ?? '');
      expect(grace, `${name}: stop_grace_period in seconds`).not.toBeNull();
      expect(Number(grace![1]) * 1000, name).toBeGreaterThan(DEFAULT_STOP_TIMEOUT_MS);
    }
  });
});

describe('Dockerfile', () => {
  const lines = readFileSync('Dockerfile', 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  const stages = lines.reduce<string[][]>(
    (acc, l) => (l.startsWith('FROM ') ? [...acc, [l]] : (acc.at(-1)?.push(l), acc)),
    [],
  );
  const runtime = stages.at(-1) ?? [];
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    engines: { node: string };
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  it('builds on a current Node LTS that the engines range admits, in several stages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]).toMatch(/^FROM node:24-slim(?: AS \w+)?$/);
    const minimum = /^>=(\d+)\.(\d+)$/.exec(pkg.engines.node);
    expect(minimum, 'engines.node is a ">=major.minor" floor').not.toBeNull();
    // Node 20.19 (the development machines and CI) stays admitted, and so does the image's 24.
    expect(Number(minimum![1])).toBeLessThanOrEqual(20);
  });

  it('compiles with npm run build and runs the compiled JavaScript as the container process, no tsx at run time', () => {
    const build = stages.find((s) => s.some((l) => /^RUN npm run build\b/.test(l)));
    expect(build, 'a stage runs npm run build').toBeDefined();
    const entrypoints = runtime.filter((l) => l.startsWith('ENTRYPOINT') || l.startsWith('CMD'));
    expect(entrypoints).toHaveLength(1);
    expect(JSON.parse(entrypoints[0]!.replace(/^ENTRYPOINT\s+/, ''))).toEqual(['node', 'services/cli.js']);
    expect(runtime.join('\n')).not.toMatch(/tsx|typescript|npm run build/);
    // The runtime's node_modules come from a stage that installed production dependencies only.
    const deps = runtime.find((l) => /^COPY --from=\w+ \/app\/node_modules/.test(l));
    const depsStage = stages.find((s) => s[0]!.endsWith(` AS ${/--from=(\w+)/.exec(deps ?? '')?.[1]}`));
    expect(
      depsStage?.some((l) => /^RUN npm ci --omit=dev\b/.test(l)),
      'node_modules from npm ci --omit=dev',
    ).toBe(true);
    expect(pkg.dependencies.tsx, 'tsx is a dev dependency').toBeUndefined();
    expect(pkg.devDependencies.tsx).toBeDefined();
  });

  it('ships the compiled services and the files they read next to themselves', () => {
    const copies = runtime.filter((l) => l.startsWith('COPY ')).join('\n');
    for (const path of ['package.json', 'schemas', 'infra/clickhouse', 'infra/brands.yaml'])
      expect(copies, path).toContain(`COPY ${path} `);
    expect(copies).toMatch(/COPY --from=build \/app\/services \.\/services/);
    expect(copies).toMatch(/COPY --from=build \/app\/dashboards \.\/dashboards/);
    expect(existsSync('tsconfig.build.json')).toBe(true);
  });
});
