import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createClickHouse } from '../shared/clickhouse.ts';
import { loadBaseConfig } from '../shared/config.ts';
import { durationFlag } from '../domain/durations.ts';
import { formatSummary } from './format.ts';
import { bucketFor } from './model.ts';
import { reportHtml, reportSvg } from './page.ts';
import { renderPng } from './png.ts';
import { fetchReport } from './queries.ts';
import { parseCommandLine, UsageError } from '../shared/usage.ts';

/**
 * `brandpulse report --brand X --since 24h [--out reports/] [--no-png]`: a terminal summary of a
 * brand's health, plus an HTML report with inline SVG charts and a PNG of the same page, for
 * people without Grafana. Reads the analyst views as the read-only analyst user.
 */
export const USAGE = `usage: brandpulse report --brand <brand> [--since 24h] [--out reports/] [--no-png]
  Prints a brand-health summary and writes an HTML report with charts and a PNG of it, as the read-only analyst.
  --brand <brand>  brand id (infra/brands.yaml), required
  --since <d>      how far back: 90m, 24h, 7d (default 24h)
  --out <dir>      folder for the HTML and PNG (default reports)
  --no-png         write the HTML only`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(argv, USAGE, {
    brand: { type: 'string' },
    since: { type: 'string', default: '24h' },
    out: { type: 'string', default: 'reports' },
    'no-png': { type: 'boolean' },
  });
  if (!values.brand) throw new UsageError('--brand is required');
  const sinceS = durationFlag('since', values.since);
  const config = loadBaseConfig();
  const client = createClickHouse(config, { readonly: true });
  try {
    const to = Date.now();
    const from = to - sinceS * 1000;
    const data = await fetchReport(client, values.brand, from, to, bucketFor(to - from));
    console.log(formatSummary(data));
    const dir = resolve(values.out);
    mkdirSync(dir, { recursive: true });
    const stamp = new Date(to).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    const base = join(dir, `${values.brand}-${stamp}`);
    const svg = reportSvg(data);
    writeFileSync(`${base}.html`, reportHtml(data, svg));
    console.log(`\nreport: ${base}.html`);
    if (!values['no-png']) {
      writeFileSync(`${base}.png`, renderPng(svg));
      console.log(`image:  ${base}.png`);
    }
  } finally {
    await client.close();
  }
}
