import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, dirname } from 'node:path';
import { promisify } from 'node:util';

/**
 * The chaos run's own Kafka and ClickHouse (infra/local/stack.sh with other ports and another
 * stack dir), because it restarts the broker and takes ClickHouse down: the shared stack on
 * 9092/8123 is never touched. The Kafka jars and the chDB venv of the shared `.stack` are linked
 * in when they are current (same pom / requirements stamp as stack.sh computes), so nothing is
 * downloaded again; otherwise stack.sh fetches its own copy. Data and service logs start empty on every run.
 */
export interface OwnStackOptions {
  root: string;
  dir: string;
  kafkaPort: number;
  controllerPort: number;
  clickhousePort: number;
}

const SHARED_PORTS = new Set([9092, 9093, 8123]);
const run = promisify(execFile);

/** stack.sh's stamp: the first 16 hex digits of the file's sha256. */
export function stamp(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export class OwnStack {
  readonly kafkaBrokers: string;
  readonly clickhouseUrl: string;

  constructor(readonly o: OwnStackOptions) {
    for (const p of [o.kafkaPort, o.controllerPort, o.clickhousePort]) {
      if (SHARED_PORTS.has(p))
        throw new Error(`port ${p} belongs to the shared stack: the chaos run needs its own ports`);
    }
    if (join(o.root, '.stack') === o.dir)
      throw new Error('the chaos run needs its own stack dir, not the shared .stack');
    this.kafkaBrokers = `127.0.0.1:${o.kafkaPort}`;
    this.clickhouseUrl = `http://127.0.0.1:${o.clickhousePort}`;
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      BRANDPULSE_STACK_DIR: this.o.dir,
      KAFKA_PORT: String(this.o.kafkaPort),
      KAFKA_CONTROLLER_PORT: String(this.o.controllerPort),
      CLICKHOUSE_PORT: String(this.o.clickhousePort),
    };
  }

  /** Stops what an aborted earlier run left, wipes the data, links the shared downloads. */
  async prepare(): Promise<void> {
    await this.down().catch(() => undefined);
    for (const p of [this.o.kafkaPort, this.o.controllerPort, this.o.clickhousePort]) {
      if (!(await portFree(p)))
        throw new Error(
          `port ${p} is in use: set CHAOS_KAFKA_PORT / CHAOS_KAFKA_CONTROLLER_PORT / CHAOS_CLICKHOUSE_PORT`,
        );
    }
    rmSync(join(this.o.dir, 'kafka', 'data'), { recursive: true, force: true });
    rmSync(join(this.o.dir, 'chdb', 'data'), { recursive: true, force: true });
    rmSync(join(this.o.dir, 'logs'), { recursive: true, force: true });
    mkdirSync(join(this.o.dir, 'kafka'), { recursive: true });
    const shared = join(this.o.root, '.stack');
    this.link(
      join(shared, 'kafka', 'lib'),
      join(this.o.dir, 'kafka', 'lib'),
      join(this.o.root, 'infra/local/kafka/pom.xml'),
    );
    this.link(join(shared, 'venv'), join(this.o.dir, 'venv'), join(this.o.root, 'infra/local/chdb/requirements.txt'));
  }

  private link(target: string, path: string, stampedBy: string): void {
    const current =
      existsSync(join(target, '.stamp')) && readFileSync(join(target, '.stamp'), 'utf8').trim() === stamp(stampedBy);
    const isLink = existsSync(path) && lstatSync(path).isSymbolicLink();
    // A stale shared copy is not linked: stack.sh would rebuild it in place, under the shared stack.
    if (!current) {
      if (isLink) rmSync(path);
      return;
    }
    if (isLink || existsSync(path)) return;
    symlinkSync(relative(dirname(path), target), path);
  }

  async up(what: 'all' | 'kafka' | 'clickhouse' = 'all'): Promise<void> {
    await run('bash', [join(this.o.root, 'infra/local/stack.sh'), 'up', what], { env: this.env, timeout: 600_000 });
  }

  async down(what: 'all' | 'kafka' | 'clickhouse' = 'all'): Promise<void> {
    await run('bash', [join(this.o.root, 'infra/local/stack.sh'), 'down', what], { env: this.env, timeout: 120_000 });
  }
}
