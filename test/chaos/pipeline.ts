import { createServer } from 'node:net';
import { runCommand, ServiceProcess, until } from './processes.ts';

/**
 * ingest, enricher and sink as child processes on one topic prefix and database, the way they run
 * deployed: `brandpulse init` first (topics + migrations), then each service. Consumer group ids
 * carry the run's name so a run on the shared stack meets no other run's group.
 */
export type ServiceName = 'ingest' | 'enricher' | 'sink';
export const SERVICES: readonly ServiceName[] = ['ingest', 'enricher', 'sink'];

export interface PipelineOptions {
  root: string;
  kafkaBrokers: string;
  clickhouseUrl: string;
  clickhouseUser: string;
  clickhousePassword: string;
  topicPrefix: string;
  database: string;
  /** Names the consumer groups: `<groupPrefix>enricher`, `<groupPrefix>sink`. */
  groupPrefix: string;
  logDir: string;
  logLevel?: string;
  extraEnv?: Record<string, string>;
  onUnexpectedExit?: (name: string, code: number | null, signal: string | null) => void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class Pipeline {
  readonly services = new Map<ServiceName, ServiceProcess>();
  readonly groups: { enricher: string; sink: string };
  readonly env: NodeJS.ProcessEnv;
  readonly url: string;

  private constructor(
    private readonly o: PipelineOptions,
    readonly ingestPort: number,
  ) {
    this.groups = { enricher: `${o.groupPrefix}enricher`, sink: `${o.groupPrefix}sink` };
    this.url = `http://127.0.0.1:${ingestPort}`;
    this.env = {
      ...process.env,
      KAFKA_BROKERS: o.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: o.topicPrefix,
      CLICKHOUSE_URL: o.clickhouseUrl,
      CLICKHOUSE_USER: o.clickhouseUser,
      CLICKHOUSE_PASSWORD: o.clickhousePassword,
      CLICKHOUSE_DATABASE: o.database,
      ENRICHER_GROUP_ID: this.groups.enricher,
      SINK_GROUP_ID: this.groups.sink,
      INGEST_PORT: String(ingestPort),
      // Any free port for the processors' /metrics: several pipelines may share this machine.
      ENRICHER_METRICS_PORT: '0',
      SINK_METRICS_PORT: '0',
      LOG_LEVEL: o.logLevel ?? 'info',
      ...o.extraEnv,
    };
    for (const name of SERVICES) {
      this.services.set(
        name,
        new ServiceProcess({
          root: o.root,
          name,
          args: [name],
          env: this.env,
          logDir: o.logDir,
          onUnexpectedExit: o.onUnexpectedExit,
        }),
      );
    }
  }

  static async create(o: PipelineOptions): Promise<Pipeline> {
    return new Pipeline(o, await freePort());
  }

  service(name: ServiceName): ServiceProcess {
    return this.services.get(name)!;
  }

  /** Topics and migrations, as `brandpulse init` does them. */
  async init(): Promise<void> {
    await runCommand(this.o.root, ['init'], this.env, this.o.logDir);
  }

  start(): void {
    for (const s of this.services.values()) s.start();
  }

  async ready(): Promise<boolean> {
    return fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
  }

  async waitReady(timeoutMs = 90_000): Promise<void> {
    await until('ingest /readyz', () => this.ready(), timeoutMs, 300);
  }

  async stop(): Promise<void> {
    // The API first, so nothing new arrives while the processors drain.
    await this.service('ingest').stop();
    await Promise.all([this.service('enricher').stop(), this.service('sink').stop()]);
  }

  unexpectedExits(): Record<ServiceName, number> {
    return Object.fromEntries(SERVICES.map((n) => [n, this.service(n).unexpectedExits.length])) as Record<
      ServiceName,
      number
    >;
  }
}
