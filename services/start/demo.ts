import type { ServiceSpec } from './plan.ts';

/**
 * The demo crisis of `npm start`: a burst of complaints for acme a few minutes into the live run,
 * so that a first run shows the product's headline feature, a spike alert (and, minutes after the
 * burst, its end), instead of hoping for a random one. The backfill gives the detector the history
 * its cold start needs (30 min, docs/alerter.md). BRANDPULSE_DEMO_CRISIS: a simulator `--crisis`
 * spec (`brand@minutes:duration`, minutes from the simulator's start), or `off`.
 */
export const DEFAULT_DEMO_CRISIS = 'acme@1:4';

export function demoCrisis(env: NodeJS.ProcessEnv): string | null {
  const spec = env.BRANDPULSE_DEMO_CRISIS?.trim() || DEFAULT_DEMO_CRISIS;
  return spec === 'off' || spec === 'none' ? null : spec;
}

/** The plan with the demo crisis given to the simulator (unchanged when there is none). */
export function withDemoCrisis(plan: ServiceSpec[], crisis: string | null): ServiceSpec[] {
  if (!crisis) return plan;
  return plan.map((s) => (s.name === 'simulator' ? { ...s, command: [...s.command, '--crisis', crisis] } : s));
}
