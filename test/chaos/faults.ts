import type { Producer } from 'kafkajs';
import type { AvroCodec } from '../../services/shared/avro.ts';
import type { Topics } from '../../services/shared/topics.ts';
import { Random } from '../../services/simulator/random.ts';
import type { PoisonSent } from './ledger.ts';
import type { AckingClient } from './load.ts';
import type { OwnStack } from './own-stack.ts';
import type { Pipeline } from './pipeline.ts';
import {
  API_POISON_FIELD,
  API_POISON_KINDS,
  apiPoison,
  KAFKA_POISON_KINDS,
  kafkaPoison,
  type KafkaPoisonKind,
} from './poison.ts';
import { sampleKey, type FaultWindow } from './progress.ts';
import type { PlannedFault } from './schedule.ts';

/**
 * Carries out the planned faults against the running pipeline and remembers exactly what was
 * done and when: each fault's window (for stall attribution and recovery times), the status the
 * API gave each poison request, and where each poison record landed in Kafka.
 */
export interface ApiPoisonSent {
  kind: string;
  eventId: string;
  status: number | string;
  namesField: boolean;
}

export interface KafkaPoisonSent {
  kind: KafkaPoisonKind;
  at: number;
  /** sampleKey of the group that must get past it */
  key: string;
  offset: bigint;
  sent: PoisonSent;
}

export interface FaultDeps {
  pipeline: Pipeline;
  /** null: no broker restarts or ClickHouse outages (the shared stack). */
  stack: OwnStack | null;
  client: AckingClient;
  producer: Producer;
  codec: AvroCodec;
  topics: Topics;
  seed: number;
  /** Thread ids of the load, so poison shares partitions with real traffic. */
  threads: readonly string[];
  outageMs: number;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class FaultRunner {
  readonly windows: FaultWindow[] = [];
  readonly apiPoison: ApiPoisonSent[] = [];
  readonly kafkaPoison: KafkaPoisonSent[] = [];
  private readonly rnd: Random;
  private poisonCount = 0;

  constructor(private readonly d: FaultDeps) {
    this.rnd = new Random(d.seed ^ 0xbad);
  }

  /** Runs the plan from `t0`; every fault is started at its moment, long ones overlap the rest. */
  async run(plan: readonly PlannedFault[], t0: number): Promise<void> {
    const running: Promise<void>[] = [];
    for (const f of plan) {
      const wait = t0 + f.at - Date.now();
      if (wait > 0) await sleep(wait);
      running.push(
        this.one(f).catch((err: unknown) => this.d.log(`${f.kind} #${f.index + 1} failed: ${(err as Error).message}`)),
      );
    }
    await Promise.all(running);
  }

  async one(f: Pick<PlannedFault, 'kind' | 'index'>): Promise<void> {
    const { pipeline, stack, log } = this.d;
    const n = f.index + 1;
    const window = async (label: string, groups: string[] | undefined, act: () => Promise<void>) => {
      const start = Date.now();
      log(`${label}…`);
      await act();
      this.windows.push({ kind: f.kind, label, start, end: Date.now(), groups });
      log(`${label}: done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    };
    switch (f.kind) {
      case 'kill-sink':
        return window(`SIGKILL sink #${n}`, [pipeline.groups.sink], () => pipeline.service('sink').killAndRestart());
      case 'kill-enricher':
        return window(`SIGKILL enricher #${n}`, [pipeline.groups.enricher], () =>
          pipeline.service('enricher').killAndRestart(),
        );
      case 'kill-ingest':
        return window(`SIGKILL ingest #${n}`, [], () => pipeline.service('ingest').killAndRestart());
      case 'restart-kafka':
        if (!stack) throw new Error('no own stack: broker restarts need one');
        return window(`Kafka broker restart #${n}`, undefined, async () => {
          await stack.down('kafka');
          await stack.up('kafka');
        });
      case 'clickhouse-outage':
        if (!stack) throw new Error('no own stack: ClickHouse outages need one');
        return window(
          `ClickHouse down ${Math.round(this.d.outageMs / 1000)} s #${n}`,
          [pipeline.groups.sink],
          async () => {
            const start = Date.now();
            await stack.down('clickhouse');
            await sleep(Math.max(0, start + this.d.outageMs - Date.now()));
            await stack.up('clickhouse');
          },
        );
      case 'api-poison':
        await this.sendApiPoison(API_POISON_KINDS[f.index % API_POISON_KINDS.length]!);
        return;
      case 'kafka-poison':
        await this.sendKafkaPoison(KAFKA_POISON_KINDS[f.index % KAFKA_POISON_KINDS.length]!);
        return;
    }
  }

  /**
   * One poison request, resent like any client's while the API cannot answer (503, ingest being
   * restarted) for up to 90 s, so that the answer judged is the door's, not a fault's.
   */
  async sendApiPoison(kind: (typeof API_POISON_KINDS)[number]): Promise<ApiPoisonSent> {
    const p = apiPoison(kind, this.poisonCount++);
    const until = Date.now() + 90_000;
    let r = await this.d.client.postOnce(p.brand, JSON.stringify([p.body]));
    while ((r.status === 503 || r.status === 'network') && Date.now() < until) {
      await sleep(r.retryAfter ?? 1_000);
      r = await this.d.client.postOnce(p.brand, JSON.stringify([p.body]));
    }
    const sent = {
      kind,
      eventId: p.eventId,
      status: r.status,
      namesField: r.status === 400 && r.text.includes(API_POISON_FIELD[kind]),
    };
    this.apiPoison.push(sent);
    this.d.log(`API poison ${kind}: ${r.status}${sent.namesField ? ` naming ${API_POISON_FIELD[kind]}` : ''}`);
    return sent;
  }

  /** One poison record straight into the raw or the enriched topic; its coordinates are remembered. */
  async sendKafkaPoison(kind: KafkaPoisonKind): Promise<KafkaPoisonSent> {
    const n = this.poisonCount++;
    const thread = this.d.threads[this.rnd.int(0, this.d.threads.length - 1)] ?? 'chaos-poison-thread';
    const p = kafkaPoison(kind, n, this.d.codec, this.d.seed, thread);
    const topic = this.d.topics.name(p.topic);
    // The broker may be restarting right now: keep trying for a while, as any producer would.
    const until = Date.now() + 120_000;
    for (;;) {
      try {
        const [meta] = await this.d.producer.send({ topic, acks: -1, messages: [{ key: p.key, value: p.value }] });
        const offset = BigInt(meta!.baseOffset!);
        const group = p.topic === 'conversationEvents' ? this.d.pipeline.groups.enricher : this.d.pipeline.groups.sink;
        const origin = `${topic}/${meta!.partition}@${offset}`;
        const sent: KafkaPoisonSent = {
          kind,
          at: Date.now(),
          key: sampleKey(group, topic, meta!.partition),
          offset,
          sent: { label: `${kind} at ${origin}`, eventId: p.eventId, origin, value: p.value },
        };
        this.kafkaPoison.push(sent);
        this.d.log(`Kafka poison ${kind} written at ${origin}`);
        return sent;
      } catch (err) {
        if (Date.now() > until) throw err;
        await sleep(1_000);
      }
    }
  }

  /** Poison the API accepted: it reached Kafka and must be dead-lettered like the rest. */
  acceptedApiPoison(): PoisonSent[] {
    return this.apiPoison
      .filter((p) => typeof p.status === 'number' && p.status >= 200 && p.status < 300)
      .map((p) => ({ label: `API ${p.kind} (accepted)`, eventId: p.eventId, origin: null, value: null }));
  }
}
