/**
 * A process that stops the way every brandpulse service does (stopOnSignals), for
 * lifecycle.unit.test.ts. LIFECYCLE_DRAIN says what its drain does: `ok` (takes 50 ms), `fail`
 * (throws), `hang` (never ends), `exit` (no drain: the process has work for 300 ms, then ends),
 * `late` (watches its parent at once, as services/cli.ts does, but installs its drain only after a minute).
 */
import { stopOnSignals, watchParent } from '../../../services/shared/lifecycle.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const logger = {
  info: (o: object, m: string) => say(`info ${m}`),
  warn: (o: object, m: string) => say(`warn ${m}`),
  error: (o: object, m: string) => say(`error ${m}`),
};
const mode = process.env.LIFECYCLE_DRAIN ?? 'ok';
let drains = 0;

const install = () =>
  stopOnSignals(
    async (reason) => {
      drains += 1;
      say(`drain ${drains} ${reason}`);
      if (mode === 'fail') throw new Error('drain broke');
      await new Promise((resolve) => setTimeout(resolve, mode === 'hang' ? 3_600_000 : 50));
      say('drained');
    },
    { logger, timeoutMs: 500, repeatGraceMs: Number(process.env.LIFECYCLE_REPEAT_GRACE_MS ?? 1_000) },
  );
if (mode === 'late') {
  watchParent();
  setTimeout(install, 60_000);
} else {
  install();
}
if (mode === 'exit') setTimeout(() => say('work done'), 300);
else setInterval(() => undefined, 1_000); // a long-running service: only a stop ends it
say('ready');
