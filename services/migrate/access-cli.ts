/**
 * `npm run clickhouse:access [-- --check] [-- --brands <file>]`: writes the ClickHouse users, brand row
 * policies, Grafana brand folders and the dev front's brand identities generated from
 * infra/brands.yaml (access.ts). --check writes nothing and exits 1 when a checked-in file differs.
 */
import { scriptArgs } from '../shared/usage.ts';
import { syncAccessFiles } from './access-files.ts';

const USAGE = `usage: npm run clickhouse:access [-- --check] [-- --brands <file>]
  Writes the ClickHouse users, row policies and Grafana brand folders generated from infra/brands.yaml.
  --check          write nothing; exit 1 when a checked-in file differs
  --brands <file>  brand settings (default infra/brands.yaml)`;
const { values } = scriptArgs('clickhouse:access', USAGE, { check: { type: 'boolean' }, brands: { type: 'string' } });
const { differing, stale } = syncAccessFiles({
  check: values.check,
  brandsFile: values.brands,
  log: (l) => console.log(l),
});
if (values.check) {
  for (const path of differing) console.error(`stale: ${path}`);
  for (const path of stale) console.error(`not generated any more: ${path}`);
  process.exitCode = differing.length || stale.length ? 1 : 0;
}
