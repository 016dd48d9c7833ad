import { SingleBar, Presets } from 'cli-progress';
import { existsSync, statSync } from 'node:fs';
import { MAX_FUTURE_SKEW_LIMIT_MS, type TimeWindow } from '../shared/limits.ts';
import { createLogger } from '../shared/logger.ts';
import { loadIngestConfig } from '../ingest/config.ts';
import { createKafkaIntake } from '../ingest/service.ts';
import { importFile } from './importer.ts';
import { formatOf } from './read.ts';
import { DirectSink, HttpSink, ImportAborted, type ImportSink } from './sinks.ts';
import { parseCommandLine, UsageError } from '../shared/usage.ts';

const USAGE = `usage: brandpulse import <file> [--format ndjson|csv] [--url http://127.0.0.1:8080 --api-key KEY | --direct]
           [--batch-size 500] [--rejects <file>.rejects.ndjson] [--checkpoint <file>.checkpoint.json] [--restart]

  --url      send through the ingestion API (default http://127.0.0.1:8080; key from --api-key or BRANDPULSE_API_KEY)
  --direct   publish straight to Kafka (KAFKA_*, PSEUDONYM_KEY from the environment)
  Interrupted imports resume from the checkpoint; --restart ignores it.`;

/** \`brandpulse import <file>\`: loads an NDJSON or CSV export of past conversations. */
export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    argv,
    USAGE,
    {
      format: { type: 'string' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      direct: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '500' },
      rejects: { type: 'string' },
      checkpoint: { type: 'string' },
      restart: { type: 'boolean', default: false },
    },
    true,
  );
  const file = positionals[0];
  if (!file) throw new UsageError('the file to import is required');
  if (positionals.length > 1) throw new UsageError(`one file at a time (got ${positionals.length})`);
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  if (values.direct && values.url) throw new UsageError('--url and --direct exclude each other');
  let format: ReturnType<typeof formatOf>;
  try {
    format = formatOf(file, values.format);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000)
    throw new UsageError('--batch-size must be an integer in 1..1000');
  const logger = createLogger('import', (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info');
  const onWait = (reason: string, ms: number) =>
    logger.warn({ reason, retryInMs: ms }, 'destination unavailable, waiting');

  let sink: ImportSink;
  // Lines are checked here with the same rules as the API. Through the API the local check uses the
  // widest future skew a server can be set to, so it never refuses what the server would accept;
  // the server's own 400s land in the rejects file too.
  let timeWindow: TimeWindow = { now: () => Date.now(), maxFutureSkewMs: MAX_FUTURE_SKEW_LIMIT_MS };
  if (values.direct) {
    const config = loadIngestConfig();
    timeWindow = { now: () => Date.now(), maxFutureSkewMs: config.INGEST_MAX_FUTURE_SKEW_MS };
    const kafkaIntake = createKafkaIntake(config, logger);
    sink = new DirectSink(kafkaIntake.intake, kafkaIntake.close, undefined, onWait);
  } else {
    const apiKey = values['api-key'] ?? process.env.BRANDPULSE_API_KEY;
    if (!apiKey)
      throw new UsageError(
        'an API key is needed with --url: pass --api-key or set BRANDPULSE_API_KEY (or use --direct)',
      );
    sink = new HttpSink(values.url ?? 'http://127.0.0.1:8080', apiKey, undefined, onWait);
  }

  const total = statSync(file).size;
  const progress = progressReporter(total, logger);
  let stopRequested = false;
  const onSignal = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    logger.warn(
      'stopping after the current batch (checkpoint kept; run the same command to resume; Ctrl-C again to abort now)',
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await importFile({
      file,
      format,
      sink,
      batchSize,
      timeWindow,
      checkpointPath: values.checkpoint ?? `${file}.checkpoint.json`,
      rejectsPath: values.rejects ?? `${file}.rejects.ndjson`,
      restart: values.restart,
      onProgress: progress.update,
      shouldStop: () => stopRequested,
    });
    progress.stop();
    if (summary.alreadyDone) {
      console.log(
        `already imported (checkpoint ${values.checkpoint ?? `${file}.checkpoint.json`}): ${summary.accepted} events accepted, ${summary.rejected} lines rejected; --restart to import again`,
      );
      return;
    }
    const where = summary.resumedAfterLine > 0 ? ` (resumed after line ${summary.resumedAfterLine})` : '';
    const state = summary.done ? 'done' : `stopped at line ${summary.lastLine}; run again to resume`;
    console.log(
      `import ${state}${where}: ${summary.accepted} events accepted, ${summary.rejected} lines rejected${summary.rejected > 0 ? ` (see ${values.rejects ?? `${file}.rejects.ndjson`})` : ''}`,
    );
    if (!summary.done) process.exitCode = 130;
  } catch (err) {
    progress.stop();
    if (err instanceof ImportAborted) {
      console.error(`import aborted: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await sink.close();
  }
}

/** A progress bar on a terminal; a log line every 5 s otherwise (CI logs, pipes). */
function progressReporter(totalBytes: number, logger: ReturnType<typeof createLogger>) {
  if (process.stdout.isTTY) {
    const bar = new SingleBar(
      {
        format:
          'import [{bar}] {percentage}% | line {line} | {accepted} accepted | {rejected} rejected | ETA {eta_formatted}',
      },
      Presets.shades_classic,
    );
    bar.start(totalBytes, 0, { line: 0, accepted: 0, rejected: 0 });
    return {
      update: (p: { bytes: number; line: number; accepted: number; rejected: number }) => bar.update(p.bytes, p),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update: (p: { bytes: number; line: number; accepted: number; rejected: number }) => {
      if (Date.now() - last < 5_000) return;
      last = Date.now();
      logger.info({ ...p, percent: totalBytes ? Math.round((100 * p.bytes) / totalBytes) : 100 }, 'import progress');
    },
    stop: () => undefined,
  };
}
