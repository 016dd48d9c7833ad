import { durationFlag } from '../domain/durations.ts';
import type { CrisisSpec } from './simulation.ts';
import { parseCommandLine, UsageError } from '../shared/usage.ts';

/** Command-line options of `brandpulse simulator`, parsed and checked (pure: unit-tested). */
export interface SimulatorArgs {
  rate: number;
  seed: number;
  brands: string[] | null;
  /** Wall-clock seconds of live traffic; null = until stopped; 0 = backfill only. */
  duration: number | null;
  backfillHours: number;
  url: string | null;
  batch: number;
  concurrency: number;
  flat: boolean;
  crisisEveryHours: number;
  /** Crises at minutes from now: `brand@minutes[:durationMinutes]`. */
  crises: { brand: string; atMinutes: number; durationMinutes: number }[];
  stdout: boolean;
}

export const USAGE = `usage: brandpulse simulator [options]
  --rate <events/s>        average events per second over a day, all brands (default 20)
  --seed <n>               PRNG seed: the same seed and start give the same events (default 1)
  --brands a,b             brands to simulate (default: the brands of INGEST_API_KEYS)
  --duration <s>           seconds of live traffic, then exit (default: until Ctrl-C; 0 = backfill only)
  --backfill <h>           first generate the last <h> hours as fast as the API takes them (default 0)
  --url <url>              ingestion API (default SIMULATOR_URL or http://127.0.0.1:8080)
  --batch <n>              events per request (default 500)
  --concurrency <n>        requests in flight (default 4)
  --flat                   constant rate (no day/night shape)
  --crisis-every <h>       mean hours between random crises per brand (default 8; 0 = none)
  --crisis brand@min[:len] inject a crisis <min> minutes from now (negative: in the backfill) lasting <len> minutes (default 30); repeatable
  --stdout                 print NDJSON instead of sending`;

function num(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number >= ${min} (got "${value}")`);
  return n;
}

/** Accepts "90", "90s", "15m", "2h", "1d" (services/domain/durations.ts). Returns seconds. */
export const parseSeconds = durationFlag;

export function parseSimulatorArgs(argv: string[]): SimulatorArgs {
  const { values } = parseCommandLine(argv, USAGE, {
    rate: { type: 'string' },
    seed: { type: 'string' },
    brands: { type: 'string' },
    duration: { type: 'string' },
    backfill: { type: 'string' },
    url: { type: 'string' },
    batch: { type: 'string' },
    concurrency: { type: 'string' },
    flat: { type: 'boolean' },
    'crisis-every': { type: 'string' },
    crisis: { type: 'string', multiple: true },
    stdout: { type: 'boolean' },
  });
  const rate = num('rate', values.rate, 20, 0.001);
  const crises = (values.crisis ?? []).map((spec) => {
    const m = /^([A-Za-z0-9._-]+)@(-?\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(spec);
    if (!m) throw new UsageError(`--crisis must look like acme@5 or acme@5:30 (got "${spec}")`);
    return { brand: m[1]!, atMinutes: Number(m[2]), durationMinutes: m[3] === undefined ? 30 : Number(m[3]) };
  });
  return {
    rate,
    seed: Math.trunc(num('seed', values.seed, 1, 0)),
    brands: values.brands
      ? values.brands
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean)
      : null,
    duration: values.duration === undefined ? null : parseSeconds('duration', values.duration),
    backfillHours: values.backfill === undefined ? 0 : durationFlag('backfill', values.backfill, 'h') / 3600,
    url: values.url ?? null,
    batch: Math.trunc(num('batch', values.batch, 500, 1)),
    concurrency: Math.trunc(num('concurrency', values.concurrency, 4, 1)),
    flat: values.flat ?? false,
    crisisEveryHours: num('crisis-every', values['crisis-every'], 8, 0),
    crises,
    stdout: values.stdout ?? false,
  };
}

/** Crises given as minutes from `now` → absolute specs. */
export function crisisSpecs(args: SimulatorArgs, now: number): CrisisSpec[] {
  return args.crises.map((c) => ({
    brand: c.brand,
    start: now + c.atMinutes * 60_000,
    durationMs: c.durationMinutes * 60_000,
    multiplier: 6,
  }));
}
