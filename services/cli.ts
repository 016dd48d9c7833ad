/**
 * `brandpulse <command> [args]`: one entry point for every service and tool. Each command lives in
 * its own module, loaded only when asked for, exporting `run(argv): Promise<void>`.
 */
import { ConfigError } from './shared/config.ts';
import { watchParent } from './shared/lifecycle.ts';

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
  erase: { module: './ingest/erase-cli.ts', summary: 'erase one author of a brand everywhere, for good (crypto-shredding)' },
  alerter: { module: './alerter/main.ts', summary: 'run the negative-sentiment spike detector' },
  simulator: { module: './simulator/main.ts', summary: 'send realistic multilingual conversation traffic to the ingestion API' },
  report: { module: './report/main.ts', summary: 'print a brand-health report and write HTML/PNG' },
  dashboard: { module: './dashboard/main.ts', summary: 'serve the live brand-health page on loopback (same SQL as the Grafana panels)' },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return ['usage: brandpulse <command> [options]', '', ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return;
  }
  const command = commands[name];
  if (!command) {
    console.error(`brandpulse: unknown command "${name}"\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const mod = (await import(command.module)) as { run: (argv: string[]) => Promise<void> };
  await mod.run(rest);
}

// Under `npm start` the supervisor is the parent: from the first moment, no service outlives it.
watchParent();
main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
