import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedConfig, isolatedKafka } from '../support/stack.ts';
import { until } from '../support/wait.ts';
import { consumeUntil, event } from '../int/ingest/support.ts';

/** The real commands, as an operator runs them: `brandpulse ingest` and `brandpulse import`. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const PORT = 19000 + Math.floor(Math.random() * 900);
const KEY = 'e2e-key-acme-0001';

describe('brandpulse ingest + brandpulse import (processes)', () => {
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let server: ChildProcess;
  let env: NodeJS.ProcessEnv;
  const dir = mkdtempSync(join(tmpdir(), 'bp-e2e-ingest-'));

  beforeAll(async () => {
    const config = isolatedConfig('ingest_e2e');
    kafka = await isolatedKafka(config);
    env = {
      ...process.env,
      KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: config.KAFKA_TOPIC_PREFIX,
      INGEST_PORT: String(PORT),
      INGEST_API_KEYS: `acme:${KEY}`,
      PSEUDONYM_KEY: 'e2e-pseudonym-key-0001',
      LOG_LEVEL: 'warn',
    };
    server = spawn(process.execPath, [tsx, join(ROOT, 'services/cli.ts'), 'ingest'], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await until(
      'brandpulse ingest to be ready',
      async () => (await fetch(`http://127.0.0.1:${PORT}/readyz`)).ok,
      30_000,
      200,
    );
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    await kafka?.cleanup();
  });

  it('imports an NDJSON and a CSV export through the running API into Kafka', async () => {
    const nd = join(dir, 'export.ndjson');
    writeFileSync(
      nd,
      [...Array.from({ length: 30 }, (_, i) => JSON.stringify(event(`n-${i % 3}`, i))), 'not json'].join('\n'),
    );
    const csv = join(dir, 'export.csv');
    writeFileSync(
      csv,
      [
        'type,event_time,brand,platform,account_id,thread_id,message_id,author_platform_id,text',
        ...Array.from(
          { length: 10 },
          (_, i) =>
            `message_posted,${1_714_557_600_000 + i},acme,forum,board-1,c-${i % 2},c-m${i},user-${i},"post ${i}, with a comma"`,
        ),
      ].join('\n'),
    );
    const cli = (args: string[]) =>
      spawnSync(
        process.execPath,
        [tsx, join(ROOT, 'services/cli.ts'), 'import', ...args, '--url', `http://127.0.0.1:${PORT}`, '--api-key', KEY],
        { env, encoding: 'utf8', timeout: 60_000 },
      );
    const a = cli([nd, '--batch-size', '8']);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/import done: 30 events accepted, 1 lines rejected/);
    expect(JSON.parse(readFileSync(`${nd}.rejects.ndjson`, 'utf8'))).toMatchObject({
      line: 31,
      reason: expect.stringMatching(/not valid JSON/),
    });
    // Running it again does nothing: the checkpoint says done.
    const again = cli([nd]);
    expect(again.stdout).toMatch(/already imported .*: 30 events accepted/);
    const b = cli([csv]);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/import done: 10 events accepted, 0 lines rejected/);

    const records = await consumeUntil(kafka.kafka, kafka.topics.name('conversationEvents'), (r) => r.length >= 40);
    expect(records).toHaveLength(40);
    expect(new Set(records.map((r) => r.event.event_id)).size).toBe(40);
    expect(records.filter((r) => r.event.platform === 'forum')).toHaveLength(10);
    expect(records.every((r) => r.key === r.event.thread_id && r.event.source === 'import')).toBe(true);
  });
});
