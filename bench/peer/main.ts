/**
 * One hop of the no-work peer as its own process (bench:e2e runs the pipeline's services as
 * processes, so the peer's hops are processes too): `node --import tsx bench/peer/main.ts <hop>`.
 *   api   PEER_PORT, PEER_TO
 *   relay PEER_FROM, PEER_TO, PEER_GROUP
 *   store PEER_FROM, PEER_TABLE, PEER_GROUP (CLICKHOUSE_DATABASE selects the database)
 * Kafka and ClickHouse come from the usual variables (loadBaseConfig). Stops on SIGTERM.
 */
import { createClickHouse } from '../../services/shared/clickhouse.ts';
import { loadBaseConfig } from '../../services/shared/config.ts';
import { createKafka } from '../../services/shared/kafka.ts';
import { createLogger } from '../../services/shared/logger.ts';
import { startApi, startRelay, startStore, type Hop } from './hops.ts';

const hop = process.argv[2];
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required for the peer's ${hop} hop`);
  return v;
};
const config = loadBaseConfig(process.env);
const logger = createLogger(`peer-${hop}`, 'warn');
const { kafka } = createKafka(config, logger, `peer-${hop}`);
const clickhouse = hop === 'store' ? createClickHouse(config) : null;

let running: Hop;
if (hop === 'api') running = await startApi(kafka, env('PEER_TO'), Number(env('PEER_PORT')));
else if (hop === 'relay') running = await startRelay(kafka, env('PEER_FROM'), env('PEER_TO'), env('PEER_GROUP'));
else if (hop === 'store')
  running = await startStore(kafka, clickhouse!, env('PEER_FROM'), env('PEER_TABLE'), env('PEER_GROUP'));
else throw new Error(`unknown hop ${hop}: api, relay or store`);
console.log('ready');

process.once('SIGTERM', () => {
  void running.stop().finally(async () => {
    await clickhouse?.close();
    process.exit(0);
  });
});
