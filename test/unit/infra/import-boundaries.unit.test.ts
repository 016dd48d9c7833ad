import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Feature folders (services/<feature>/) import services/shared/ and services/domain/ only, never
 * each other, so two projections cannot grow two copies of one rule by reaching into each other.
 * services/domain/ (pure rules every projection shares) imports domain/ and shared/; shared/
 * imports shared/. Every exception is listed below with its reason. Imports are read with the
 * TypeScript parser (static imports, re-exports, dynamic import() of a literal).
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVICES = join(ROOT, 'services');

/**
 * [importing path prefix, imported path prefix, reason]; paths relative to services/. services/cli.ts
 * needs none: it loads each command's main.ts by path at run time and imports only shared/.
 */
const EXCEPTIONS: ReadonlyArray<readonly [string, string, string]> = [
  ['start/', '', 'npm start wires the stack, the migrations, every service and the simulator'],
  ['enricher/', 'nlp/', 'the enricher runs the language, sentiment and intent models (nlp is the model library, not a projection)'],
  ['domain/enrichment.ts', 'nlp/', 'what an event\'s enrichment is: the analyzer\'s output (type only)'],
  ['domain/enrich-records.ts', 'nlp/', 'the batch enrichment takes the analyzer (type only)'],
  ['domain/message-fold.ts', 'nlp/intent/types.ts', 'the intent vocabulary and its default needs_reply are the classifier\'s output contract (pure data)'],
  ['domain/brand-settings.ts', 'nlp/intent/types.ts', 'needs_reply_intents must name intents the classifier emits (pure data)'],
  ['sink/main.ts', 'threads/', 'the sink hosts the thread projection: one writer per partition for thread_facts'],
  ['sink/config.ts', 'threads/', 'the sink hosts the thread projection (its cache size)'],
  ['sink/steps.ts', 'threads/', 'the sink hosts the thread projection (its cache size)'],
  ['sink/replay-cli.ts', 'threads/', 'a replay rebuilds thread_facts with the same projector'],
  ['sink/replay-cli.ts', 'nlp/', 'a replay re-enriches the raw topic with the current models'],
  ['sink/replay-cli.ts', 'migrate/', 'a replay migrates the shadow database before filling it'],
  ['sink/replay.ts', 'nlp/', 'a replay re-enriches the raw topic (analyzer type only)'],
  ['importer/', 'ingest/', 'the importer sends files through the ingestion API\'s own validation and intake (one door for events)'],
  ['simulator/', 'ingest/canonical.ts', 'simulated traffic is built and checked as canonical events, the ingestion API\'s contract'],
  ['dashboard/', '../dashboards/queries/', 'the live page runs the Grafana panels\' own SQL: one query catalogue (SDK-free), never a copy'],
  ['dashboard/', '../dashboards/lib/interpolate.ts', 'Grafana\'s macro expansion, reused so the page binds the very same SQL'],
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : tsFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The top folder of a path under services/ ('' for files directly in services/). */
const area = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '');

function allowed(from: string, to: string): boolean {
  const a = area(from);
  const b = area(to);
  if (a === b && a !== '') return true; // inside one folder, at any depth
  if (b === 'shared') return true;
  if (b === 'domain') return a !== 'shared'; // shared/ is below domain/
  return false;
}

function violations(): string[] {
  const out: string[] = [];
  for (const file of tsFiles(SERVICES)) {
    const from = relative(SERVICES, file).split('\\').join('/');
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue; // packages and node: builtins
      const target = relative(SERVICES, resolve(dirname(file), spec)).split('\\').join('/');
      if (target.startsWith('..')) {
        if (EXCEPTIONS.some(([f, t]) => from.startsWith(f) && target.startsWith(t))) continue;
        out.push(`${from} -> ${spec} (outside services/)`);
        continue;
      }
      if (allowed(from, target)) continue;
      if (EXCEPTIONS.some(([f, t]) => from.startsWith(f) && target.startsWith(t))) continue;
      out.push(`${from} -> ${target}`);
    }
  }
  return out;
}

describe('import boundaries between services/ folders', () => {
  it('feature folders import only shared/ and domain/ (plus the listed exceptions)', () => {
    expect(violations()).toEqual([]);
  });

  it('every exception is still needed (a stale one would hide a new import)', () => {
    const used = new Set<number>();
    for (const file of tsFiles(SERVICES)) {
      const from = relative(SERVICES, file).split('\\').join('/');
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(SERVICES, resolve(dirname(file), spec)).split('\\').join('/');
        if (allowed(from, target)) continue;
        EXCEPTIONS.forEach(([f, t], i) => { if (from.startsWith(f) && target.startsWith(t)) used.add(i); });
      }
    }
    expect(EXCEPTIONS.filter((_, i) => !used.has(i)).map(([f, t]) => `${f} -> ${t}`)).toEqual([]);
  });

  it('sees the imports it checks (a parser that found none would pass everything)', () => {
    const imports = importsOf(join(SERVICES, 'sink', 'message-state.ts'));
    expect(imports).toContain('../domain/message-fold.ts');
    expect(allowed('sink/message-state.ts', 'threads/messages.ts')).toBe(false);
    expect(allowed('threads/facts.ts', 'domain/event-order.ts')).toBe(true);
    expect(allowed('shared/events.ts', 'domain/message-fold.ts')).toBe(false);
  });
});
