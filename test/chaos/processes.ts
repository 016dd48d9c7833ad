import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One brandpulse service as a child process the harness controls: started as deployed
 * (`node --import tsx services/cli.ts <service>`), SIGKILLed and restarted at once on purpose, and
 * restarted (1 s, doubling to 10 s) when it exits on its own, as an orchestrator would. Exits the
 * harness did not cause are counted and timed: the table reports them.
 */
export interface ServiceOptions {
  root: string;
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logDir: string;
  onUnexpectedExit?: (name: string, code: number | null, signal: string | null) => void;
}

export class ServiceProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private intentional = false;
  private stopped = false;
  private restartDelay = 1_000;
  private startedAt = 0;
  readonly unexpectedExits: number[] = [];
  kills = 0;

  constructor(private readonly o: ServiceOptions) {
    mkdirSync(o.logDir, { recursive: true });
  }

  get name(): string {
    return this.o.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const log = openSync(join(this.o.logDir, `${this.o.name}.log`), 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', join(this.o.root, 'services/cli.ts'), ...this.o.args], {
      cwd: this.o.root,
      env: this.o.env,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    this.intentional = false;
    this.startedAt = Date.now();
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        if (this.intentional || this.stopped) return;
        this.unexpectedExits.push(Date.now());
        this.o.onUnexpectedExit?.(this.o.name, code, signal);
        // Back-off resets once a run lasted a minute: a crash loop slows down, a one-off does not.
        if (Date.now() - this.startedAt > 60_000) this.restartDelay = 1_000;
        const delay = this.restartDelay;
        this.restartDelay = Math.min(this.restartDelay * 2, 10_000);
        setTimeout(() => {
          if (!this.stopped && this.child === child) this.start();
        }, delay);
      });
    });
  }

  /** SIGKILL (no drain, no goodbye), wait for the exit, start again right away. */
  async killAndRestart(): Promise<void> {
    if (this.running) {
      this.intentional = true;
      this.kills++;
      this.child!.kill('SIGKILL');
      await this.exited;
    }
    if (!this.stopped) this.start();
  }

  /** SIGTERM, SIGKILL after `graceMs`; no restart afterwards. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopped = true;
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Runs a one-shot brandpulse command (e.g. `init`) to the end; rejects on a non-zero exit. */
export function runCommand(
  root: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
  name = args[0]!,
): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const log = openSync(join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'services/cli.ts'), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`brandpulse ${args.join(' ')} exited ${code} (log: ${join(logDir, `${name}.log`)})`)),
    );
  });
}

/** Waits until `check` holds, polling every `everyMs`; throws `what` after `timeoutMs`. */
export { until } from '../support/wait.ts';
