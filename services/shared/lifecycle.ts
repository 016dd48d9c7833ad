import { constants } from 'node:os';

/**
 * How every long-running service stops. One call in each service's main:
 *
 *     stopOnSignals((reason) => drain(reason), { logger });
 *
 * `drain` runs once, on the first of:
 * - SIGTERM (docker stop, the `npm start` supervisor, systemd), SIGINT (Ctrl-C), SIGHUP (the
 *   terminal closed);
 * - the parent going away: a process spawned with an IPC channel (`npm start` spawns every service
 *   with one) sees it close when the parent exits, however it exits, SIGKILL included. That is how
 *   no service outlives its supervisor, while each keeps its own process group (so Ctrl-C reaches
 *   the supervisor only, and it stops the services in order).
 *
 * The process exits 0 when the drain resolves, 1 when it throws or outlasts the timeout (a stuck
 * drain must not keep a port or a consumer-group member alive forever). A second signal while
 * draining exits at once with 128 + the signal number (an impatient Ctrl-C twice), unless it comes
 * within a second of the first: Ctrl-C in a terminal reaches both npm and the service npm runs, and
 * npm forwards it too, so one keypress can arrive twice.
 */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
export type StopReason = (typeof STOP_SIGNALS)[number] | 'parent exited';

/** Default drain budget: under the supervisor's SIGKILL deadline and compose's stop_grace_period. */
export const DEFAULT_STOP_TIMEOUT_MS = 20_000;
/** A repeated signal this soon after the first is the same stop request (npm forwarding a Ctrl-C). */
export const REPEAT_GRACE_MS = 1_000;

interface StopLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface StopOptions {
  logger: StopLogger;
  /** How long the drain may take; default BRANDPULSE_STOP_TIMEOUT_MS, else 20 s. */
  timeoutMs?: number;
  /** Signals within this long of the first do not force an exit; default REPEAT_GRACE_MS. */
  repeatGraceMs?: number;
}

export interface StopHandle {
  /** Starts the drain as a signal would (once; later calls return the same promise). */
  stop(reason: StopReason): Promise<void>;
}

export function stopTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BRANDPULSE_STOP_TIMEOUT_MS;
  if (raw === undefined || raw === '') return DEFAULT_STOP_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Error(`BRANDPULSE_STOP_TIMEOUT_MS must be a positive integer of milliseconds (got "${raw}")`);
  return ms;
}

export function stopOnSignals(drain: (reason: StopReason) => Promise<void> | void, options: StopOptions): StopHandle {
  const { logger } = options;
  const timeoutMs = options.timeoutMs ?? stopTimeoutMs();
  const repeatGraceMs = options.repeatGraceMs ?? REPEAT_GRACE_MS;
  let draining: Promise<void> | null = null;
  let stopAt = 0;

  const stop = (reason: StopReason): Promise<void> => {
    if (draining) return draining;
    stopAt = Date.now();
    const timer = setTimeout(() => {
      logger.error({ reason, timeoutMs }, 'stop: the drain did not finish in time, exiting anyway');
      process.exit(1);
    }, timeoutMs);
    draining = (async () => {
      try {
        await drain(reason);
      } catch (err) {
        logger.error({ err, reason }, 'stop: the drain failed');
        process.exit(1);
      }
      clearTimeout(timer);
      process.exit(0);
    })();
    return draining;
  };

  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (!draining) {
        void stop(signal);
        return;
      }
      if (Date.now() - stopAt < repeatGraceMs) return;
      logger.warn({ signal }, 'stop: second signal while draining, exiting now');
      process.exit(128 + constants.signals[signal]);
    });
  }

  watchParent();
  onParentGone = () => {
    if (draining) return;
    logger.info({ parentPid: process.ppid }, 'stop: the parent process is gone (its IPC channel closed)');
    void stop('parent exited');
  };

  return { stop };
}

let watching = false;
/** What to do when the parent goes away; until a service installs its drain, there is nothing to drain. */
let onParentGone = (): void => {
  process.stderr.write('brandpulse: the parent process is gone before the service started: exiting\n');
  process.exit(0);
};

/**
 * Starts watching the parent's IPC channel, if there is one. services/cli.ts calls it first thing,
 * so a parent that dies while a service is still starting (loading its model, joining its group)
 * is seen too: the channel closes once, and a listener added later would never hear it.
 */
export function watchParent(): void {
  if (watching || !process.channel) return;
  watching = true;
  process.once('disconnect', () => onParentGone());
  // Listening for 'disconnect' would keep the process alive after its work is done (a simulator run
  // with --duration must still end by itself): unref the channel once the listener is on.
  process.channel.unref();
}
