import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The command line as documented: every `brandpulse <command>` and every npm-script tool that the
 * README and docs name answers `--help` with its usage and exit 0, without connecting to anything
 * (Kafka and ClickHouse point at a listener that counts connections, and a service that started
 * would never exit); an unknown flag is one line on stderr and exit 2; every flag the docs show
 * next to a command is in that command's usage. Real processes, as a user runs them.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCS = [
  'README.md',
  'services/nlp/README.md',
  'infra/clickhouse/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
  .scripts;

interface Documented {
  /** Flags shown next to it anywhere in the docs. */
  flags: Set<string>;
  /** Where it was first seen. */
  doc: string;
}

/** `brandpulse <command>` (or `services/cli.ts <command>`) and `npm run <script>` in the docs' code spans. */
function documentedCommands(): { commands: Map<string, Documented>; scripts: Map<string, Documented> } {
  const found = { commands: new Map<string, Documented>(), scripts: new Map<string, Documented>() };
  const note = (into: Map<string, Documented>, name: string, rest: string, doc: string) => {
    const entry = into.get(name) ?? { flags: new Set<string>(), doc };
    // Flags of this command only: up to the end of a shell pipeline step.
    // --help is every command's (shared/usage.ts), so it is not looked for in the usage text.
    for (const m of rest.split(/&&|\|\||[|;#>]/)[0]!.matchAll(/(?:^|\s|\[)--([a-z][a-z-]*)/g))
      if (m[1] !== 'help') entry.flags.add(m[1]!);
    into.set(name, entry);
  };
  for (const doc of DOCS) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const spans = [...text.matchAll(/```[a-z]*\n([\s\S]*?)```|`([^`\n]+)`/g)].map((m) => m[1] ?? m[2]!);
    for (const line of spans.flatMap((s) => s.split('\n'))) {
      for (const m of line.matchAll(/(?:brandpulse(?: --)?|services\/cli\.ts) ([a-z][a-z-]*)(.*)/g))
        note(found.commands, m[1]!, m[2]!, doc);
      for (const m of line.matchAll(/npm run (?:--silent )?([a-z][a-z0-9:-]*)(?: --)?(.*)/g)) {
        if (m[1] !== 'brandpulse') note(found.scripts, m[1]!, m[2]!, doc);
      }
    }
  }
  return found;
}

/** The npm scripts that are tools of their own (a TypeScript file under services/), not suites or the stack. */
function toolFile(script: string): string | null {
  return /^tsx (services\/\S+\.ts)$/.exec(scripts[script] ?? '')?.[1] ?? null;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let trap: Server;
let connections = 0;
let env: NodeJS.ProcessEnv;

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file, ...args],
      { cwd: ROOT, env, timeout: 60_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      },
    );
  });
}

const documented = documentedCommands();
let cliCommands: string[] = [];

beforeAll(async () => {
  trap = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
  const port = (trap.address() as AddressInfo).port;
  env = {
    ...process.env,
    KAFKA_BROKERS: `127.0.0.1:${port}`,
    CLICKHOUSE_URL: `http://127.0.0.1:${port}`,
    SIMULATOR_URL: `http://127.0.0.1:${port}`,
    BRANDPULSE_NO_DOCKER: '1',
    LOG_LEVEL: 'warn',
  };
  const help = await run('services/cli.ts', ['--help']);
  expect(help.code).toBe(0);
  cliCommands = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]!);
});

afterAll(async () => {
  await new Promise((r) => trap.close(r));
});

describe('brandpulse --help', () => {
  it('lists every command, and the docs name only commands that exist and every one of them', () => {
    expect(cliCommands.length).toBeGreaterThan(10);
    for (const [name, { doc }] of documented.commands)
      expect(cliCommands, `${doc} names "brandpulse ${name}"`).toContain(name);
    for (const name of cliCommands)
      expect(documented.commands.has(name), `"brandpulse ${name}" is documented`).toBe(true);
  });

  it('refuses an unknown command with one line and exit 2', async () => {
    const r = await run('services/cli.ts', ['no-such-command']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr.trim().split('\n')).toEqual([
      'brandpulse: unknown command "no-such-command" (see brandpulse --help)',
    ]);
  });
});

describe('every documented command and tool', () => {
  it('prints its usage with --help and exits 0 without connecting to anything; every flag the docs show is in it', async () => {
    const targets = [
      ...cliCommands.map((name) => ({
        label: `brandpulse ${name}`,
        file: 'services/cli.ts',
        args: [name],
        flags: documented.commands.get(name)?.flags,
      })),
      ...[...documented.scripts].flatMap(([name, d]) => {
        const file = toolFile(name);
        return file ? [{ label: `npm run ${name}`, file, args: [], flags: d.flags }] : [];
      }),
    ];
    expect(targets.filter((t) => t.file !== 'services/cli.ts').map((t) => t.label)).toEqual(
      expect.arrayContaining(['npm run sentiment:eval', 'npm run intent:eval', 'npm run alerter:eval']),
    );
    const results = await inPairs(targets, async (t) => ({ t, r: await run(t.file, [...t.args, '--help']) }));
    for (const { t, r } of results) {
      expect({ code: r.code, stderr: r.stderr }, t.label).toEqual({ code: 0, stderr: '' });
      expect(r.stdout, t.label).toMatch(/^usage: /);
      for (const flag of t.flags ?? []) expect(r.stdout, `${t.label}: the docs show --${flag}`).toContain(`--${flag}`);
    }
    expect(connections).toBe(0);
  });

  it('answers an unknown flag with one line on stderr and exit 2', async () => {
    const targets = [
      ...cliCommands.map((name) => ({ label: `brandpulse ${name}`, file: 'services/cli.ts', args: [name] })),
      ...[...documented.scripts.keys()].flatMap((name) => {
        const file = toolFile(name);
        return file ? [{ label: `npm run ${name}`, file, args: [] }] : [];
      }),
    ];
    const results = await inPairs(targets, async (t) => ({ t, r: await run(t.file, [...t.args, '--no-such-flag']) }));
    for (const { t, r } of results) {
      expect(r.code, t.label).toBe(2);
      expect(r.stdout, t.label).toBe('');
      expect(r.stderr.trim().split('\n'), t.label).toEqual([
        expect.stringMatching(/unknown option '--no-such-flag' \(see .*--help\)$/),
      ]);
    }
    expect(connections).toBe(0);
  });

  it('answers a bad value with one line naming the flag and exit 2, no stack trace', async () => {
    const cases = [
      ['simulator', '--rate', 'fast'],
      ['report', '--brand', 'acme', '--since', '1w'],
      ['start', '--seed', '-1'],
      ['migrate', '--list', '--status'],
      ['erase', '--brand', 'acme'],
      ['import', 'no-such-file.ndjson'],
    ];
    const results = await inPairs(cases, async (args) => ({ args, r: await run('services/cli.ts', args) }));
    for (const { args, r } of results) {
      expect(r.code, args.join(' ')).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(
        new RegExp(`^brandpulse ${args[0]}: .*--|^brandpulse import: no such file`),
      );
    }
    expect(connections).toBe(0);
  });
});

/** Two processes at a time: the machine has two cores. */
async function inPairs<T, R>(items: T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 2) out.push(...(await Promise.all(items.slice(i, i + 2).map(f))));
  return out;
}
