/**
 * The command line of every brandpulse command and tool: node:util parseArgs in strict mode, with
 * `--help`/`-h` added to each. Mistakes are UsageErrors (one line, exit 2, no stack trace) and a
 * help request is a HelpRequested carrying the usage text (stdout, exit 0). Both are thrown, so no
 * command connects to anything before its arguments are known to be right; services/cli.ts maps
 * them to exit codes once, and runScript() does the same for the npm-script tools.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake on the command line (unknown flag, bad or missing value): the user's, not a bug. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--help` was asked for: print `usage` and exit 0. An error only so that nothing after the parse runs. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;
/** What node:util's parseArgs returns for these options (typed values, positionals when allowed). */
type Parsed<O extends Options, P extends boolean> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP; strict: true; allowPositionals: P }>
>;

/**
 * Parses `argv` strictly against `options` (plus --help). Throws HelpRequested(usage) on --help and
 * UsageError on an unknown option, a missing value or an unexpected positional argument.
 */
export function parseCommandLine<const O extends Options, const P extends boolean = false>(
  argv: readonly string[],
  usage: string,
  options: O,
  allowPositionals?: P,
): Parsed<O, P> {
  let parsed: Parsed<O, P>;
  try {
    const config = {
      args: [...argv],
      options: { ...options, ...HELP },
      strict: true as const,
      allowPositionals: (allowPositionals ?? false) as P,
    };
    parsed = parseArgs<{ args: string[]; options: O & typeof HELP; strict: true; allowPositionals: P }>(config);
  } catch (err) {
    // node:util's messages go on with a hint about `--`: the first sentence is the one a user needs.
    if (isParseArgsError(err)) throw new UsageError(lowerFirst(err.message.split(/\.\s/)[0]!.replace(/\.$/, '')));
    throw err;
  }
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested(usage);
  return parsed;
}

function isParseArgsError(err: unknown): err is Error {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** A number flag: finite and at least `min`, else a UsageError naming the flag. */
export function numberFlag(name: string, value: string | undefined, fallback: number, min = -Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min)
    throw new UsageError(`--${name} must be a number${min > -Infinity ? ` >= ${min}` : ''} (got "${value}")`);
  return n;
}

/**
 * What a command line mistake or a help request ends as, for `program` (e.g. "brandpulse sink"):
 * the text, the stream and the exit code; null for any other error (a bug or a dependency: the
 * caller shows it in full).
 */
export function usageOutcome(
  program: string,
  err: unknown,
  helpCommand = `${program} --help`,
): { stream: 'stdout' | 'stderr'; text: string; exitCode: number } | null {
  if (err instanceof HelpRequested) return { stream: 'stdout', text: err.usage, exitCode: 0 };
  if (err instanceof UsageError)
    return { stream: 'stderr', text: `${program}: ${err.message} (see ${helpCommand})`, exitCode: 2 };
  return null;
}

/**
 * For the npm-script tools (`npm run sentiment:eval -- ...`), which run without services/cli.ts:
 * parses like parseCommandLine, and on --help or a mistake prints and exits at once (0 or 2).
 * `script` is the npm script's name (e.g. "sentiment:eval").
 */
export function scriptArgs<const O extends Options, const P extends boolean = false>(
  script: string,
  usage: string,
  options: O,
  allowPositionals?: P,
  argv: readonly string[] = process.argv.slice(2),
): Parsed<O, P> {
  return scriptCheck(script, () => parseCommandLine(argv, usage, options, allowPositionals));
}

/** Runs `check` (reading flag values) for npm script `script`: a UsageError it throws ends the process with exit 2. */
export function scriptCheck<T>(script: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    exitOnUsage(script, err);
    throw err;
  }
}

/** A bad value found after parsing, in an npm-script tool: one line on stderr, exit 2. */
export function scriptUsageError(script: string, message: string): never {
  return scriptCheck(script, () => {
    throw new UsageError(message);
  });
}

/** Ends the process when `err` is a help request or a usage mistake of npm script `script`; returns otherwise. */
function exitOnUsage(script: string, err: unknown): void {
  const outcome = usageOutcome(script, err, `npm run ${script} -- --help`);
  if (!outcome) return;
  // Writes to pipes and files are synchronous on Linux, so nothing is lost by exiting right after.
  process[outcome.stream].write(`${outcome.text}\n`);
  process.exit(outcome.exitCode);
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
