/**
 * Durations as people write them in configuration and on the command line: "90", "90s", "15m",
 * "4h", "2d". One parser for brands.yaml (SLA targets, inactivity rule), the simulator's and the
 * report's flags, so "2d" means the same everywhere.
 */

import { UsageError } from '../shared/usage.ts';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
export type DurationUnit = keyof typeof UNIT_SECONDS;

const DURATION = /^(\d+(?:\.\d+)?)([smhd])?$/;

/**
 * Seconds in `text`, or null when it is not a duration. A bare number is in `bareUnit` (seconds
 * unless the caller says otherwise: `--backfill 6` means six hours).
 */
export function parseDurationSeconds(text: string, bareUnit: DurationUnit = 's'): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNIT_SECONDS[(m[2] as DurationUnit | undefined) ?? bareUnit];
}

/** Like parseDurationSeconds, but names the option in the error (for CLI flags). */
export function durationFlag(name: string, text: string, bareUnit: DurationUnit = 's'): number {
  const s = parseDurationSeconds(text, bareUnit);
  if (s === null) throw new UsageError(`--${name} must look like 90, 90s, 15m, 2h or 1d (got "${text}")`);
  return s;
}
