import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.ts';
import { stopWaves, type ServiceSpec } from './plan.ts';

/**
 * Runs brandpulse services as child processes, with a pid file per service so a second `npm start`
 * sees them running and leaves them alone. Logs go to <logDir>/<service>.log.
 *
 * Each child is `node --import tsx services/cli.ts <command>` itself (no wrapper in between, so the
 * signals sent to it reach the service), in its own process group (Ctrl-C in the terminal reaches
 * only the supervisor, which stops the services in order, and a service's own children stop with
 * it), with an IPC channel it watches (services/shared/lifecycle.ts): if the supervisor dies, even
 * by SIGKILL, the channel closes and every service drains and exits.
 */
export interface SupervisorOptions {
  root: string;
  runDir: string;
  logDir: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Extra node flags for every child (e.g. --cpu-prof, which NODE_OPTIONS does not accept). */
  nodeArgs?: string[];
}

export interface Running {
  spec: ServiceSpec;
  child: ChildProcess;
  exited: Promise<number | null>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class Supervisor {
  readonly running: Running[] = [];

  constructor(private readonly options: SupervisorOptions) {
    mkdirSync(options.runDir, { recursive: true });
    mkdirSync(options.logDir, { recursive: true });
  }

  private pidFile(name: string): string {
    return join(this.options.runDir, `${name}.pid`);
  }

  /** The pid of a live process started for `name` by an earlier `npm start`, if any. */
  runningPid(name: string): number | null {
    const file = this.pidFile(name);
    if (!existsSync(file)) return null;
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      // A recycled pid would belong to something else: check the command line when we can.
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!cmdline.includes('cli.ts')) return null;
      } catch {
        // no /proc: trust the pid file
      }
      return pid;
    }
    rmSync(file, { force: true });
    return null;
  }

  start(spec: ServiceSpec): Running {
    const log = openSync(join(this.options.logDir, `${spec.name}.log`), 'a');
    const child = spawn(
      process.execPath,
      [
        ...(this.options.nodeArgs ?? []),
        '--import',
        'tsx',
        join(this.options.root, 'services/cli.ts'),
        ...spec.command,
      ],
      {
        cwd: this.options.root,
        env: this.options.env,
        stdio: ['ignore', log, log, 'ipc'],
        detached: true,
      },
    );
    closeSync(log);
    writeFileSync(this.pidFile(spec.name), String(child.pid));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : null))),
    );
    const running = { spec, child, exited };
    this.running.push(running);
    return running;
  }

  /**
   * Stops the services this supervisor started and waits for their drains: the traffic source
   * first (the simulator, so nothing new arrives), then the rest together (each drains on its own:
   * the API answers what is in flight, consumers commit and leave their groups). A service still
   * running after `timeoutMs` is killed with its process group.
   */
  async stopAll(timeoutMs = 25_000): Promise<void> {
    for (const wave of stopWaves(this.running.map((r) => r.spec.name))) {
      await Promise.all(this.running.filter((r) => wave.includes(r.spec.name)).map((r) => this.stopOne(r, timeoutMs)));
    }
  }

  private async stopOne(r: Running, timeoutMs: number): Promise<void> {
    const pid = r.child.pid;
    if (pid !== undefined && r.child.exitCode === null && r.child.signalCode === null) {
      this.options.logger.info({ service: r.spec.name, pid }, 'stopping');
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        this.options.logger.warn({ service: r.spec.name, pid }, `did not stop within ${timeoutMs} ms, killing`);
        signalGroup(pid, 'SIGKILL');
      }, timeoutMs);
      const code = await r.exited;
      clearTimeout(timer);
      this.options.logger.info({ service: r.spec.name, pid, code }, 'stopped');
    }
    rmSync(this.pidFile(r.spec.name), { force: true });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
