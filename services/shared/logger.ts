import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  /**
   * Human-readable lines (pino-pretty) instead of JSON. Default: when stdout is a terminal, i.e. a
   * person reads it; JSON otherwise (files, pipes, log collectors). LOG_FORMAT=json|pretty overrides.
   */
  pretty?: boolean;
}

/** Whether a logger writes for people: LOG_FORMAT if set, else whether stdout is a terminal. */
export function prettyLogs(env: NodeJS.ProcessEnv = process.env, isTty = Boolean(process.stdout.isTTY)): boolean {
  if (env.LOG_FORMAT === 'pretty') return true;
  if (env.LOG_FORMAT === 'json') return false;
  return isTty;
}

/** One logger per process; services name themselves so merged logs stay readable. */
export function createLogger(name: string, level: LevelWithSilent = 'info', options: LoggerOptions = {}): Logger {
  const out = stdoutThatOutlivesTheTerminal();
  const pretty = options.pretty ?? prettyLogs();
  // pino-pretty as a stream in this thread (not a transport worker), writing to the same guarded stdout.
  if (!pretty) return pino({ name, level, base: { service: name } }, out);
  // One line per entry, its fields after the message; the name is shown as "(name)", so no `service` field.
  const destination: DestinationStream = PinoPretty({
    destination: out,
    translateTime: 'HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
  });
  return pino({ name, level, base: {} }, destination);
}

/** Errors that mean nobody reads stdout any more: the terminal closed (EIO), the pipe's reader left (EPIPE). */
const GONE = new Set(['EIO', 'EPIPE', 'EBADF', 'ENXIO']);

/**
 * pino's stdout destination, except that a closed terminal silences it instead of wedging the
 * process. After a terminal closes, writes to it fail with EIO; pino only expects EPIPE, so the
 * error is thrown, and at exit pino's final flush retries the write forever: a process stopped by
 * SIGHUP would drain, then hang in exit with its port. Dropping the lines is all one can do with
 * them (`npm start` services log to files, not to the terminal).
 */
function stdoutThatOutlivesTheTerminal() {
  const stream = pino.destination({ dest: 1, sync: false });
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (!GONE.has(err.code ?? '')) throw err;
    stream.write = () => true;
    stream.flushSync = () => undefined;
    stream.end = () => undefined;
  });
  return stream;
}
