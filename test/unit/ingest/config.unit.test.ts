import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../services/shared/config.ts';
import { loadIngestConfig } from '../../../services/ingest/config.ts';

describe('ingest config', () => {
  it('has loopback defaults and development keys outside production', () => {
    const c = loadIngestConfig({});
    expect(c.INGEST_HOST).toBe('127.0.0.1');
    expect(c.INGEST_PORT).toBe(8080);
    expect(c.INGEST_API_KEYS.get('dev-key-acme')).toBe('acme');
    expect(c.INGEST_API_KEYS.get('dev-key-globex')).toBe('globex');
    expect(c.PSEUDONYM_KEY.length).toBeGreaterThanOrEqual(16);
  });

  it('parses keys and Meta accounts', () => {
    const c = loadIngestConfig({
      INGEST_API_KEYS: 'acme:k-acme-0001, acme:k-acme-0002,globex:k-globex-01',
      META_ACCOUNTS: '1111:acme,1784:globex',
    });
    expect([...c.INGEST_API_KEYS]).toEqual([
      ['k-acme-0001', 'acme'],
      ['k-acme-0002', 'acme'],
      ['k-globex-01', 'globex'],
    ]);
    expect(c.META_ACCOUNTS.get('1784')).toBe('globex');
  });

  it('refuses to start in production without keys and pseudonym key, naming both', () => {
    try {
      loadIngestConfig({ NODE_ENV: 'production' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/INGEST_API_KEYS/);
      expect(problems).toMatch(/PSEUDONYM_KEY/);
    }
    expect(() => loadIngestConfig({ INGEST_API_KEYS: 'acme' })).toThrow(/brand:key/);
  });

  it('takes the allowed future skew of event times, 1 day by default, at most 30 days', () => {
    expect(loadIngestConfig({}).INGEST_MAX_FUTURE_SKEW_MS).toBe(86_400_000);
    expect(loadIngestConfig({ INGEST_MAX_FUTURE_SKEW_MS: '3600000' }).INGEST_MAX_FUTURE_SKEW_MS).toBe(3_600_000);
    expect(() => loadIngestConfig({ INGEST_MAX_FUTURE_SKEW_MS: String(31 * 86_400_000) })).toThrow(
      /INGEST_MAX_FUTURE_SKEW_MS: at most 30 days/,
    );
    expect(() => loadIngestConfig({ INGEST_MAX_FUTURE_SKEW_MS: '-1' })).toThrow(/INGEST_MAX_FUTURE_SKEW_MS/);
    expect(() => loadIngestConfig({ INGEST_MAX_FUTURE_SKEW_MS: '1d' })).toThrow(/INGEST_MAX_FUTURE_SKEW_MS/);
  });
});
