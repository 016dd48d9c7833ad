import { stopOnSignals } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { crisisSpecs, parseSimulatorArgs } from './args.ts';
import { loadSimulatorConfig } from './config.ts';
import { IngestSender } from './sender.ts';
import { Simulation, type Delivery } from './simulation.ts';

/**
 * `brandpulse simulator`: realistic conversation traffic sent through the ingestion API.
 * Backfill first (the last N hours, as fast as the API accepts), then live: simulated time
 * follows the wall clock and each tick sends what became due.
 */
const TICK_MS = 250;
const BACKFILL_STEP_MS = 60_000;

export async function run(argv: string[]): Promise<void> {
  const args = parseSimulatorArgs(argv);
  const config = loadSimulatorConfig();
  const logger = createLogger('simulator', config.LOG_LEVEL);
  const brands = args.brands ?? [...config.INGEST_API_KEYS.keys()];
  const now = Date.now();
  const start = now - args.backfillHours * 3_600_000;
  const sim = new Simulation({
    seed: args.seed,
    brands,
    start,
    rate: args.rate,
    flat: args.flat,
    crisisEveryHours: args.crisisEveryHours,
    crises: crisisSpecs(args, now),
  });
  const sender = new IngestSender({
    url: args.url ?? config.SIMULATOR_URL,
    keys: config.INGEST_API_KEYS,
    logger,
    batchSize: args.batch,
    concurrency: args.concurrency,
  });
  const emit = async (deliveries: Delivery[]) => {
    if (deliveries.length === 0) return;
    if (args.stdout) {
      process.stdout.write(deliveries.map((d) => JSON.stringify(d.event)).join('\n') + '\n');
      sender.stats.accepted += deliveries.length;
    } else {
      await sender.send(deliveries.map((d) => d.event));
    }
  };

  // On a stop (signal, or the `npm start` supervisor gone): finish the requests in flight, then exit 0.
  let stopping = false;
  let loopsDone: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (loopsDone = resolve));
  stopOnSignals(
    async (signal) => {
      stopping = true;
      sender.stop();
      logger.info({ signal }, 'stopping: finishing the requests in flight (Ctrl-C again to quit now)');
      await finished;
    },
    { logger },
  );

  logger.info(
    {
      brands,
      rate: args.rate,
      seed: args.seed,
      backfillHours: args.backfillHours,
      duration: args.duration,
      url: args.stdout ? 'stdout' : (args.url ?? config.SIMULATOR_URL),
    },
    'simulator starting',
  );
  const progress = () =>
    logger.info(
      { simTime: new Date(sim.time).toISOString(), ...sender.stats, pending: sim.pending, threads: sim.threadsStarted },
      'simulator progress',
    );
  let lastProgress = Date.now();

  // Backfill: the past, as fast as the API takes it.
  for (let t = start; t < now && !stopping;) {
    t = Math.min(t + BACKFILL_STEP_MS * Math.max(1, Math.round(args.rate / 20)), now);
    await emit(sim.advance(t));
    if (Date.now() - lastProgress > 10_000) {
      progress();
      lastProgress = Date.now();
    }
  }
  if (args.backfillHours > 0) logger.info({ ...sender.stats, tookMs: Date.now() - now }, 'backfill done');

  // Live: simulated time is the wall clock.
  const liveUntil = args.duration === null ? Infinity : Date.now() + args.duration * 1000;
  while (!stopping && Date.now() < liveUntil) {
    const tickStart = Date.now();
    await emit(sim.advance(Math.min(tickStart, liveUntil)));
    if (Date.now() - lastProgress > 10_000) {
      progress();
      lastProgress = Date.now();
    }
    await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (Date.now() - tickStart))));
  }
  progress();
  logger.info({ ...sender.stats }, 'simulator stopped');
  loopsDone();
}
