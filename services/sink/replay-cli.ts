/**
 * `brandpulse replay [--from-beginning] [--swap] [--database <shadow>]`
 *
 * Rebuilds the ClickHouse projections from the RAW topic with the current model (e.g. after a
 * sentiment model upgrade): a fresh shadow database gets every migration, the raw topic is read
 * from the beginning up to the end offsets taken at start, re-enriched and written by the same
 * steps as the live sink (messages, sentiment MV, moderation, events, thread facts). With --swap
 * the rebuilt tables are exchanged with the live ones in one EXCHANGE TABLES statement (views keep
 * their names, so dashboards never see a missing table), then the events that arrived during the
 * rebuild are replayed into the new live tables (idempotent). The previous tables stay in the
 * shadow database for comparison or rollback (swap again) until the next replay.
 */
import { createAnalyzer } from '../nlp/index.ts';
import { AvroCodec } from '../shared/avro.ts';
import { createClickHouse } from '../shared/clickhouse.ts';
import { loadBaseConfig } from '../shared/config.ts';
import { createKafka } from '../shared/kafka.ts';
import { createLogger } from '../shared/logger.ts';
import { ThreadProjector } from '../threads/projector.ts';
import { applyMigrations } from '../migrate/apply.ts';
import { endOffsets, replayRange, swapIn, type ReplayProgress } from './replay.ts';
import { ClickHouseWriter, ProjectorStep } from './steps.ts';
import { AuthorKeyLog } from '../shared/author-key-log.ts';
import { loadMasterKeys } from '../shared/author-key-config.ts';
import { parseCommandLine } from '../shared/usage.ts';

export const REPLAY_USAGE = `usage: brandpulse replay [--from-beginning] [--swap] [--database <shadow>]
  Rebuilds the ClickHouse projections from the raw topic with the current models into a shadow database.
  --from-beginning     read the raw topic from its beginning (the only mode; accepted for clarity)
  --swap               then exchange the rebuilt tables with the live ones and catch up what arrived meanwhile
  --database <shadow>  shadow database (default <CLICKHOUSE_DATABASE>_replay)`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(argv, REPLAY_USAGE, {
    'from-beginning': { type: 'boolean' },
    swap: { type: 'boolean' },
    database: { type: 'string' },
  });
  const config = loadBaseConfig();
  const logger = createLogger('replay', config.LOG_LEVEL);
  const live = config.CLICKHOUSE_DATABASE;
  const shadow = values.database ?? `${live}_replay`;
  const admin = createClickHouse(config, { noDatabase: true });
  const { kafka, topics } = createKafka(config, logger, 'replay');
  const codec = new AvroCodec();
  const analyzer = await createAnalyzer();
  const raw = topics.name('conversationEvents');
  const keys = new AuthorKeyLog({ kafka, topic: topics.name('authorKeys'), master: loadMasterKeys(), logger });
  const progress = (label: string) => (p: ReplayProgress) =>
    process.stderr.write(
      `[replay] ${label}: ${p.done}/${p.total} events (${p.total > 0n ? ((Number(p.done) * 100) / Number(p.total)).toFixed(1) : '100'}%), ${Math.round(p.perSecond)}/s\n`,
    );
  const stepsFor = (database: string) => {
    const clickhouse = createClickHouse(config, { database });
    return {
      clickhouse,
      steps: [new ClickHouseWriter(clickhouse), new ProjectorStep(new ThreadProjector({ clickhouse, logger }))],
    };
  };

  try {
    // --from-beginning is the only mode: projections are a function of the whole raw log.
    if (!values['from-beginning']) logger.info('replaying from the beginning of the raw topic (the only mode)');
    await admin.command({ query: `DROP DATABASE IF EXISTS ${shadow} SYNC` });
    await applyMigrations(admin, { database: shadow });
    await applyMigrations(admin, { database: live });
    await keys.start();
    const snapshot = await endOffsets(kafka, raw);
    logger.info(
      {
        shadow,
        model: analyzer.modelVersion,
        end: Object.fromEntries([...snapshot].map(([p, o]) => [p, o.toString()])),
      },
      'rebuilding into the shadow database',
    );
    const target = stepsFor(shadow);
    const built = await replayRange({
      kafka,
      codec,
      analyzer,
      logger,
      steps: target.steps,
      topic: raw,
      to: snapshot,
      keys,
      onProgress: progress('rebuild'),
    });
    await target.clickhouse.close();
    logger.info({ ...built }, 'shadow projections built');
    if (!values.swap) {
      console.log(
        `rebuilt into database ${shadow}; compare, then run \`brandpulse replay --swap\` to rebuild and swap in one go`,
      );
      return;
    }
    const swapped = await swapIn(admin, live, shadow);
    logger.info({ tables: swapped }, 'swapped the rebuilt tables in');
    // Events that reached the live sink during the rebuild are in the old tables only: replay them.
    const now = await endOffsets(kafka, raw);
    const liveTarget = stepsFor(live);
    const caught = await replayRange({
      kafka,
      codec,
      analyzer,
      logger,
      steps: liveTarget.steps,
      topic: raw,
      from: snapshot,
      to: now,
      keys,
      onProgress: progress('catch-up'),
    });
    await liveTarget.clickhouse.close();
    console.log(
      `replay done: ${built.records} events rebuilt, ${caught.records} caught up; previous tables kept in ${shadow}`,
    );
  } finally {
    await keys.stop();
    await admin.close();
  }
}
