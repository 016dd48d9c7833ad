/**
 * `npm run bench`: runs every benchmark under bench/ (files named *.bench.ts), one after another,
 * each printing its own table and ratios against a baseline measured in the same run.
 * `npm run bench -- nlp ingest` runs only the named ones.
 */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, [tsx, join(dir, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (files.length === 0) console.log('no benchmarks matched');
process.exit(failed > 0 ? 1 : 0);
