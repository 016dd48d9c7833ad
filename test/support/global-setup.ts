import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/**
 * Finds a Kafka and a ClickHouse for the integration and e2e tiers, in this order:
 * 1. KAFKA_BROKERS / CLICKHOUSE_URL from the environment (CI, an existing stack);
 * 2. testcontainers, when a Docker engine answers;
 * 3. the local stack (infra/local/stack.sh: Kafka from Maven Central, chDB), started here.
 * It never skips: if none can be had, it fails and says how to get one.
 */
export interface StackEndpoints {
  kafkaBrokers: string;
  clickhouseUrl: string;
  clickhouseUser: string;
  clickhousePassword: string;
  readonlyUser: string;
  readonlyPassword: string;
  /** 'env' | 'testcontainers' | 'local': tests that stop and start services need 'local'. */
  kind: 'env' | 'testcontainers' | 'local';
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackEndpoints;
  }
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function dockerAnswers(): boolean {
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000, encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().length > 0;
}

const credentials = {
  clickhouseUser: process.env.CLICKHOUSE_USER ?? 'default',
  clickhousePassword: process.env.CLICKHOUSE_PASSWORD ?? 'brandpulse',
  readonlyUser: process.env.CLICKHOUSE_READONLY_USER ?? 'analyst',
  readonlyPassword: process.env.CLICKHOUSE_READONLY_PASSWORD ?? 'analyst',
};

async function fromTestcontainers(): Promise<{ endpoints: StackEndpoints; stop: () => Promise<void> }> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { ClickHouseContainer } = await import('@testcontainers/clickhouse');
  const [kafka, clickhouse] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0')
      .withKraft()
      .withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' })
      .start(),
    new ClickHouseContainer('clickhouse/clickhouse-server:25.8')
      .withUsername(credentials.clickhouseUser)
      .withPassword(credentials.clickhousePassword)
      .start(),
  ]);
  const clickhouseUrl = `http://${clickhouse.getHost()}:${clickhouse.getHttpPort()}`;
  // The real server needs the read-only analyst user that the local stack configures.
  const sql = [
    `CREATE USER IF NOT EXISTS ${credentials.readonlyUser} IDENTIFIED BY '${credentials.readonlyPassword}' SETTINGS readonly = 1`,
    `GRANT SELECT ON *.* TO ${credentials.readonlyUser}`,
  ];
  for (const q of sql) {
    const res = await fetch(clickhouseUrl, {
      method: 'POST',
      body: q,
      headers: { 'X-ClickHouse-User': credentials.clickhouseUser, 'X-ClickHouse-Key': credentials.clickhousePassword },
    });
    if (!res.ok) throw new Error(`testcontainers ClickHouse setup failed: ${await res.text()}`);
  }
  return {
    endpoints: {
      kind: 'testcontainers',
      kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
      clickhouseUrl,
      ...credentials,
    },
    stop: async () => {
      await Promise.all([kafka.stop(), clickhouse.stop()]);
    },
  };
}

function fromLocalStack(): StackEndpoints {
  try {
    execFileSync('bash', [join(ROOT, 'infra/local/stack.sh'), 'up'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 600_000,
    });
  } catch (err) {
    throw new Error(
      'No Kafka/ClickHouse for the integration tests: KAFKA_BROKERS and CLICKHOUSE_URL are unset, no Docker engine answers, ' +
        `and the local stack failed to start (${(err as Error).message}).\n` +
        'Fix one of: `npm run stack:up` (needs JDK 17, Maven, python3), a running Docker engine, ' +
        'or set KAFKA_BROKERS=host:port and CLICKHOUSE_URL=http://host:8123.',
      { cause: err },
    );
  }
  return {
    kind: 'local',
    kafkaBrokers: `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`,
    clickhouseUrl: `http://127.0.0.1:${process.env.CLICKHOUSE_PORT ?? '8123'}`,
    ...credentials,
  };
}

function localStackServes(kafkaBrokers: string, clickhouseUrl: string): boolean {
  const kafkaPort = process.env.KAFKA_PORT ?? '9092';
  const clickhousePort = process.env.CLICKHOUSE_PORT ?? '8123';
  const isLocal = /^(127\.0\.0\.1|localhost):/;
  if (!isLocal.test(kafkaBrokers) || !kafkaBrokers.endsWith(`:${kafkaPort}`)) return false;
  if (
    !/^http:\/\/(127\.0\.0\.1|localhost):/.test(clickhouseUrl) ||
    !clickhouseUrl.replace(/\/$/, '').endsWith(`:${clickhousePort}`)
  )
    return false;
  return (
    spawnSync('bash', [join(ROOT, 'infra/local/stack.sh'), 'status'], { stdio: 'ignore', timeout: 10_000 }).status === 0
  );
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (process.env.KAFKA_BROKERS && process.env.CLICKHOUSE_URL) {
    // Endpoints given by the environment may still be this machine's local stack; then the tests
    // that stop and start a component through stack.sh can run too.
    const local = localStackServes(process.env.KAFKA_BROKERS, process.env.CLICKHOUSE_URL);
    project.provide('stack', {
      kind: local ? 'local' : 'env',
      kafkaBrokers: process.env.KAFKA_BROKERS,
      clickhouseUrl: process.env.CLICKHOUSE_URL,
      ...credentials,
    });
    return;
  }
  if (dockerAnswers()) {
    const { endpoints, stop } = await fromTestcontainers();
    project.provide('stack', endpoints);
    return stop;
  }
  // The local stack is left running after the tests: the next tier or run reuses it
  // (`npm run stack:down` stops it).
  project.provide('stack', fromLocalStack());
}
