import { describe, expect, it } from 'vitest';
import {
  HelpRequested,
  numberFlag,
  parseCommandLine,
  UsageError,
  usageOutcome,
} from '../../../services/shared/usage.ts';

const USAGE = 'usage: demo [--rate <n>] [--flat] <file>';
const OPTIONS = { rate: { type: 'string' }, flat: { type: 'boolean' } } as const;

describe('parseCommandLine (strict node:util parseArgs for every command)', () => {
  it('returns the typed values and positionals', () => {
    const { values, positionals } = parseCommandLine(['--rate', '5', 'a.ndjson', '--flat'], USAGE, OPTIONS, true);
    expect(values).toEqual({ rate: '5', flat: true });
    expect(positionals).toEqual(['a.ndjson']);
  });

  it('turns --help and -h into a HelpRequested carrying the usage, before any value is checked', () => {
    for (const argv of [['--help'], ['-h'], ['--rate', '5', '--help']]) {
      const err = catchError(() => parseCommandLine(argv, USAGE, OPTIONS));
      expect(err).toBeInstanceOf(HelpRequested);
      expect((err as HelpRequested).usage).toBe(USAGE);
    }
  });

  it('refuses unknown options, missing values and unexpected positionals with a one-line UsageError', () => {
    const cases: [string[], RegExp][] = [
      [['--bogus'], /^unknown option '--bogus'$/],
      [['-z'], /^unknown option '-z'$/],
      [['--rate'], /^option '--rate <value>' argument missing$/],
      [['stray'], /^unexpected argument 'stray'$/],
      [['--flat=yes'], /--flat/],
    ];
    for (const [argv, message] of cases) {
      const err = catchError(() => parseCommandLine(argv, USAGE, OPTIONS));
      expect(err, argv.join(' ')).toBeInstanceOf(UsageError);
      expect((err as Error).message, argv.join(' ')).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});

describe('numberFlag', () => {
  it('reads a number, falls back when absent, and names the flag when the value is bad', () => {
    expect(numberFlag('weeks', '3', 8, 1)).toBe(3);
    expect(numberFlag('weeks', undefined, 8, 1)).toBe(8);
    expect(() => numberFlag('weeks', 'x', 8, 1)).toThrow(new UsageError('--weeks must be a number >= 1 (got "x")'));
    expect(() => numberFlag('weeks', '0', 8, 1)).toThrow(UsageError);
    expect(() => numberFlag('weeks', ' ', 8)).toThrow(UsageError);
  });
});

describe('usageOutcome (what services/cli.ts and the npm-script tools do with an error)', () => {
  it('prints help on stdout with exit 0 and a mistake as one stderr line with exit 2', () => {
    expect(usageOutcome('brandpulse sink', new HelpRequested(USAGE))).toEqual({
      stream: 'stdout',
      text: USAGE,
      exitCode: 0,
    });
    expect(usageOutcome('brandpulse sink', new UsageError("unknown option '--x'"))).toEqual({
      stream: 'stderr',
      text: "brandpulse sink: unknown option '--x' (see brandpulse sink --help)",
      exitCode: 2,
    });
    expect(usageOutcome('intent:eval', new UsageError('bad'), 'npm run intent:eval -- --help')?.text).toBe(
      'intent:eval: bad (see npm run intent:eval -- --help)',
    );
  });

  it('leaves every other error to the caller (shown in full: a bug or a dependency)', () => {
    expect(usageOutcome('brandpulse sink', new Error('ECONNREFUSED'))).toBeNull();
    expect(usageOutcome('brandpulse sink', 'text')).toBeNull();
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
