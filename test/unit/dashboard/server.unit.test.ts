import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { buildDashboardApp, timeZoneOf } from '../../../services/dashboard/server.ts';
import { createClickHouse, type ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import { loadBaseConfig } from '../../../services/shared/config.ts';

/**
 * The page server's door, without a ClickHouse: the client points at a port that refuses
 * connections, so the brand list is infra/brands.yaml's and every panel reports its failed query.
 */
const settings = BrandSettings.load();
let client: ClickHouseClient;
let app: ReturnType<typeof buildDashboardApp>;

beforeAll(async () => {
  // A port that was free a moment ago and is closed now: connections are refused at once.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  client = createClickHouse(loadBaseConfig({ CLICKHOUSE_URL: `http://127.0.0.1:${port}` }), { readonly: true });
  app = buildDashboardApp({ client, settings, refreshMs: 5000 });
});

afterAll(async () => {
  await app?.close();
  await client?.close();
});

describe('the dashboard server', () => {
  it('answers a bad brand, range or parameter with a 400 naming the field', async () => {
    const cases = [
      ['/?brand=nope', 'brand: unknown brand &quot;nope&quot; (known: acme, globex)'],
      ['/panels?brand=acme&range=1y', 'range: must be one of 15m, 1h, 6h, 24h, 7d, 30d'],
      ['/?brand=acme&platform=x', 'platform: unknown parameter (use brand and range)'],
      ['/?brand=acme&brand=globex', 'brand: unknown brand [&quot;acme&quot;,&quot;globex&quot;]'],
    ];
    for (const [url, message] of cases) {
      const res = await app.inject({ url: url! });
      expect(res.statusCode, url).toBe(400);
      expect(res.body, url).toContain(message);
    }
  });

  it('still renders when ClickHouse does not answer: the first brand, every panel with its error', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<body data-brand="acme" data-time-zone="Europe/Rome">');
    expect(res.body.match(/data-error>query failed/g)).toHaveLength(11);
    const panels = await app.inject({ url: '/panels?brand=globex&range=1h' });
    expect(panels.body).not.toContain('<html');
    expect(panels.body).toContain('data-panel="spikeAlerts"');
  });

  it("takes a brand's time zone from infra/brands.yaml, else the default's", () => {
    expect(timeZoneOf(settings, 'globex')).toBe('Europe/Madrid');
    expect(timeZoneOf(settings, 'someone-else')).toBe('UTC');
  });
});
