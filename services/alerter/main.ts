/** `brandpulse alerter`: negative-sentiment spike alerts (Kafka topic, ClickHouse, signed webhooks). */
import { AvroCodec } from '../shared/avro.ts';
import { createClickHouse } from '../shared/clickhouse.ts';
import { ConfigError, parseEnv } from '../shared/config.ts';
import { createKafka } from '../shared/kafka.ts';
import { stopOnSignals } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { ServiceMonitor } from '../shared/service-monitor.ts';
import { alerterShape, detectorParams } from './config.ts';
import { Alerter } from './service.ts';
import { AlertStore } from './store.ts';
import { AuthorKeyLog } from '../shared/author-key-log.ts';
import { loadMasterKeys } from '../shared/author-key-config.ts';
import { DEFAULT_RETRY, parseEndpoints } from './webhook.ts';
import { parseCommandLine } from '../shared/usage.ts';

export const ALERTER_USAGE = `usage: brandpulse alerter
  Detects negative-sentiment spikes in the enriched events: alerts topic, ClickHouse, signed webhooks;
  /metrics /healthz /readyz on ALERTER_METRICS_PORT (default 9466). Configured by the environment:
  KAFKA_*, CLICKHOUSE_*, ALERT_* (docs/alerter.md).`;

export async function run(argv: string[]): Promise<void> {
  parseCommandLine(argv, ALERTER_USAGE, {});
  const config = parseEnv(alerterShape, process.env);
  const endpoints = parseEndpoints(config.ALERT_WEBHOOK_URLS);
  if (endpoints.length > 0 && !config.ALERT_WEBHOOK_SECRET) {
    throw new ConfigError([
      'ALERT_WEBHOOK_SECRET: required when ALERT_WEBHOOK_URLS is set (webhooks are always signed) (unset)',
    ]);
  }
  const logger = createLogger('alerter', config.LOG_LEVEL);
  const { kafka, topics } = createKafka(config, logger, 'alerter');
  const clickhouse = createClickHouse(config);
  const source = topics.name('enrichedEvents');
  // Lag from the alerter's own positions: it commits no offsets (its snapshots hold them).
  const monitor = new ServiceMonitor({
    kafka,
    logger,
    clickhouse,
    host: config.METRICS_HOST,
    port: config.ALERTER_METRICS_PORT,
    stages: ['alerter'],
    lag: [
      { group: config.ALERTER_GROUP_ID, topic: source, positions: (): Record<string, string> => alerter.positions() },
    ],
    topics: [source, topics.name('alerts')],
  });
  const alerter = new Alerter(
    {
      kafka: monitor.kafka,
      codec: new AvroCodec(),
      store: new AlertStore(clickhouse),
      logger,
      observer: monitor.observer,
      keys: new AuthorKeyLog({ kafka, topic: topics.name('authorKeys'), master: loadMasterKeys(), logger }),
    },
    {
      sourceTopic: source,
      alertsTopic: topics.name('alerts'),
      groupId: config.ALERTER_GROUP_ID,
      params: detectorParams(config),
      endpoints,
      delivery: {
        secret: config.ALERT_WEBHOOK_SECRET,
        policy: { ...DEFAULT_RETRY, maxAttempts: config.ALERT_WEBHOOK_MAX_ATTEMPTS },
      },
      maxAlertAgeMs: config.ALERT_MAX_AGE_MS,
      snapshotIntervalMs: config.ALERTER_SNAPSHOT_INTERVAL_MS,
      idleMs: config.ALERTER_IDLE_MS,
      maxClockSkewMs: 5 * 60_000,
    },
  );
  const shutdown = async (signal: string) => {
    logger.info({ signal, ...alerter.stats }, 'stopping');
    await alerter.stop();
    await clickhouse.close();
    process.exit(0);
  };
  stopOnSignals(shutdown, { logger });
  await monitor.start();
  await alerter.start();
  logger.info({ endpoints: endpoints.map((e) => e.name) }, 'alerter running');
}
