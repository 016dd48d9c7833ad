import { describe, expect, it } from 'vitest';
import {
  bucketsOf,
  columnsAsSeries,
  groupsAsSeries,
  niceTicks,
  timeChart,
  timeTicks,
} from '../../../services/dashboard/charts.ts';
import type { DashboardData, PanelKey, PanelResult } from '../../../services/dashboard/data.ts';
import { PAGE_PANELS } from '../../../services/dashboard/data.ts';
import {
  formatDuration,
  formatInstant,
  formatInterval,
  formatTick,
  zoneName,
} from '../../../services/dashboard/format.ts';
import { pageHtml, panelsHtml } from '../../../services/dashboard/page.ts';

const H = 3_600_000;
const to = Date.UTC(2026, 6, 1, 12, 0, 0); // summer: Rome is UTC+2
const iso = (ms: number) => new Date(ms).toISOString();

function data(overrides: Partial<Record<PanelKey, PanelResult>> = {}): DashboardData {
  const empty = Object.fromEntries(
    Object.keys(PAGE_PANELS).map((k) => [k, { rows: [], intervalMs: H }]),
  ) as unknown as Record<PanelKey, PanelResult>;
  return { brand: 'acme', from: to - 6 * H, to, timeZone: 'Europe/Rome', panels: { ...empty, ...overrides } };
}

describe('times in the brand time zone', () => {
  it('formats instants, ticks and the zone name in the zone, not in UTC', () => {
    expect(formatInstant(to, 'Europe/Rome')).toBe('2026-07-01 14:00');
    expect(formatInstant(to, 'UTC')).toBe('2026-07-01 12:00');
    expect(formatTick(to, 6 * H, 'Europe/Madrid')).toBe('14:00');
    expect(formatTick(to, 7 * 24 * H, 'America/Los_Angeles')).toBe('1/7');
    expect(zoneName(to, 'Europe/Rome')).toBe('CEST');
  });

  it('names durations and intervals compactly', () => {
    expect([
      formatDuration(42),
      formatDuration(720),
      formatDuration(3 * 3600 + 300),
      formatDuration(7200),
      formatDuration(2 * 86_400 + 4 * 3600),
      formatDuration(null),
    ]).toEqual(['42s', '12m', '3h 05m', '2h', '2d 4h', '–']);
    expect([formatInterval(120_000), formatInterval(H), formatInterval(86_400_000), formatInterval(5000)]).toEqual([
      '2m',
      '1h',
      '1d',
      '5s',
    ]);
  });
});

describe('charts', () => {
  const buckets = bucketsOf(to - 3 * H + 1, to, H);
  it('aligns buckets like toStartOfInterval and covers the range', () => {
    expect(buckets.map(iso)).toEqual([
      '2026-07-01T09:00:00.000Z',
      '2026-07-01T10:00:00.000Z',
      '2026-07-01T11:00:00.000Z',
      '2026-07-01T12:00:00.000Z',
    ]);
  });

  it("labels the time axis at round wall-clock times of the brand's zone, on the bucket that holds one", () => {
    // 6 h of 10-minute buckets: a label every hour, on the hour, in Rome.
    const tenMinutes = bucketsOf(to - 6 * H, to, 600_000);
    const hourly = timeTicks(tenMinutes, 600_000, 'Europe/Rome');
    expect(hourly.map((t) => formatInstant(t.at, 'Europe/Rome').slice(11))).toEqual([
      '08:00',
      '09:00',
      '10:00',
      '11:00',
      '12:00',
      '13:00',
      '14:00',
    ]);
    expect(hourly.every((t) => tenMinutes[t.index] === t.at)).toBe(true);
    // 30 days of 6-hour UTC buckets: Rome's midnights fall inside buckets (23:00 UTC in winter), every 7 days at most 7 labels.
    const winter = Date.UTC(2026, 0, 31);
    const sixHours = bucketsOf(winter - 30 * 24 * H, winter, 6 * H);
    const daily = timeTicks(sixHours, 6 * H, 'Europe/Rome');
    expect(daily.length).toBeGreaterThan(3);
    expect(daily.length).toBeLessThanOrEqual(8);
    expect(daily.every((t) => formatInstant(t.at, 'Europe/Rome').endsWith('00:00') && t.at > sixHours[t.index]!)).toBe(
      true,
    );
  });

  it('puts ticks of durations at round minutes and hours', () => {
    expect(niceTicks(0, 7900, 4, true)).toEqual([0, 3600, 7200, 10800]);
    expect(niceTicks(0, 1500, 4, true)).toEqual([0, 600, 1200, 1800]);
    expect(niceTicks(0, 7900)).toEqual([0, 2000, 4000, 6000, 8000]);
  });

  it('puts every row on its bucket, with gaps as null, and sums groups per bucket', () => {
    const rows = [
      { time: '2026-07-01T10:00:00Z', p50: 60, p90: null },
      { time: '2026-07-01T12:00:00Z', p50: 30, p90: 90 },
    ];
    expect(
      columnsAsSeries(rows, buckets, [
        { column: 'p50', name: 'p50', color: '#000' },
        { column: 'p90', name: 'p90', color: '#111' },
      ]).map((s) => s.values),
    ).toEqual([
      [null, 60, null, 30],
      [null, null, null, 90],
    ]);
    const grouped = groupsAsSeries(
      [
        { time: '2026-07-01T09:00:00Z', platform: 'x', messages: 3 },
        { time: '2026-07-01T09:00:00Z', platform: 'instagram', messages: 2 },
      ],
      buckets,
      'platform',
      'messages',
    );
    expect(grouped.map((s) => [s.name, s.values])).toEqual([
      ['instagram', [2, null, null, null]],
      ['x', [3, null, null, null]],
    ]);
  });

  it('draws one point per value with its instant, value and a tooltip in the zone; null breaks the line', () => {
    const svg = timeChart({
      buckets,
      intervalMs: H,
      kind: 'line',
      timeZone: 'Europe/Rome',
      format: (v) => String(v),
      series: [{ name: 'net', color: '#000', values: [0.5, null, -0.5, 0.25] }],
    });
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain(
      `data-t="${Date.UTC(2026, 6, 1, 9)}" data-v="0.5"><title>2026-07-01 11:00 · net: 0.5</title>`,
    );
  });

  it('stacks bars and escapes series names', () => {
    const svg = timeChart({
      buckets,
      intervalMs: H,
      kind: 'stacked',
      timeZone: 'UTC',
      format: String,
      series: [
        { name: '<x>', color: '#000', values: [1, 0, null, 2] },
        { name: 'y', color: '#111', values: [3, null, null, null] },
      ],
    });
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('data-series="&lt;x&gt;"');
    expect(svg).not.toContain('<x>');
  });
});

describe('the page', () => {
  it('shows the numbers with their raw values, alerts with their sample messages, and escapes what users wrote', () => {
    const html = panelsHtml(
      data({
        backlog: { rows: [{ waiting: 7 }], intervalMs: H },
        oldest: { rows: [{ oldest: 5400.5 }], intervalMs: H },
        sentimentByLanguage: {
          rows: [{ language: 'it', net_sentiment: -0.25, negative_share: 0.4, volume: 20 }],
          intervalMs: H,
        },
        spikeAlerts: {
          rows: [
            {
              started_at: iso(to - H),
              ended_at: null,
              platform: 'x',
              summary: 'Negative spike <b>',
              peak_ratio: 4.5,
              sample_messages: ['never <again>'],
            },
          ],
          intervalMs: H,
        },
      }),
    );
    expect(html).toContain('<output data-value="7">7</output>');
    expect(html).toContain('<output data-value="5400.5">1h 30m</output>');
    expect(html).toContain('<span data-value="-0.25">−0.25</span>');
    expect(html).toContain('2026-07-01 13:00 → ongoing');
    expect(html).toContain('“never &lt;again&gt;”');
    expect(html).toContain('Negative spike &lt;b&gt;');
    expect(html).toContain(
      '<section class="panel stat bad" data-panel="openAlerts"><h2>Open spike alerts</h2><output data-value="1">1</output>',
    );
  });

  it('shows a failed query in its own panel and renders the rest', () => {
    const html = panelsHtml(
      data({
        spikeAlerts: { error: "Table alerts doesn't exist", intervalMs: H },
        backlog: { rows: [{ waiting: 0 }], intervalMs: H },
      }),
    );
    expect(html).toMatch(
      /data-panel="spikeAlerts"><h2>Spike alerts<\/h2><p class="error" data-error>query failed: Table alerts doesn&#39;t exist/,
    );
    expect(html).toContain('<output data-value="0">0</output>');
  });

  it('has the brand selector, the range, the zone and a refresh that waits for each answer', () => {
    const html = pageHtml(data(), { brands: ['acme', 'globex'], range: '6h', refreshMs: 5000 });
    expect(html).toContain('<option value="acme" selected>acme</option><option value="globex">globex</option>');
    expect(html).toContain('<option value="6h" selected>6h</option>');
    expect(html).toContain('times in Europe/Rome (CEST)');
    expect(html).toMatch(/fetch\('\/panels' \+ location\.search[\s\S]*setTimeout\(tick, 5000\)/);
    expect(html).not.toMatch(/src="http|href="http/);
  });
});
