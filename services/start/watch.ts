import { BrandSettings } from '../domain/brand-settings.ts';
import { createClickHouse } from '../shared/clickhouse.ts';
import type { BaseConfig } from '../shared/config.ts';
import { describeStoredAlert, liveLine, metricSum, type OpenAlert, type Reading, type StoredAlert } from './live.ts';

/**
 * While `npm start` runs: every few seconds, the services' /metrics (events accepted by the API,
 * events stored by the sink, each consumer's lag) and the spike alerts the alerter stored in
 * ClickHouse. New alerts are printed in full as they come; the rest is one compact live line, kept
 * in place on a terminal and printed now and then otherwise (logs, CI).
 */
export interface WatchOptions {
  config: BaseConfig;
  /** /metrics URLs: the ingestion API, the sink, and the consumers whose lag is shown. */
  ingestMetrics: string;
  sinkMetrics: string | null;
  lagMetrics: Record<string, string | null>;
  /** Alerts emitted from this instant on are printed (earlier ones belong to an earlier run). */
  since: number;
  everyMs?: number;
  /** Non-terminal output: a live line every this often. */
  lineEveryMs?: number;
  tty?: boolean;
  write?: (text: string) => void;
}

async function metrics(url: string | null): Promise<string> {
  if (!url) return '';
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}

const num = (v: unknown): number => Number(v ?? 0);

export class Watch {
  private timer: NodeJS.Timeout | null = null;
  private before: Reading | null = null;
  private lastLineAt = 0;
  private readonly printed = new Set<string>();
  private open: OpenAlert[] = [];
  private statusShown = false;
  private gone = false;
  private busy = false;
  private readonly zones = new Map<string, string>();
  private settings: BrandSettings | null | undefined;
  private readonly client: ReturnType<typeof createClickHouse>;

  constructor(private readonly o: WatchOptions) {
    this.client = createClickHouse(o.config, { readonly: true });
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.everyMs ?? 5_000);
    this.timer.unref();
    // A closed terminal: stop writing to it (services/shared/logger.ts does the same for the logs).
    process.stdout.on('error', () => (this.gone = true));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.clearStatus();
    void this.client.close();
  }

  private get tty(): boolean {
    return this.o.tty ?? Boolean(process.stdout.isTTY);
  }

  private write(text: string): void {
    if (this.gone) return;
    (this.o.write ?? ((t: string) => process.stdout.write(t)))(text);
  }

  /** Removes the in-place live line before anything else is printed. */
  private clearStatus(): void {
    if (this.statusShown) this.write('\r\x1b[2K');
    this.statusShown = false;
  }

  private async tick(): Promise<void> {
    if (this.busy) return; // a slow ClickHouse: skip a beat rather than pile up
    this.busy = true;
    try {
      await this.alerts();
      const reading = await this.read();
      const line = liveLine(reading, this.before, this.open);
      this.before = reading;
      if (this.tty) {
        this.clearStatus();
        this.write(line);
        this.statusShown = true;
      } else if (Date.now() - this.lastLineAt >= (this.o.lineEveryMs ?? 15_000)) {
        this.lastLineAt = Date.now();
        this.write(`${line}\n`);
      }
    } finally {
      this.busy = false;
    }
  }

  private async read(): Promise<Reading> {
    const [ingest, sink, ...lags] = await Promise.all([
      metrics(this.o.ingestMetrics),
      metrics(this.o.sinkMetrics),
      ...Object.values(this.o.lagMetrics).map(metrics),
    ]);
    const lag: Record<string, number | null> = {};
    Object.keys(this.o.lagMetrics).forEach(
      (service, i) => (lag[service] = metricSum(lags[i]!, 'brandpulse_consumer_lag')),
    );
    return {
      at: Date.now(),
      accepted: metricSum(ingest, 'brandpulse_ingest_events_total', { outcome: 'accepted' }),
      stored: metricSum(sink, 'brandpulse_rows_written_total', { table: 'events' }),
      lag,
    };
  }

  private zone(brand: string): string {
    let zone = this.zones.get(brand);
    if (zone) return zone;
    if (this.settings === undefined) {
      try {
        this.settings = BrandSettings.load();
      } catch {
        this.settings = null;
      }
    }
    const file = this.settings?.file;
    zone = file ? (file.brands[brand]?.business_hours?.time_zone ?? file.defaults.business_hours.time_zone) : 'UTC';
    this.zones.set(brand, zone);
    return zone;
  }

  /** Prints the alert events emitted since the run began that were not printed yet; refreshes the open ones. */
  private async alerts(): Promise<void> {
    const client = this.client;
    try {
      const rs = await client.query({
        query: `SELECT alert_id, kind, brand, platform, toUnixTimestamp64Milli(started_at) AS started_at,
                       toUnixTimestamp64Milli(detected_at) AS detected_at, toUnixTimestamp64Milli(ended_at) AS ended_at,
                       window_s, observed, baseline, ratio, peak_ratio, negative_share, baseline_share,
                       sample_messages, top_terms,
                       toUnixTimestamp64Milli(emitted_at) AS emitted_at
                FROM alerts FINAL WHERE emitted_at >= fromUnixTimestamp64Milli({since:Int64})
                ORDER BY emitted_at, kind`,
        query_params: { since: this.o.since },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<Record<string, unknown>>();
      const openRs = await client.query({
        query: 'SELECT brand, platform FROM alert_annotations WHERE ended_at IS NULL ORDER BY brand, platform',
        format: 'JSONEachRow',
      });
      this.open = await openRs.json<OpenAlert>();
      for (const r of rows) {
        const a: StoredAlert = {
          alert_id: String(r.alert_id),
          kind: r.kind === 'end' ? 'end' : 'start',
          brand: String(r.brand),
          platform: String((r.platform as string | null) ?? ''),
          started_at: num(r.started_at),
          detected_at: num(r.detected_at),
          ended_at: r.ended_at === null ? null : num(r.ended_at),
          window_s: num(r.window_s),
          observed: num(r.observed),
          baseline: num(r.baseline),
          ratio: num(r.ratio),
          peak_ratio: num(r.peak_ratio),
          negative_share: num(r.negative_share),
          baseline_share: num(r.baseline_share),
          sample_messages: (r.sample_messages as string[]) ?? [],
          top_terms: (r.top_terms as string[]) ?? [],
        };
        const key = `${a.alert_id}:${a.kind}`;
        if (this.printed.has(key)) continue;
        this.printed.add(key);
        // Decided on events older than the run (the backfill): said so, it is not news.
        const history = a.detected_at < this.o.since - 60_000;
        this.clearStatus();
        this.write(`\n${describeStoredAlert(a, this.zone(a.brand), history)}\n\n`);
      }
    } catch {
      // The alerts table may not exist yet (migrations of an older checkout) or ClickHouse is busy: next tick.
    }
  }
}
