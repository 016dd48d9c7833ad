/**
 * `npm run alerter:eval [-- --seed N --weeks W]`: simulates weeks of traffic with injected negative
 * spikes and noise, runs the spike detector over it in event time, prints precision, recall and
 * detection latency from onset. Exits non-zero when a target is missed.
 */
import { numberFlag, scriptArgs, scriptCheck } from '../../shared/usage.ts';
import { DEFAULT_SIM } from './simulator.ts';
import { DEFAULT_PARAMS } from '../params.ts';
import { evaluate } from './evaluate.ts';
import { DEFAULT_COLD_START, evaluateColdStart } from './cold-start.ts';

const USAGE = `usage: npm run alerter:eval [-- --seed <n> --weeks <w> --verbose]
  Spike detector precision, recall and latency on simulated weeks; exits 1 when a target is missed.`;
const { values } = scriptArgs('alerter:eval', USAGE, {
  seed: { type: 'string' },
  weeks: { type: 'string' },
  verbose: { type: 'boolean' },
});
const sim = scriptCheck('alerter:eval', () => ({
  ...DEFAULT_SIM,
  seed: numberFlag('seed', values.seed, DEFAULT_SIM.seed, 0),
  weeks: numberFlag('weeks', values.weeks, DEFAULT_SIM.weeks, 1),
}));
const started = performance.now();
const r = evaluate(sim);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(
  `simulated ${sim.weeks} weeks (${r.weeksScored} scored after warm-up), ${sim.brands.length} brands, ${r.observations} customer messages, seed ${sim.seed}`,
);
console.log(
  `injected spikes: ${r.spikes.length}, detected: ${r.spikes.filter((x) => x.detected).length}, within 60 s: ${r.spikes.filter((x) => x.latencyMs !== null && x.latencyMs <= 60_000).length}`,
);
console.log(
  `alert starts (scored weeks): ${r.starts}, true: ${r.trueStarts}, false: ${r.falseAlerts.length} (max ${r.maxFalseAlertsInAWeek} in a week); ends: ${r.ends}; warm-up false alerts (not scored): ${r.warmupFalseAlerts}`,
);
console.log(
  `precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)}  latency from onset p50 ${s(r.latencyP50Ms)}  max ${s(r.latencyMaxMs)}`,
);
// Cold start: fresh detectors over the first hours of brands onboarded at different hours of the week.
const c = evaluateColdStart({ ...DEFAULT_COLD_START, seed: sim.seed }, sim);
console.log(
  `\ncold start: ${c.onboardings} brands onboarded (first ${DEFAULT_PARAMS.warmupHours} h each), ${c.spikes} with a spike, all with a viral positive burst`,
);
console.log(
  `alert starts: ${c.starts}, true: ${c.trueStarts}, false: ${c.falseStarts.length}; spikes detected: ${c.detected}/${c.spikes}`,
);
console.log('');
console.log('                 precision  recall  latency p50  max');
console.log(
  `  warm detector  ${r.precision.toFixed(3).padStart(9)}  ${r.recall.toFixed(3).padStart(6)}  ${s(r.latencyP50Ms).padStart(11)}  ${s(r.latencyMaxMs)}`,
);
console.log(
  `  cold start     ${c.precision.toFixed(3).padStart(9)}  ${c.recall.toFixed(3).padStart(6)}  ${s(c.latencyP50Ms).padStart(11)}  ${s(c.latencyMaxMs)}`,
);
if (values.verbose) {
  for (const x of r.spikes) {
    console.log(
      `  spike ${x.spike.brand}/${x.spike.platform || '*'} ${new Date(x.spike.onset).toISOString()} ${x.spike.perMinute.toFixed(0)}/min ${x.spike.ramp ? 'ramp' : 'step'} -> ${x.latencyMs === null ? 'MISSED' : s(x.latencyMs)} (${x.alerts} alerts)`,
    );
  }
  for (const f of c.falseStarts)
    console.log(
      `  cold-start false: ${f.alert.brand}/${f.alert.platform || '*'} ${((f.alert.detected_at - f.onboardedAt) / 60_000).toFixed(0)} min after onboarding`,
    );
  for (const f of r.falseAlerts)
    console.log(
      `  false: ${f.alert.brand}/${f.alert.platform || '*'} ${new Date(f.alert.detected_at).toISOString()} obs ${f.alert.observed} base ${f.alert.baseline.toFixed(2)} share ${f.alert.negative_share.toFixed(2)}/${f.alert.baseline_share.toFixed(2)}`,
    );
}
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
const ok =
  r.recall === 1 && r.latencyMaxMs <= 60_000 && r.maxFalseAlertsInAWeek <= 1 && c.precision >= 0.9 && c.recall >= 0.8;
console.log(
  ok
    ? 'targets met: every spike within 60 s, at most one false alert per week; cold start precision >= 0.9, recall >= 0.8'
    : 'TARGETS MISSED',
);
process.exit(ok ? 0 : 1);
