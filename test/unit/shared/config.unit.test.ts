import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, baseShape, loadBaseConfig, parseEnv, env } from '../../../services/shared/config.ts';

describe('config', () => {
  it('applies defaults on an empty environment', () => {
    const config = loadBaseConfig({});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.CLICKHOUSE_DATABASE).toBe('brandpulse');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('parses broker lists', () => {
    expect(loadBaseConfig({ KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadBaseConfig({
        KAFKA_BROKERS: 'nope',
        CLICKHOUSE_URL: 'not a url',
        LOG_LEVEL: 'loud',
        CLICKHOUSE_DATABASE: 'drop table;',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['KAFKA_BROKERS', 'CLICKHOUSE_URL', 'LOG_LEVEL', 'CLICKHOUSE_DATABASE'])
      expect(problems).toContain(name);
    expect((error as Error).message).toContain('got "loud"');
  });

  it('composes service sections with the shared building blocks', () => {
    const shape = { INGEST_PORT: env.port.default(8080), NAME: z.string().min(2) };
    expect(parseEnv(shape, { INGEST_PORT: '9000', NAME: 'ok' })).toEqual({ INGEST_PORT: 9000, NAME: 'ok' });
    expect(() => parseEnv(shape, { INGEST_PORT: '70000', NAME: 'x' })).toThrow(/INGEST_PORT[\s\S]*NAME/);
  });

  it('gives a default consumer group the topic prefix, and leaves a group that is set alone', () => {
    const shape = { ...baseShape, SINK_GROUP_ID: z.string().min(1).default('brandpulse-sink') };
    expect(parseEnv(shape, {}).SINK_GROUP_ID).toBe('brandpulse-sink');
    expect(parseEnv(shape, { KAFKA_TOPIC_PREFIX: 'staging.' }).SINK_GROUP_ID).toBe('staging.brandpulse-sink');
    expect(parseEnv(shape, { KAFKA_TOPIC_PREFIX: 'staging.', SINK_GROUP_ID: 'mine' }).SINK_GROUP_ID).toBe('mine');
  });
});
