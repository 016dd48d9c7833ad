import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAlerting } from './alerting.ts';
import { ALERTING_DIR, OUTPUT_DIR, renderDashboards } from './index.ts';
import { syncAccessFiles } from '../services/migrate/access-files.ts';

/** `npm run dashboards`: regenerates the provisioned dashboard JSON from the TypeScript. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, OUTPUT_DIR);
mkdirSync(out, { recursive: true });
const files = renderDashboards();
// Drop dashboards that no longer exist in code, so Grafana stops provisioning them.
for (const f of readdirSync(out)) if (f.endsWith('.json') && !(f in files)) rmSync(join(out, f));
for (const [file, json] of Object.entries(files)) writeFileSync(join(out, file), json);
const alerting = join(root, ALERTING_DIR);
mkdirSync(alerting, { recursive: true });
for (const [file, yaml] of Object.entries(renderAlerting())) writeFileSync(join(alerting, file), yaml);
console.log(
  `wrote ${Object.keys(files).length} dashboards to ${OUTPUT_DIR}: ${Object.keys(files).join(', ')}; alert rules to ${ALERTING_DIR}`,
);
// Each brand's Grafana folder holds copies of these dashboards on the brand's datasource (docs/security.md).
syncAccessFiles({ log: (line) => console.log(line) });
