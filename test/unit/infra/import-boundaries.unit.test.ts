import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import importX from 'eslint-plugin-import-x';
import ts from 'typescript';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { EXCEPTIONS, allowed, exceptionsFor, restrictedZones, tsFiles } from '../../../eslint/import-boundaries.js';

/**
 * The rules and their exceptions live in eslint/import-boundaries.js; `npm run lint` enforces them
 * as import-x/no-restricted-paths zones. This test checks them once more by itself, then what the
 * linter cannot: that every exception is still needed, and that the zones built from the rules do
 * stop an import. Imports are
 * read with the TypeScript parser (static imports, re-exports, dynamic import() of a literal).
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVICES = join(ROOT, 'services');

function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Every relative import under services/ as [importer, imported], both relative to services/. */
let imports: Array<[string, string]> | undefined;
function serviceImports(): Array<[string, string]> {
  return (imports ??= tsFiles(SERVICES).flatMap((from) =>
    importsOf(join(SERVICES, from))
      .filter((spec) => spec.startsWith('.')) // packages and node: builtins
      .map((spec): [string, string] => [from, join(dirname(from), spec).split('\\').join('/')]),
  ));
}

/** The boundary rule alone, as `npm run lint` configures it, applied to `code` posing as services/<file>. */
function lintAs(file: string, code: string): string[] {
  const linter = new Linter({ cwd: ROOT });
  const config = [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { 'import-x': importX as unknown as Record<string, unknown> },
      rules: { 'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: restrictedZones(ROOT) }] },
    },
  ] as Linter.Config[];
  return linter.verify(code, config, join(SERVICES, file)).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

// Parsing every file under services/ takes ~2 s on an idle machine, over 5 s on a busy 2-core one.
describe('import boundaries between services/ folders', { timeout: 30_000 }, () => {
  it('feature folders import only shared/ and domain/ (plus the listed exceptions)', () => {
    // Also read here because import-x skips an import it cannot resolve.
    const crossing = serviceImports().filter(
      ([from, target]) => !allowed(from, target) && exceptionsFor(from, target).length === 0,
    );
    expect(crossing.map(([from, target]) => `${from} -> ${target}`)).toEqual([]);
  });

  it('every exception is still needed (a stale one would hide a new import)', () => {
    const used = new Set<number>();
    for (const [from, target] of serviceImports()) {
      if (!allowed(from, target)) for (const i of exceptionsFor(from, target)) used.add(i);
    }
    expect(EXCEPTIONS.filter((_, i) => !used.has(i)).map(([f, t]) => `${f} -> ${t}`)).toEqual([]);
  });

  it('sees the imports it checks (a parser that found none would pass everything)', () => {
    expect(importsOf(join(SERVICES, 'sink', 'message-state.ts'))).toContain('../domain/message-fold.ts');
    expect(serviceImports()).toContainEqual(['sink/main.ts', 'threads/projector.ts']);
    expect(allowed('sink/message-state.ts', 'threads/messages.ts')).toBe(false);
    expect(allowed('threads/facts.ts', 'domain/event-order.ts')).toBe(true);
    expect(allowed('shared/events.ts', 'domain/message-fold.ts')).toBe(false);
  });

  it('the lint zones stop an import between feature folders and let an exception through', () => {
    const intoThreads = "import { x } from '../threads/messages.ts';\nexport { x };\n";
    expect(lintAs('sink/message-state.ts', intoThreads)).toEqual([
      expect.stringContaining('import-x/no-restricted-paths'),
    ]);
    expect(lintAs('sink/main.ts', intoThreads)).toEqual([]); // the sink hosts the thread projection
    // simulator/ may import ingest/canonical.ts, and nothing else of ingest/.
    expect(lintAs('simulator/sender.ts', "export * from '../ingest/canonical.ts';\n")).toEqual([]);
    expect(lintAs('simulator/sender.ts', "export * from '../ingest/app.ts';\n")).toHaveLength(1);
    expect(
      lintAs('shared/kafka.ts', "import type { X } from '../domain/message-fold.ts';\nexport type { X };\n"),
    ).toHaveLength(1);
    expect(lintAs('domain/sentiment.ts', "export * from '../shared/kafka.ts';\n")).toEqual([]);
    expect(lintAs('alerter/store.ts', "export * from '../../test/support/events.ts';\n")).toHaveLength(1);
    // start/ may import every folder of services/, and still nothing outside it.
    expect(lintAs('start/main.ts', "export * from '../alerter/store.ts';\n")).toEqual([]);
    expect(lintAs('start/main.ts', "export * from '../../test/support/events.ts';\n")).toHaveLength(1);
  });
});
