import { DashboardBuilder, DashboardCursorSync } from '@grafana/grafana-foundation-sdk/dashboard';
import { alertAnnotation } from './annotations.ts';
import { filterVariables } from './variables.ts';

export interface DashboardHeader {
  title: string;
  /** Suffix of the uid: `brandpulse-<slug>`. */
  slug: string;
  description: string;
  /** Default time range, e.g. 'now-24h'. */
  from: string;
  refresh: string;
  /** Spike alerts as annotations (every dashboard but pipeline health). */
  alerts?: boolean;
}

/** What every brandpulse dashboard shares: tag, browser time zone, crosshair, filters, alerts. */
export function brandpulseDashboard(h: DashboardHeader): DashboardBuilder {
  const d = new DashboardBuilder(h.title)
    .uid(`brandpulse-${h.slug}`)
    .description(h.description)
    .tags(['brandpulse'])
    .time({ from: h.from, to: 'now' })
    .refresh(h.refresh)
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .variables(filterVariables());
  return h.alerts === false ? d : d.annotation(alertAnnotation());
}
