import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestService, createKafkaIntake, type IngestService } from '../../../services/ingest/service.ts';
import { importFile } from '../../../services/importer/importer.ts';
import { DirectSink, HttpSink } from '../../../services/importer/sinks.ts';
import { isolatedConfig, isolatedKafka, logger } from '../../support/stack.ts';
import { API_KEY, consumeUntil, event, ingestConfigFor } from './support.ts';

describe('brandpulse import against real Kafka', () => {
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let service: IngestService;
  let base: string;
  let config: ReturnType<typeof ingestConfigFor>;
  const dir = mkdtempSync(join(tmpdir(), 'bp-import-int-'));

  beforeAll(async () => {
    const baseConfig = isolatedConfig('ingest_import');
    kafka = await isolatedKafka(baseConfig);
    config = ingestConfigFor(baseConfig);
    service = createIngestService(config, logger);
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await service?.close();
    await kafka?.cleanup();
  });

  it('imports through the API and directly; every accepted line is in the topic once per id', async () => {
    const httpFile = join(dir, 'http.ndjson');
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify(event(`h-${i % 5}`, i)));
    lines.splice(10, 0, '{"type":"message_posted"}');
    // A brand the key may not write: refused by the API (403), recorded as a reject.
    lines.splice(20, 0, JSON.stringify(event('h-x', 0, { brand: 'globex' })));
    writeFileSync(httpFile, lines.join('\n'));
    const http = await importFile({
      file: httpFile,
      format: 'ndjson',
      sink: new HttpSink(base, API_KEY),
      batchSize: 25,
      checkpointPath: `${httpFile}.cp`,
      rejectsPath: `${httpFile}.rejects`,
    });
    expect(http).toMatchObject({ accepted: 60, rejected: 2, done: true });
    const rejects = readFileSync(`${httpFile}.rejects`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects.map((r: { line: number }) => r.line)).toEqual([11, 21]);
    expect(rejects[1].reason).toMatch(/brand: brand "globex" is not "acme"/);

    const directFile = join(dir, 'direct.ndjson');
    writeFileSync(directFile, Array.from({ length: 40 }, (_, i) => JSON.stringify(event(`d-${i % 4}`, i))).join('\n'));
    const direct = createKafkaIntake(config, logger);
    const summary = await importFile({
      file: directFile,
      format: 'ndjson',
      sink: new DirectSink(direct.intake, direct.close),
      batchSize: 15,
      checkpointPath: `${directFile}.cp`,
      rejectsPath: `${directFile}.rejects`,
    });
    await direct.close();
    expect(summary).toMatchObject({ accepted: 40, rejected: 0 });

    const records = await consumeUntil(kafka.kafka, kafka.topics.name('conversationEvents'), (r) => r.length >= 100);
    expect(records).toHaveLength(100);
    expect(new Set(records.map((r) => r.event.event_id)).size).toBe(100);
    expect(records.every((r) => r.event.source === 'import' && r.key === r.event.thread_id)).toBe(true);
  });
});
