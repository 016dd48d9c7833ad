import type { Admin, Kafka } from 'kafkajs';
import { ProgressTracker, sampleKey } from './progress.ts';

/**
 * Samples every consumer group's committed offsets against the end offsets of the topics it reads,
 * once a second, with the kafkajs admin, into a ProgressTracker. The groups the pipeline must have
 * (enricher, sink) are watched from the start even before they commit anything; any other group
 * that commits on one of the run's topics (the dead-letter recorder, ...) is picked up as it
 * appears. Samples that fail (the broker is restarting) are skipped: the stall just spans them.
 */
export interface WatchedGroup {
  groupId: string;
  topic: string;
}

export class OffsetMonitor {
  readonly tracker = new ProgressTracker();
  private admin: Admin | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly groups = new Map<string, WatchedGroup>();
  private lastDiscovery = 0;
  samples = 0;
  failedSamples = 0;

  constructor(
    private readonly kafka: Kafka,
    required: readonly WatchedGroup[],
    private readonly topics: readonly string[],
  ) {
    for (const g of required) this.groups.set(`${g.groupId}|${g.topic}`, g);
  }

  start(everyMs = 1_000): void {
    this.timer = setInterval(() => void this.tick(), everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 50));
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
  }

  /** One round of samples now (also used by the drain to decide the pipeline is idle). */
  async tick(): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    try {
      if (!this.admin) {
        this.admin = this.kafka.admin();
        await this.admin.connect();
      }
      if (Date.now() - this.lastDiscovery > 5_000) await this.discover(this.admin);
      const ends = new Map<string, Map<number, { end: bigint; low: bigint }>>();
      for (const topic of new Set([...this.groups.values()].map((g) => g.topic))) {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        ends.set(topic, new Map(offsets.map((o) => [o.partition, { end: BigInt(o.high), low: BigInt(o.low) }])));
      }
      const t = Date.now();
      for (const g of this.groups.values()) {
        const [committed] = await this.admin.fetchOffsets({ groupId: g.groupId, topics: [g.topic] });
        for (const p of committed?.partitions ?? []) {
          const e = ends.get(g.topic)?.get(p.partition);
          if (!e) continue;
          // -1: nothing committed yet; the group would start from the beginning.
          const c = BigInt(p.offset) < 0n ? e.low : BigInt(p.offset);
          this.tracker.observe({ t, key: sampleKey(g.groupId, g.topic, p.partition), committed: c, end: e.end });
        }
      }
      this.samples++;
      return true;
    } catch {
      this.failedSamples++;
      // A broker restart breaks the admin's connection: start afresh next time.
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = null;
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async discover(admin: Admin): Promise<void> {
    this.lastDiscovery = Date.now();
    const { groups } = await admin.listGroups();
    for (const { groupId } of groups) {
      const offsets = await admin.fetchOffsets({ groupId });
      for (const t of offsets) {
        if (this.topics.includes(t.topic) && t.partitions.some((p) => BigInt(p.offset) >= 0n))
          this.groups.set(`${groupId}|${t.topic}`, { groupId, topic: t.topic });
      }
    }
  }

  /** Partitions whose latest sample has lag. */
  lagging(): string[] {
    return this.tracker.lagging();
  }
}
