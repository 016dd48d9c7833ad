import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * docker-compose.cluster.yml checked statically (compose cannot run here): the 3-broker KRaft quorum,
 * 2 shards x 2 replicas whose macros match the cluster in infra/clickhouse/cluster/cluster.xml,
 * Keeper, 2 members of each processor group, and what the services run and mount exists.
 */
interface Service {
  image?: string;
  build?: { dockerfile: string };
  profiles?: string[];
  command?: string[];
  ports?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  init?: boolean;
}

const file = parse(readFileSync('docker-compose.cluster.yml', 'utf8'), { merge: true }) as {
  name: string;
  services: Record<string, Service>;
};
const services = file.services;
const clusterXml = readFileSync('infra/clickhouse/cluster/cluster.xml', 'utf8');
const cliSource = readFileSync('services/cli.ts', 'utf8');
const byCommand = (c: string) => Object.entries(services).filter(([, s]) => s.command?.[0] === c);

describe('docker-compose.cluster.yml', () => {
  it('is a project of its own whose every service is in the cluster profile, from pinned images', () => {
    expect(file.name).toBe('brandpulse-cluster');
    for (const [name, s] of Object.entries(services)) {
      expect(s.profiles, name).toEqual(['cluster']);
      if (s.image && !s.build) expect(s.image, name).toMatch(/:\d+(\.\d+)*$/);
    }
  });

  it('runs 3 Kafka nodes, each broker and controller, in one quorum with replication 3 and min ISR 2', () => {
    const kafkas = Object.entries(services).filter(([, s]) => s.image?.startsWith('apache/kafka:'));
    expect(kafkas.map(([n]) => n)).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);
    const ids = kafkas.map(([, s]) => Number(s.environment!.KAFKA_NODE_ID));
    expect(ids).toEqual([1, 2, 3]);
    for (const [name, s] of kafkas) {
      const env = s.environment!;
      expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(kafkas.map(([n], i) => `${ids[i]}@${n}:9093`).join(','));
      expect(String(env.KAFKA_ADVERTISED_LISTENERS)).toContain(`INTERNAL://${name}:29092`);
      expect(Number(env.KAFKA_DEFAULT_REPLICATION_FACTOR)).toBe(3);
      expect(Number(env.KAFKA_MIN_INSYNC_REPLICAS)).toBe(2);
      expect(Number(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR)).toBe(3);
      expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
      expect(s.healthcheck?.test.length).toBeGreaterThan(0);
    }
    expect(new Set(kafkas.map(([, s]) => s.environment!.CLUSTER_ID)).size).toBe(1);
  });

  it('runs 2 shards x 2 replicas whose macros and hosts match the cluster definition, with Keeper', () => {
    const nodes = Object.entries(services).filter(([, s]) => s.image?.startsWith('clickhouse/clickhouse-server:'));
    expect(nodes).toHaveLength(4);
    const shards = [...clusterXml.matchAll(/<shard>([\s\S]*?)<\/shard>/g)].map((m) =>
      [...m[1]!.matchAll(/<host>([^<]+)<\/host>/g)].map((h) => h[1]),
    );
    expect(shards).toHaveLength(2);
    for (const [name, s] of nodes) {
      const shard = Number(s.environment!.CH_SHARD);
      expect(shards[shard - 1], name).toContain(name);
      expect(s.environment!.CH_REPLICA, `${name}: {replica} unique in the cluster`).toBe(name);
      expect(s.depends_on?.['clickhouse-keeper']?.condition).toBe('service_healthy');
      expect(s.volumes!.some((v) => v.startsWith('./infra/clickhouse/cluster/cluster.xml:'))).toBe(true);
      expect(s.volumes!.some((v) => v.startsWith('./infra/clickhouse/cluster/writer-settings.xml:'))).toBe(true);
    }
    expect(shards.flat().sort()).toEqual(nodes.map(([n]) => n).sort());
    expect(clusterXml).toMatch(/<internal_replication>true<\/internal_replication>/);
    const keeperHost = /<zookeeper>[\s\S]*?<host>([^<]+)<\/host>/.exec(clusterXml)![1]!;
    expect(services[keeperHost]?.image).toMatch(/^clickhouse\/clickhouse-keeper:/);
    expect(clusterXml).toContain('<shard from_env="CH_SHARD"/>');
    expect(clusterXml).toContain('<replica from_env="CH_REPLICA"/>');
  });

  it('migrates in cluster mode against the cluster it defines, after every node is healthy', () => {
    const clusterName = /<remote_servers>\s*<(\w+)>/.exec(clusterXml)![1];
    const init = services.init!;
    expect(init.command).toEqual(['init']);
    expect(init.environment!.CLICKHOUSE_CLUSTER).toBe(clusterName);
    expect(String(init.environment!.KAFKA_BROKERS).split(',')).toHaveLength(3);
    for (const dep of [
      'kafka-1',
      'kafka-2',
      'kafka-3',
      'clickhouse-s1r1',
      'clickhouse-s1r2',
      'clickhouse-s2r1',
      'clickhouse-s2r2',
    ]) {
      expect(init.depends_on?.[dep]?.condition, dep).toBe('service_healthy');
    }
  });

  it('runs 2 enrichers and 2 sinks in their groups and one alerter, after init', () => {
    expect(byCommand('enricher')).toHaveLength(2);
    expect(byCommand('sink')).toHaveLength(2);
    expect(byCommand('alerter')).toHaveLength(1);
    const sinks = byCommand('sink').map(([, s]) => s.environment!.CLICKHOUSE_URL);
    expect(new Set(sinks).size, 'each sink talks to another node').toBe(2);
    for (const [name, s] of [
      ...byCommand('enricher'),
      ...byCommand('sink'),
      ...byCommand('ingest'),
      ...byCommand('alerter'),
    ]) {
      expect(s.depends_on?.init?.condition, name).toBe('service_completed_successfully');
      expect(s.environment!.CLICKHOUSE_CLUSTER, name).toBe('brandpulse');
      expect(s.init, name).toBe(true);
    }
  });

  it('depends on services that exist, mounts files that exist, runs CLI commands that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} -> ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(services[dep]!.healthcheck, dep).toBeDefined();
      }
      for (const v of s.volumes ?? [])
        if (v.startsWith('./')) expect(existsSync(v.split(':')[0]!), `${name}: ${v}`).toBe(true);
      if (s.build) {
        expect(existsSync(s.build.dockerfile)).toBe(true);
        expect(cliSource, `${name}: brandpulse ${s.command?.[0]}`).toMatch(
          new RegExp(`\\n  ${s.command?.[0]}: \\{ module: '`),
        );
      }
    }
    const hostPorts = Object.values(services)
      .flatMap((s) => s.ports ?? [])
      .map((p) => p.split(':')[0]);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });
});
