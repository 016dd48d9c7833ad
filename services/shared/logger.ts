import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** One logger per process; services name themselves so merged logs stay readable. */
export function createLogger(name: string, level: LevelWithSilent = 'info'): Logger {
  return pino({ name, level, base: { service: name } });
}
