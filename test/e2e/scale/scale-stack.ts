import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { runCommand, until } from '../../chaos/processes.ts';
import { freePort } from '../../chaos/pipeline.ts';
import { stamp } from '../../chaos/own-stack.ts';

/**
 * The scale runs' own stack: three KRaft brokers (infra/local/stack.sh with
 * BRANDPULSE_KAFKA_BROKERS=3) and chDB, on other ports and in another dir than the shared stack,
 * which is never touched. Brokers are SIGKILLed through their pid files and restarted with
 * `stack.sh up kafka-N`, as an operator's supervisor would.
 */
export interface ScaleStackOptions {
  root: string;
  dir: string;
  kafkaPort: number;
  controllerPort: number;
  clickhousePort: number;
  brokers: number;
}

const run = promisify(execFile);

export class ScaleStack {
  constructor(readonly o: ScaleStackOptions) {
    if ([9092, 9093, 8123].some((p) => [o.kafkaPort, o.controllerPort, o.clickhousePort].includes(p)))
      throw new Error('the scale runs need their own ports');
    if (join(o.root, '.stack') === o.dir) throw new Error('the scale runs need their own stack dir');
  }

  brokerPort(n: number): number {
    return this.o.kafkaPort + 2 * (n - 1);
  }

  get kafkaBrokers(): string {
    return Array.from({ length: this.o.brokers }, (_, i) => `127.0.0.1:${this.brokerPort(i + 1)}`).join(',');
  }

  get clickhouseUrl(): string {
    return `http://127.0.0.1:${this.o.clickhousePort}`;
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      BRANDPULSE_STACK_DIR: this.o.dir,
      BRANDPULSE_KAFKA_BROKERS: String(this.o.brokers),
      KAFKA_PORT: String(this.o.kafkaPort),
      KAFKA_CONTROLLER_PORT: String(this.o.controllerPort),
      CLICKHOUSE_PORT: String(this.o.clickhousePort),
      // A broker restarted while the machine is busy (2 cores, the pipeline under load) starts slowly.
      KAFKA_START_TIMEOUT: process.env.KAFKA_START_TIMEOUT ?? '300',
    };
  }

  private async stack(...args: string[]): Promise<void> {
    await run('bash', [join(this.o.root, 'infra/local/stack.sh'), ...args], { env: this.env, timeout: 600_000 });
  }

  /** Stops what an earlier run left, wipes data, links the shared Kafka jars and chDB venv. */
  async prepare(): Promise<void> {
    await this.stack('down').catch(() => undefined);
    rmSync(join(this.o.dir, 'kafka'), { recursive: true, force: true });
    rmSync(join(this.o.dir, 'chdb', 'data'), { recursive: true, force: true });
    rmSync(join(this.o.dir, 'logs'), { recursive: true, force: true });
    mkdirSync(join(this.o.dir, 'kafka'), { recursive: true });
    const shared = join(this.o.root, '.stack');
    const link = (target: string, path: string, by: string) => {
      if (existsSync(path) || !existsSync(join(target, '.stamp'))) return;
      if (readFileSync(join(target, '.stamp'), 'utf8').trim() === stamp(by)) symlinkSync(target, path);
    };
    link(
      join(shared, 'kafka', 'lib'),
      join(this.o.dir, 'kafka', 'lib'),
      join(this.o.root, 'infra/local/kafka/pom.xml'),
    );
    link(join(shared, 'venv'), join(this.o.dir, 'venv'), join(this.o.root, 'infra/local/chdb/requirements.txt'));
  }

  async up(): Promise<void> {
    await this.stack('up');
  }

  async down(): Promise<void> {
    await this.stack('down');
  }

  private pidOf(n: number): number | null {
    const file =
      this.o.brokers === 1
        ? join(this.o.dir, 'kafka', 'kafka.pid')
        : join(this.o.dir, 'kafka', `node${n}`, 'kafka.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : null;
  }

  /** SIGKILL broker n (no controlled shutdown: its partitions' leadership moves by election). */
  async killBroker(n: number): Promise<void> {
    const pid = this.pidOf(n);
    if (!pid) throw new Error(`no pid for broker ${n}`);
    process.kill(pid, 'SIGKILL');
    await until(
      `broker ${n} to exit`,
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      10_000,
      100,
    );
  }

  async startBroker(n: number): Promise<void> {
    await this.stack('up', `kafka-${n}`);
  }
}

/** Every partition of `topics` with all its replicas in sync again (after a broker came back). */
export async function fullyInSync(kafka: Kafka, topics: string[], replicas: number): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics: meta } = await admin.fetchTopicMetadata({ topics });
    return meta.every((t) => t.partitions.every((p) => p.isr.length >= replicas && p.leader >= 0));
  } finally {
    await admin.disconnect();
  }
}

/** Sum over partitions of a group's committed offsets and of the topic's end offsets. */
export async function groupProgress(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<{ committed: number; end: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const c = (committed?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    return { committed: c, end: ends.reduce((n, p) => n + Number(p.high), 0) };
  } finally {
    await admin.disconnect();
  }
}

/** How many members a consumer group has right now (0 while it rebalances with nobody in). */
export async function groupMembers(kafka: Kafka, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.state === 'Stable' ? groups[0].members.length : -1;
  } finally {
    await admin.disconnect();
  }
}

export type Role = 'ingest' | 'enricher' | 'sink';

/** One service instance as a child process; never restarted behind the run's back. */
export class Member {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private expected = false;
  unexpectedExits = 0;

  constructor(private readonly o: { root: string; name: string; env: NodeJS.ProcessEnv; logDir: string }) {}

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    mkdirSync(this.o.logDir, { recursive: true });
    const log = openSync(join(this.o.logDir, `${this.o.name}.log`), 'a');
    const role = this.o.name.split('-')[0]!;
    const child = spawn(process.execPath, ['--import', 'tsx', join(this.o.root, 'services/cli.ts'), role], {
      cwd: this.o.root,
      env: this.o.env,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    this.expected = false;
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (!this.expected) this.unexpectedExits++;
        resolve();
      }),
    );
  }

  /** SIGKILL (mid-batch under load: no drain, no commit) or SIGTERM (drain, leave the group). */
  async signal(sig: 'SIGKILL' | 'SIGTERM', graceMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.expected = true;
    this.child!.kill(sig);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * ingest and any number of enrichers and sinks, each in its consumer group, as child processes
 * (`node --import tsx services/cli.ts <role>`). Members are named enricher-1, sink-2, ...; each
 * can be started, SIGKILLed (and stays down: a crash that takes an instance away) or stopped.
 */
export class ScaledPipeline {
  readonly members = new Map<string, Member>();
  readonly env: NodeJS.ProcessEnv;
  readonly url: string;
  readonly groups: { enricher: string; sink: string };

  private constructor(
    private readonly o: { root: string; logDir: string; env: Record<string, string> },
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.groups = { enricher: o.env.ENRICHER_GROUP_ID!, sink: o.env.SINK_GROUP_ID! };
    this.env = {
      ...process.env,
      ...o.env,
      INGEST_PORT: String(port),
      ENRICHER_METRICS_PORT: '0',
      SINK_METRICS_PORT: '0',
    };
  }

  static async create(o: {
    root: string;
    logDir: string;
    kafkaBrokers: string;
    clickhouseUrl: string;
    prefix: string;
    database: string;
  }): Promise<ScaledPipeline> {
    return new ScaledPipeline(
      {
        root: o.root,
        logDir: o.logDir,
        env: {
          KAFKA_BROKERS: o.kafkaBrokers,
          KAFKA_TOPIC_PREFIX: o.prefix,
          CLICKHOUSE_URL: o.clickhouseUrl,
          CLICKHOUSE_DATABASE: o.database,
          ENRICHER_GROUP_ID: `${o.prefix}enricher`,
          SINK_GROUP_ID: `${o.prefix}sink`,
          LOG_LEVEL: 'info',
        },
      },
      await freePort(),
    );
  }

  async init(): Promise<void> {
    await runCommand(this.o.root, ['init'], this.env, this.o.logDir);
  }

  /** Runs a one-shot brandpulse command with the pipeline's environment (e.g. replay). */
  async command(args: string[], extraEnv: Record<string, string> = {}): Promise<void> {
    await runCommand(this.o.root, args, { ...this.env, ...extraEnv }, this.o.logDir);
  }

  /** Starts member `name` (e.g. sink-3), or starts it again after a kill or a stop. */
  start(name: string): void {
    if (this.members.get(name)?.running) return;
    const m = new Member({ root: this.o.root, name, env: this.env, logDir: this.o.logDir });
    this.members.set(name, m);
    m.start();
  }

  async kill(name: string): Promise<void> {
    await this.members.get(name)?.signal('SIGKILL');
  }

  async stop(name: string): Promise<void> {
    await this.members.get(name)?.signal('SIGTERM');
  }

  unexpectedExits(): number {
    return [...this.members.values()].reduce((n, m) => n + m.unexpectedExits, 0);
  }

  async ready(): Promise<boolean> {
    return fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
  }

  async stopAll(): Promise<void> {
    await this.stop('ingest');
    await Promise.all([...this.members.keys()].map((n) => this.stop(n)));
  }
}
