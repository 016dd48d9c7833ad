import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** One logger per process; services name themselves so merged logs stay readable. */
export function createLogger(name: string, level: LevelWithSilent = 'info'): Logger {
  return pino({ name, level, base: { service: name } }, stdoutThatOutlivesTheTerminal());
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
