import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.ts';
import type { ServiceSpec } from './plan.ts';

/**
 * Runs brandpulse services as child processes, one process group each (so a service's own
 * children stop with it), with a pid file per service so a second `npm start` sees them running
 * and leaves them alone. Logs go to <logDir>/<service>.log.
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
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), '--import', 'tsx', join(this.options.root, 'services/cli.ts'), ...spec.command], {
      cwd: this.options.root,
      env: this.options.env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    closeSync(log);
    writeFileSync(this.pidFile(spec.name), String(child.pid));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
    const running = { spec, child, exited };
    this.running.push(running);
    return running;
  }

  /** Stops the services this supervisor started, last started first (the simulator before the API). */
  async stopAll(timeoutMs = 15_000): Promise<void> {
    for (const r of [...this.running].reverse()) {
      const pid = r.child.pid;
      if (pid !== undefined && r.child.exitCode === null && r.child.signalCode === null) {
        this.options.logger.info({ service: r.spec.name, pid }, 'stopping');
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          this.options.logger.warn({ service: r.spec.name, pid }, `did not stop within ${timeoutMs} ms, killing`);
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, timeoutMs);
        await r.exited;
        clearTimeout(timer);
      }
      rmSync(this.pidFile(r.spec.name), { force: true });
    }
  }
}
