import { describe, expect, it } from 'vitest';
import { buildDashboards } from '../../../dashboards/index.ts';
import { queryPanels } from '../../../dashboards/lib/inspect.ts';
import type { PanelSql } from '../../../dashboards/queries/types.ts';
import { PAGE_PANELS } from '../../../services/dashboard/data.ts';

/** The page cannot drift from Grafana: each of its panels is a generated Grafana panel, same SQL, same interval. */
describe('the live page and the Grafana dashboards share their SQL', () => {
  const grafana = queryPanels(buildDashboards()).flatMap(({ dashboard, panel, targets }) =>
    targets.map((t) => ({ dashboard, title: panel.title, sql: t.rawSql, interval: panel.interval })),
  );

  it.each(Object.entries(PAGE_PANELS))(
    '%s is a Brand health or Community team panel with the same text and minimum interval',
    (_key, { title, query }) => {
      const q: PanelSql = query;
      const twin = grafana.find((g) => g.sql === q.sql);
      expect(twin, `no Grafana panel runs the SQL of "${title}"`).toBeDefined();
      expect(['brandpulse-brand-health', 'brandpulse-community-team']).toContain(twin!.dashboard);
      expect(twin!.title).toBe(title);
      // Time series carry Grafana's minimum interval; stats and tables have none.
      if (twin!.interval !== undefined) expect(twin!.interval).toBe(q.minInterval ?? '1m');
    },
  );
});
