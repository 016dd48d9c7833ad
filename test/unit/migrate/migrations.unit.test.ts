import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checksumOf,
  loadMigrations,
  MIGRATIONS_DIR,
  parseMigration,
  planMigrations,
  splitStatements,
} from '../../../services/migrate/migrations.ts';

describe('splitStatements', () => {
  it('splits on semicolons outside strings and comments', () => {
    const sql = `-- a comment; with a semicolon
CREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory;
/* block; comment */ SELECT "we;ird", \`c;d\` FROM a;
-- only a comment at the end;
`;
    expect(splitStatements(sql)).toEqual([
      `-- a comment; with a semicolon\nCREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory`,
      '/* block; comment */ SELECT "we;ird", `c;d` FROM a',
    ]);
  });

  it('keeps escaped quotes inside strings', () => {
    expect(splitStatements("SELECT 'it\\'s; fine'; SELECT 2")).toEqual(["SELECT 'it\\'s; fine'", 'SELECT 2']);
  });
});

describe('planMigrations', () => {
  const m1 = parseMigration('0001_a.sql', 'CREATE TABLE a (x UInt8) ENGINE = Memory;');
  const m2 = parseMigration('0002_b.sql', 'CREATE TABLE b (x UInt8) ENGINE = Memory;');

  it('returns the files not yet applied, in order', () => {
    expect(planMigrations([m1, m2], []).map((m) => m.version)).toEqual([1, 2]);
    expect(planMigrations([m1, m2], [{ version: 1, name: 'a', checksum: m1.checksum }]).map((m) => m.version)).toEqual([
      2,
    ]);
  });

  it('refuses when an applied file changed', () => {
    expect(() => planMigrations([m1, m2], [{ version: 1, name: 'a', checksum: checksumOf('something else') }])).toThrow(
      /0001_a.sql changed/,
    );
  });

  it('refuses when an applied file is gone', () => {
    expect(() => planMigrations([m2], [{ version: 1, name: 'a', checksum: m1.checksum }])).toThrow(/no file any more/);
  });

  it('rejects badly named files and duplicate numbers', () => {
    expect(() => parseMigration('1_a.sql', '')).toThrow(/NNNN_lower_snake_name/);
    const dir = mkdtempSync(join(tmpdir(), 'mig-'));
    writeFileSync(join(dir, '0001_a.sql'), 'SELECT 1');
    writeFileSync(join(dir, '0001_b.sql'), 'SELECT 2');
    expect(() => loadMigrations(dir)).toThrow(/share number 1/);
  });

  it('the repository migrations load, are ordered and use unqualified names', () => {
    const all = loadMigrations(MIGRATIONS_DIR);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.map((m) => m.version)).toEqual([...all.map((m) => m.version)].sort((a, b) => a - b));
    for (const m of all.filter((x) => x.version < 100)) {
      for (const s of splitStatements(m.sql)) expect(s, m.file).not.toMatch(/\b(brandpulse|default)\.[a-z_]+/);
    }
  });
});
