/**
 * `npm run clickhouse:access [-- --check]`: writes the ClickHouse users, brand row policies, Grafana
 * brand folders and the dev front's brand identities generated from infra/brands.yaml (access.ts).
 * --check writes nothing and exits 1 when a checked-in file differs.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { BrandSettings } from '../domain/brand-settings.ts';
import { OUTPUTS, renderAccess, ROOT } from './access.ts';

const { values } = parseArgs({ options: { check: { type: 'boolean' }, brands: { type: 'string' } } });
const brands = BrandSettings.load(values.brands ?? join(ROOT, 'infra/brands.yaml')).file;
const files = renderAccess(brands);

// Brand dashboards of brands that no longer have an identity, or of dashboards that no longer exist.
const brandDir = join(ROOT, OUTPUTS.brandDashboards);
const stale = existsSync(brandDir)
  ? readdirSync(brandDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .map((f) => `${OUTPUTS.brandDashboards}/${f}`)
      .filter((f) => !(f in files))
  : [];
const differing = Object.entries(files).filter(([path, content]) => !existsSync(join(ROOT, path)) || readFileSync(join(ROOT, path), 'utf8') !== content);

if (values.check) {
  for (const [path] of differing) console.error(`stale: ${path}`);
  for (const path of stale) console.error(`not generated any more: ${path}`);
  process.exitCode = differing.length || stale.length ? 1 : 0;
} else {
  for (const [path, content] of differing) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), content);
    console.log(`wrote ${path}`);
  }
  for (const path of stale) {
    rmSync(join(ROOT, path));
    console.log(`removed ${path}`);
  }
}
