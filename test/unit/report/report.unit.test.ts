import { describe, expect, it } from 'vitest';
import { formatDuration, formatSummary, rangeLabel } from '../../../services/report/format.ts';
import { bucketFor, fillSeries, negativeShare, netSentiment, type ReportData } from '../../../services/report/model.ts';
import { kpiTiles, reportHtml, reportSvg } from '../../../services/report/page.ts';
import { renderPng } from '../../../services/report/png.ts';
import { brandTimeZone, zoneClock } from '../../../services/report/zone.ts';
import { BrandSettings, DEFAULT_BRANDS_FILE } from '../../../services/domain/brand-settings.ts';
import { join } from 'node:path';
import { barChart, escapeXml, lineChart, niceTicks, stackedVolumeChart } from '../../../services/report/svg.ts';

const to = Date.UTC(2026, 10, 24, 12, 0);
const from = to - 24 * 3_600_000;

function sample(overrides: Partial<ReportData> = {}): ReportData {
  const bucketMs = bucketFor(to - from);
  return {
    brand: 'acme',
    timeZone: 'Europe/Rome',
    from,
    to,
    bucketMs,
    totals: { messages: 1000, negative: 250, neutral: 350, positive: 400 },
    series: fillSeries(
      [
        { t: from, messages: 10, negative: 5, neutral: 3, positive: 2 },
        { t: from + 2 * bucketMs, messages: 30, negative: 3, neutral: 7, positive: 20 },
      ],
      from,
      to,
      bucketMs,
    ),
    platforms: [
      { key: 'x', messages: 100, negative: 60, neutral: 20, positive: 20 },
      { key: 'instagram', messages: 900, negative: 190, neutral: 330, positive: 380 },
    ],
    languages: [{ key: 'it', messages: 700, negative: 200, neutral: 200, positive: 300 }],
    response: {
      threadsNeedingReply: 200,
      answered: 150,
      handledByModeration: 10,
      frtCalendarP50: 1800,
      frtCalendarP90: 5 * 3600 + 30 * 60,
      frtBusinessP50: 900,
      frtBusinessP90: 7200,
      responseRate: 0.8,
    },
    backlog: { waiting: 12, oldestAgeS: 26 * 3600, breached: 4 },
    breaches: [
      { metric: 'first_response', open: 4, closed: 6 },
      { metric: 'resolution', open: 0, closed: 2 },
    ],
    alerts: [
      { startedAt: to - 3_600_000, endedAt: null, platform: 'x', summary: 'negative spike <x> & "app down" 😡' },
    ],
    negativeSamples: [
      { postedAt: to - 60_000, platform: 'x', language: 'it', text: 'App <b>down</b> 😡', score: -0.9 },
    ],
    ...overrides,
  };
}

describe('report numbers', () => {
  it('net sentiment and negative share follow metrics.md', () => {
    expect(netSentiment({ messages: 10, negative: 2, neutral: 2, positive: 6 })).toBe(0.5);
    expect(negativeShare({ messages: 10, negative: 2, neutral: 2, positive: 6 })).toBe(0.2);
    expect(netSentiment({ messages: 3, negative: 0, neutral: 3, positive: 0 })).toBeNull();
    expect(negativeShare({ messages: 0, negative: 0, neutral: 0, positive: 0 })).toBeNull();
  });

  it('buckets a range into about 48 round steps and fills the gaps with zeros', () => {
    expect(bucketFor(24 * 3_600_000)).toBe(1_800_000);
    expect(bucketFor(3_600_000)).toBe(60_000);
    expect(bucketFor(7 * 24 * 3_600_000)).toBe(3 * 3_600_000);
    const s = sample().series;
    expect(s).toHaveLength(48);
    expect(s[1]).toEqual({ t: from + 1_800_000, messages: 0, negative: 0, neutral: 0, positive: 0 });
    expect(s[2]!.messages).toBe(30);
  });
});

describe('terminal summary', () => {
  it('formats durations for people', () => {
    expect([
      formatDuration(42),
      formatDuration(125),
      formatDuration(3600),
      formatDuration(5 * 3600 + 30 * 60),
      formatDuration(26 * 3600),
      formatDuration(null),
    ]).toEqual(['42s', '2m', '1h', '5h30m', '1d2h', '–']);
  });

  it('shows every headline number', () => {
    const text = formatSummary(sample());
    expect(text).toContain('brand health: acme');
    expect(text).toMatch(/net sentiment\s+\+0\.23/);
    expect(text).toMatch(/negative share\s+25\.0%/);
    expect(text).toContain('1,000 messages (400 positive, 350 neutral, 250 negative)');
    expect(text).toMatch(/first response p50\/p90\s+30m \/ 5h30m calendar, 15m \/ 2h business hours/);
    expect(text).toContain('response rate 80.0%');
    expect(text).toMatch(/unanswered backlog\s+12 waiting, oldest 1d2h, 4 past SLA/);
    expect(text).toMatch(/SLA breaches\s+12 \(first response 10, 4 still open; resolution 2\)/);
    expect(text).toContain('alerts: 1');
    expect(text).toContain('ONGOING');
    expect(formatSummary(sample({ alerts: null }))).toContain('alerts: not available');
    expect(formatSummary(sample({ alerts: [], breaches: [] }))).toMatch(/SLA breaches\s+none[\s\S]*alerts: none/);
  });
});

describe('SVG charts', () => {
  it('escapes text and picks round ticks', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
    expect(niceTicks(0, 87)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(-1, 1)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('stacks bars in proportion to the counts', () => {
    const svg = stackedVolumeChart(
      { x: 0, y: 0, width: 476, height: 278 },
      'v',
      [
        { t: 0, negative: 50, neutral: 0, positive: 50 },
        { t: 1, negative: 0, neutral: 25, positive: 0 },
      ],
      1000,
    );
    // plot height = 278 - 44 - 34 = 200, top tick 100: 50 → 100px, 25 → 50px.
    const heights = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#/g)].map(
      (m) => Number(m[1]),
    );
    expect(heights).toEqual([100, 100, 50]);
  });

  it('breaks a line where there is no data', () => {
    const svg = lineChart(
      { x: 0, y: 0, width: 400, height: 200 },
      'n',
      [0, 1, 2, 3],
      [0.5, null, -0.5, 0],
      { min: -1, max: 1, format: String },
      1000,
    );
    expect(svg.match(/<path /g)).toHaveLength(2);
  });

  it('draws a bar per item with its note, escaped', () => {
    const svg = barChart({ x: 0, y: 0, width: 500, height: 200 }, 'p', [
      { label: 'x<y', value: 10, accent: 0.5, note: '10 · 50% neg' },
    ]);
    expect(svg).toContain('x&lt;y');
    expect(svg).toContain('10 · 50% neg');
  });
});

describe('report page', () => {
  it('has six KPI tiles with tones', () => {
    const t = kpiTiles(sample());
    expect(t.map((x) => x.label)).toEqual([
      'Net sentiment',
      'Negative share',
      'Volume',
      'First response p50 / p90',
      'Unanswered backlog',
      'SLA breaches',
    ]);
    expect(t[0]).toMatchObject({ value: '+0.23', tone: 'good' });
    expect(t[4]).toMatchObject({ value: '12', tone: 'bad' });
  });

  it('is a self-contained HTML page with the SVG inline and text escaped', () => {
    const data = sample();
    const svg = reportSvg(data);
    const html = reportHtml(data, svg);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(html).toContain('App &lt;b&gt;down&lt;/b&gt; 😡');
    expect(svg).not.toContain('😡');
    expect(svg).toContain('negative spike &lt;x&gt; &amp; &quot;app down&quot;');
  });

  it('renders to a PNG of the page width', () => {
    const png = renderPng(reportSvg(sample()));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(png.length).toBeGreaterThan(20_000);
  });
});

describe('report times in the brand time zone', () => {
  it("takes the zone from the brand's business hours, the file's default for other brands", () => {
    const settings = BrandSettings.load(DEFAULT_BRANDS_FILE);
    expect(brandTimeZone('acme', settings)).toBe('Europe/Rome');
    expect(brandTimeZone('globex', settings)).toBe('Europe/Madrid');
    expect(brandTimeZone('newco', settings)).toBe(settings.file.defaults.business_hours.time_zone);
    expect(
      brandTimeZone('acme', BrandSettings.load(join(import.meta.dirname, '../../support/brands-always-open.yaml'))),
    ).toBe('UTC');
    expect(brandTimeZone('acme', null)).toBe('UTC');
  });

  it('formats instants in the zone with its daylight saving time, and names the zone with its offset', () => {
    const rome = zoneClock('Europe/Rome');
    expect(rome.dateTime(Date.UTC(2026, 10, 24, 23, 30))).toBe('2026-11-25 00:30'); // winter: UTC+1, the next day
    expect(rome.time(Date.UTC(2026, 6, 1, 8, 5))).toBe('10:05'); // summer: UTC+2
    expect(rome.dayMonth(Date.UTC(2026, 10, 24, 23, 30))).toBe('25/11');
    expect(rome.label(Date.UTC(2026, 10, 24))).toBe('Europe/Rome, UTC+1');
    expect(rome.label(Date.UTC(2026, 6, 1))).toBe('Europe/Rome, UTC+2');
    expect(zoneClock('America/St_Johns').label(Date.UTC(2026, 0, 1))).toBe('America/St_Johns, UTC-3:30');
    expect(zoneClock('UTC').label(0)).toBe('UTC');
    expect(rangeLabel(Date.UTC(2026, 10, 23, 12), Date.UTC(2026, 10, 24, 12), 'Europe/Rome')).toBe(
      '2026-11-23 13:00 → 2026-11-24 13:00 Europe/Rome, UTC+1',
    );
  });

  it('shows every time of the summary, the page and the charts in the brand zone, named', () => {
    const r = sample();
    const text = formatSummary(r);
    expect(text).toContain('brand health: acme   2026-11-23 13:00 → 2026-11-24 13:00 Europe/Rome, UTC+1');
    expect(text).toContain('alerts: 1 (started, Europe/Rome, UTC+1)');
    expect(text).toMatch(/\n {2}2026-11-24 12:00 {2}x {2}ONGOING/); // 11:00 UTC
    expect(text).not.toContain(' UTC\n');
    const svg = reportSvg(r);
    expect(svg).toContain('2026-11-23 13:00 → 2026-11-24 13:00 Europe/Rome, UTC+1 · brandpulse');
    expect(svg).toContain('ALERT 12:00 x (ongoing)');
    expect(svg).toContain('>13:00</text>'); // the first x-axis label: the range starts at 12:00 UTC
    const html = reportHtml(r, svg);
    expect(html).toContain('<th>started (Europe/Rome, UTC+1)</th>');
    expect(html).toContain('<td>2026-11-24 12:59</td>'); // the sample posted at 11:59 UTC
    const utc = reportSvg({ ...r, timeZone: 'UTC' });
    expect(utc).toContain('>12:00</text>');
  });
});
