/**
 * `brandpulse <command> [args]`: one entry point for every service and tool. Each command lives in
 * its own module, loaded only when asked for, exporting `run(argv): Promise<void>`. Every run()
 * parses its arguments first with shared/usage.ts (strict node:util parseArgs), so `--help` and a
 * mistake end here, before anything connects: usage on stdout and exit 0, or one line on stderr and
 * exit 2. A configuration error is one message and exit 1; anything else is a bug or a dependency
 * and is shown in full.
 */
import { ConfigError } from './shared/config.ts';
import { watchParent } from './shared/lifecycle.ts';
import { usageOutcome } from './shared/usage.ts';

interface Command {
  module: string;
  summary: string;
}

const commands: Record<string, Command> = {
  start: { module: './start/main.ts', summary: 'bring up the stack, services and simulated traffic (the main job)' },
  init: { module: './admin/init-cli.ts', summary: 'create the topics and apply the migrations (idempotent)' },
  topics: { module: './admin/topics-cli.ts', summary: 'create the Kafka topics of the catalogue (idempotent)' },
  migrate: { module: './migrate/cli.ts', summary: 'apply ClickHouse migrations (forward-only, checksummed)' },
  ingest: { module: './ingest/main.ts', summary: 'run the ingestion API (canonical events, Meta webhooks)' },
  import: { module: './importer/main.ts', summary: 'import an NDJSON or CSV export of past conversations' },
  enricher: { module: './enricher/main.ts', summary: 'run the enricher: language, sentiment, intent' },
  sink: { module: './sink/main.ts', summary: 'run the ClickHouse sink for enriched events' },
  replay: { module: './sink/replay-cli.ts', summary: 'rebuild the ClickHouse projections from the raw topic' },
  erase: {
    module: './ingest/erase-cli.ts',
    summary: 'erase one author of a brand everywhere, for good (crypto-shredding)',
  },
  alerter: { module: './alerter/main.ts', summary: 'run the negative-sentiment spike detector' },
  simulator: {
    module: './simulator/main.ts',
    summary: 'send realistic multilingual conversation traffic to the ingestion API',
  },
  report: { module: './report/main.ts', summary: 'print a brand-health report and write HTML/PNG' },
  dashboard: {
    module: './dashboard/main.ts',
    summary: 'serve the live brand-health page on loopback (same SQL as the Grafana panels)',
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'usage: brandpulse <command> [options]',
    '       brandpulse <command> --help    the options of one command',
    '',
    ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from the environment (README.md, "Configuration").',
  ].join('\n');
}

/**
 * Runs one command line. Returns the exit code to end the process with (help, a mistake, a
 * failure), or null once the command is running or done: a service's consumers and servers keep the
 * process alive, a one-shot command's process ends when it has nothing left to do.
 */
async function main(argv: string[]): Promise<number | null> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    console.log(usage());
    return 0;
  }
  // `brandpulse help sink` is `brandpulse sink --help`.
  const [name, args] = first === 'help' && rest[0] !== undefined ? [rest[0], ['--help']] : [first, rest];
  if (name === 'help') {
    console.log(usage());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`brandpulse: unknown command "${name}" (see brandpulse --help)`);
    return 2;
  }
  try {
    const mod = (await import(command.module)) as { run: (argv: string[]) => Promise<void> };
    await mod.run(args);
    return null;
  } catch (err) {
    const outcome = usageOutcome(`brandpulse ${name}`, err);
    if (outcome) {
      process[outcome.stream].write(`${outcome.text}\n`);
      return outcome.exitCode;
    }
    // A bad environment is the user's too: its message lists every bad variable, no stack trace.
    console.error(err instanceof ConfigError ? err.message : err);
    return 1;
  }
}

// Under `npm start` the supervisor is the parent: from the first moment, no service outlives it.
watchParent();
const exitCode = await main(process.argv.slice(2));
if (exitCode !== null) process.exit(exitCode);
