import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { brandHealth } from './brand-health.ts';
import { communityTeam } from './community-team.ts';
import { moderation } from './moderation.ts';
import { pipelineHealth } from './pipeline-health.ts';

/** Where `npm run dashboards` writes, relative to the repo root; the provider reads it. */
export const OUTPUT_DIR = 'infra/grafana/provisioning/dashboards';
export const ALERTING_DIR = 'infra/grafana/provisioning/alerting';

/** Every dashboard, keyed by its file name. */
export function buildDashboards(): Record<string, Dashboard> {
  return {
    'brand-health.json': numberPanels(brandHealth().build()),
    'community-team.json': numberPanels(communityTeam().build()),
    'moderation.json': numberPanels(moderation().build()),
    'pipeline-health.json': numberPanels(pipelineHealth().build()),
  };
}

/**
 * The builders leave panel ids unset (rows get 0); Grafana would renumber on load, which
 * breaks links to a panel (viewPanel=ID) between loads. Number them in layout order.
 */
function numberPanels(d: Dashboard): Dashboard {
  let id = 1;
  for (const p of d.panels ?? []) {
    p.id = id++;
    if ('panels' in p && Array.isArray(p.panels)) for (const inner of p.panels) inner.id = id++;
  }
  return d;
}

/** The exact bytes checked in: stable key order from the builders, 2-space JSON, final newline. */
export function renderDashboards(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(buildDashboards()).map(([file, d]) => [file, `${JSON.stringify(d, null, 2)}\n`]),
  );
}
