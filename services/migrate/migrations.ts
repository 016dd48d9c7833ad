import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * ClickHouse schema migrations: forward-only SQL files `NNNN_name.sql` under
 * infra/clickhouse/migrations. Pure part: finding files, checksums, splitting statements and
 * deciding what to apply. The I/O part lives in apply.ts.
 *
 * Number ranges are owned by areas (0001-0099 pipeline, 0200-0299 threads, 0300-0399 alerter), so
 * engineers add files without colliding; they all apply in numeric order.
 */
export const MIGRATIONS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'infra',
  'clickhouse',
  'migrations',
);

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  file: string;
  /** sha256 of the file's bytes: an applied file must never change. */
  checksum: string;
  sql: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

export class MigrationError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function checksumOf(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export function parseMigration(file: string, content: string): Migration {
  const m = FILE_RE.exec(file);
  if (!m) throw new MigrationError(`migration file ${file} must be named NNNN_lower_snake_name.sql`);
  return { version: Number(m[1]), name: m[2]!, file, checksum: checksumOf(content), sql: content };
}

/** Reads every migration file of `dir`, sorted by version; two files with one number is an error. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const migrations = files.map((f) => parseMigration(f, readFileSync(join(dir, f), 'utf8')));
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new MigrationError(
        `two migrations share number ${migrations[i]!.version}: ${migrations[i - 1]!.file}, ${migrations[i]!.file}`,
      );
    }
  }
  return migrations;
}

/**
 * Splits a file into statements on `;` outside quotes and comments (the HTTP interface takes one
 * statement per request). Comment-only chunks are dropped.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      current += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      current += sql.slice(i, stop);
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < n && sql[j] !== c) j += sql[j] === '\\' ? 2 : 1;
      current += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === ';') {
      out.push(current);
      current = '';
      i++;
    } else {
      current += c;
      i++;
    }
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => stripComments(s).trim().length > 0);
}

function stripComments(s: string): string {
  return s.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

/**
 * What to apply, given the files and the applied log. Refuses (non-retriable) when an applied file
 * changed or disappeared: migrations are forward-only, a fix is a new file.
 */
export function planMigrations(files: Migration[], applied: AppliedMigration[]): Migration[] {
  const byVersion = new Map(files.map((m) => [m.version, m]));
  const problems: string[] = [];
  for (const a of applied) {
    const file = byVersion.get(a.version);
    if (!file) problems.push(`applied migration ${a.version} (${a.name}) has no file any more`);
    else if (file.checksum !== a.checksum) {
      problems.push(
        `migration ${file.file} changed after it was applied (checksum ${a.checksum.slice(0, 12)}… now ${file.checksum.slice(0, 12)}…): add a new migration instead`,
      );
    }
  }
  if (problems.length > 0) throw new MigrationError(`refusing to migrate:\n  - ${problems.join('\n  - ')}`);
  const done = new Set(applied.map((a) => a.version));
  return files.filter((m) => !done.has(m.version));
}
