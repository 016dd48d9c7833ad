import type { ClickHouseClient } from '../shared/clickhouse.ts';
import { describeAlert, type AlertEvent } from './alert.ts';
import type { DetectorSnapshot } from './detector.ts';
import type { DeliveryResult } from './webhook.ts';

/**
 * The alerter's ClickHouse side: the alerts table (Grafana annotations, and the ledger of what was
 * emitted), the webhook delivery log, and detector snapshots. chDB serves one query at a time, so
 * the ledger is read once at start-up and then kept in memory; every write goes through.
 */
export interface LedgerEntry {
  alert_id: string;
  kind: 'start' | 'end';
  brand: string;
  platform: string;
  detected_at: number;
}

const ms = (t: number) => new Date(t).toISOString().replace('T', ' ').replace('Z', '');

export class AlertStore {
  constructor(private readonly ch: ClickHouseClient) {}

  async insertAlert(a: AlertEvent): Promise<void> {
    await this.ch.insert({
      table: 'alerts',
      format: 'JSONEachRow',
      values: [
        {
          alert_id: a.alert_id,
          kind: a.kind,
          brand: a.brand,
          platform: a.platform,
          started_at: ms(a.started_at),
          detected_at: ms(a.detected_at),
          ended_at: a.ended_at === null ? null : ms(a.ended_at),
          window_s: a.window_s,
          observed: a.observed,
          baseline: a.baseline,
          ratio: a.ratio,
          score: a.score,
          peak_ratio: a.peak_ratio,
          negative_share: a.negative_share,
          baseline_share: a.baseline_share,
          volume: a.volume,
          sample_messages: a.samples.map((s) => s.text),
          sample_message_ids: a.samples.map((s) => s.message_id),
          sample_urls: a.samples.map((s) => s.url ?? ''),
          top_terms: a.top_terms.map((t) => t.term),
          summary: describeAlert(a),
          detector_version: a.detector_version,
          emitted_at: ms(a.emitted_at),
        },
      ],
    });
  }

  async recordDelivery(
    a: Pick<AlertEvent, 'alert_id' | 'kind'>,
    endpoint: string,
    r: DeliveryResult,
    at: number,
  ): Promise<void> {
    await this.ch.insert({
      table: 'alert_deliveries',
      format: 'JSONEachRow',
      values: [
        {
          alert_id: a.alert_id,
          kind: a.kind,
          endpoint,
          status: r.status,
          attempts: r.attempts,
          http_status: r.httpStatus,
          recorded_at: ms(at),
        },
      ],
    });
  }

  /** Alerts detected since `since` (event time) and the deliveries that succeeded for them. */
  async loadLedger(since: number): Promise<{ alerts: AlertEvent[]; delivered: Set<string> }> {
    const rs = await this.ch.query({
      query: `SELECT a.*, d.delivered FROM
                (SELECT alert_id, kind, brand, platform, toUnixTimestamp64Milli(started_at) AS started_at,
                        toUnixTimestamp64Milli(detected_at) AS detected_at, toUnixTimestamp64Milli(ended_at) AS ended_at,
                        window_s, observed, baseline, ratio, score, peak_ratio, negative_share, baseline_share, volume,
                        sample_messages, sample_message_ids, sample_urls, top_terms, detector_version,
                        toUnixTimestamp64Milli(emitted_at) AS emitted_at
                   FROM alerts FINAL WHERE detected_at >= fromUnixTimestamp64Milli({since:Int64})) AS a
              LEFT JOIN
                (SELECT alert_id, kind, groupArrayIf(endpoint, status = 'delivered') AS delivered
                   FROM alert_deliveries FINAL GROUP BY alert_id, kind) AS d
              USING (alert_id, kind)`,
      query_params: { since },
      format: 'JSONEachRow',
    });
    const rows = await rs.json<Record<string, unknown>>();
    const delivered = new Set<string>();
    const alerts = rows.map((r): AlertEvent => {
      for (const e of (r.delivered as string[] | null) ?? [])
        delivered.add(`${String(r.alert_id)}:${String(r.kind)}:${e}`);
      const texts = r.sample_messages as string[];
      return {
        alert_id: String(r.alert_id),
        kind: r.kind as 'start' | 'end',
        brand: String(r.brand),
        platform: String(r.platform),
        started_at: Number(r.started_at),
        detected_at: Number(r.detected_at),
        ended_at: r.ended_at === null ? null : Number(r.ended_at),
        window_s: Number(r.window_s),
        observed: Number(r.observed),
        baseline: Number(r.baseline),
        ratio: Number(r.ratio),
        score: Number(r.score),
        peak_ratio: Number(r.peak_ratio),
        negative_share: Number(r.negative_share),
        baseline_share: Number(r.baseline_share),
        volume: Number(r.volume),
        samples: texts.map((text, i) => ({
          message_id: (r.sample_message_ids as string[])[i] ?? '',
          text,
          language: 'und',
          url: (r.sample_urls as string[])[i] || null,
          sentiment_score: null,
        })),
        top_terms: (r.top_terms as string[]).map((term) => ({ term, count: 0 })),
        detector_version: String(r.detector_version),
        emitted_at: Number(r.emitted_at),
      };
    });
    return { alerts, delivered };
  }

  async saveSnapshot(
    group: string,
    offsets: Record<string, string>,
    state: DetectorSnapshot,
    at: number,
  ): Promise<void> {
    await this.ch.insert({
      table: 'alerter_snapshots',
      format: 'JSONEachRow',
      values: [
        { consumer_group: group, taken_at: ms(at), offsets: JSON.stringify(offsets), state: JSON.stringify(state) },
      ],
    });
  }

  async loadSnapshot(group: string): Promise<{ offsets: Record<string, string>; state: DetectorSnapshot } | null> {
    const rs = await this.ch.query({
      query:
        'SELECT offsets, state FROM alerter_snapshots WHERE consumer_group = {group:String} ORDER BY taken_at DESC LIMIT 1',
      query_params: { group },
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ offsets: string; state: string }>();
    return row
      ? { offsets: JSON.parse(row.offsets) as Record<string, string>, state: JSON.parse(row.state) as DetectorSnapshot }
      : null;
  }
}
