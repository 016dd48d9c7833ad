// The import boundaries between services/ folders, in one place: eslint.config.js turns them into
// import-x/no-restricted-paths zones, and test/unit/infra/import-boundaries.unit.test.ts checks
// that every exception is still needed. Feature folders (services/<feature>/) import
// services/shared/ and services/domain/ only, never each other, so two projections cannot grow two
// copies of one rule by reaching into each other. services/domain/ (pure rules every projection
// shares) imports domain/ and shared/; shared/ imports shared/; nothing in services/ imports
// files outside it (tests, benchmarks, scripts) unless an exception names them.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * [importing path prefix, imported path prefix, reason]; paths relative to services/ ('../' leads
 * outside it; the empty prefix means every folder of services/). services/cli.ts needs none: it
 * loads each command's main.ts by path at run time and imports only shared/.
 * @type {ReadonlyArray<readonly [string, string, string]>}
 */
export const EXCEPTIONS = [
  ['start/', '', 'npm start wires the stack, the migrations, every service and the simulator'],
  [
    'enricher/',
    'nlp/',
    'the enricher runs the language, sentiment and intent models (nlp is the model library, not a projection)',
  ],
  ['domain/enrichment.ts', 'nlp/', "what an event's enrichment is: the analyzer's output (type only)"],
  ['domain/enrich-records.ts', 'nlp/', 'the batch enrichment takes the analyzer (type only)'],
  [
    'domain/message-fold.ts',
    'nlp/intent/types.ts',
    "the intent vocabulary and its default needs_reply are the classifier's output contract (pure data)",
  ],
  [
    'domain/brand-settings.ts',
    'nlp/intent/types.ts',
    'needs_reply_intents must name intents the classifier emits (pure data)',
  ],
  ['sink/main.ts', 'threads/', 'the sink hosts the thread projection: one writer per partition for thread_facts'],
  ['sink/config.ts', 'threads/', 'the sink hosts the thread projection (its cache size)'],
  ['sink/steps.ts', 'threads/', 'the sink hosts the thread projection (its cache size)'],
  ['sink/replay-cli.ts', 'threads/', 'a replay rebuilds thread_facts with the same projector'],
  ['sink/replay-cli.ts', 'nlp/', 'a replay re-enriches the raw topic with the current models'],
  ['sink/replay-cli.ts', 'migrate/', 'a replay migrates the shadow database before filling it'],
  ['sink/replay.ts', 'nlp/', 'a replay re-enriches the raw topic (analyzer type only)'],
  [
    'importer/',
    'ingest/',
    "the importer sends files through the ingestion API's own validation and intake (one door for events)",
  ],
  [
    'simulator/thread-script.ts',
    'nlp/intent/types.ts',
    'the simulated truth of which intents need a reply is the default mapping itself, not a copy (pure data)',
  ],
  [
    'simulator/',
    'ingest/canonical.ts',
    "simulated traffic is built and checked as canonical events, the ingestion API's contract",
  ],
  [
    'dashboard/',
    '../dashboards/queries/',
    "the live page runs the Grafana panels' own SQL: one query catalogue (SDK-free), never a copy",
  ],
  [
    'dashboard/',
    '../dashboards/lib/interpolate.ts',
    "Grafana's macro expansion, reused so the page binds the very same SQL",
  ],
];

/** The top folder of a path under services/ ('' for files directly in services/). */
export const area = (rel) => (rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '');

/** Whether services/<from> may import services/<to> without an exception (paths relative to services/). */
export function allowed(from, to) {
  if (to.startsWith('../')) return false;
  const a = area(from);
  const b = area(to);
  if (a === b && a !== '') return true; // inside one folder, at any depth
  if (b === 'shared') return true;
  if (b === 'domain') return a !== 'shared'; // shared/ is below domain/
  return false;
}

/** The exceptions that let services/<from> import services/<to> (indexes into EXCEPTIONS). */
export function exceptionsFor(from, to) {
  return EXCEPTIONS.flatMap(([f, t], i) =>
    from.startsWith(f) && to.startsWith(t) && (t !== '' || !to.startsWith('../')) ? [i] : [],
  );
}

/** Every .ts file under dir, relative to dir, with '/' separators. */
export function tsFiles(dir) {
  const walk = (d) =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => {
      const p = join(d, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
      return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
    });
  return walk(dir).map((p) => relative(dir, p).split('\\').join('/'));
}

const MESSAGE =
  'Feature folders import only services/shared/ and services/domain/; ' +
  'a needed exception goes in eslint/import-boundaries.js with its reason.';
const OUTSIDE_MESSAGE =
  'services/ imports nothing outside services/; a needed exception goes in eslint/import-boundaries.js.';

/**
 * The rules above as import-x/no-restricted-paths zones (paths relative to root, the repository):
 * one zone per (folder, barred folder) whose targets are the folder's files that no exception
 * lets import that folder, and whose `except` lists the imported paths an exception names.
 * The folders outside services/ are barred like feature folders ('../test', '../bench', ...).
 * The file list is read when ESLint loads its config, so a new file is covered at once.
 */
export function restrictedZones(root) {
  const files = tsFiles(join(root, 'services'));
  const areas = [...new Set(files.map(area))];
  const outside = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !['services', 'node_modules'].includes(e.name))
    .map((e) => `../${e.name}`);
  const barred = [...areas.filter((b) => b !== ''), ...outside];
  const inArea = (x) => (x === '' ? 'x.ts' : `${x}/x.ts`); // a path standing for any file of the area
  const zones = [];
  for (const a of areas) {
    const own = files.filter((f) => area(f) === a);
    for (const b of barred) {
      if (allowed(inArea(a), inArea(b))) continue;
      const isOutside = b.startsWith('../');
      // Exceptions whose imported prefix covers the whole of b free their importers.
      const whole = EXCEPTIONS.filter(([, t]) => (t === '' && !isOutside) || t === `${b}/`);
      const partial = EXCEPTIONS.filter(([, t]) => t.startsWith(`${b}/`) && t !== `${b}/`);
      const targets = own.filter((f) => !whole.some(([p]) => f.startsWith(p)));
      // A file freed for part of b only is still barred from the rest of b: its own zone.
      const byExcept = new Map();
      for (const f of targets) {
        const except = partial.filter(([p]) => f.startsWith(p)).map(([, t]) => `./${t.slice(b.length + 1)}`);
        const key = except.sort().join('\n');
        byExcept.set(key, [...(byExcept.get(key) ?? []), f]);
      }
      for (const [key, group] of byExcept) {
        zones.push({
          target: group.map((f) => `services/${f}`),
          from: `services/${b}`,
          ...(key ? { except: key.split('\n') } : {}),
          message: isOutside ? OUTSIDE_MESSAGE : MESSAGE,
        });
      }
    }
  }
  return zones;
}
