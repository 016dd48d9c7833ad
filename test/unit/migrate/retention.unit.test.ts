import { describe, expect, it } from 'vitest';
import { TEXT_TABLES, ttlClause } from '../../../services/migrate/retention.ts';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';

const messages = TEXT_TABLES.find((t) => t.table === 'messages')!;
const file = (defaults: number | null, brands: Record<string, { retention_days?: number | null }>) =>
  ({ defaults: { retention_days: defaults }, brands }) as never;

describe('retention_days -> TTL', () => {
  it('gives each brand its own rule and the rest the default', () => {
    expect(
      ttlClause(
        messages,
        file(730, {
          acme: { retention_days: 30 },
          globex: {},
          initech: { retention_days: 30 },
          hooli: { retention_days: 90 },
        }),
      ),
    ).toBe(
      "toDateTime(if(posted = 1, greatest(posted_time, text_time, removal_time, visibility_time, spam_time), greatest(text_time, updated_at))) + toIntervalDay(30) WHERE brand IN ('acme', 'initech'), " +
        "toDateTime(if(posted = 1, greatest(posted_time, text_time, removal_time, visibility_time, spam_time), greatest(text_time, updated_at))) + toIntervalDay(90) WHERE brand IN ('hooli'), " +
        "toDateTime(if(posted = 1, greatest(posted_time, text_time, removal_time, visibility_time, spam_time), greatest(text_time, updated_at))) + toIntervalDay(730) WHERE brand NOT IN ('acme', 'hooli', 'initech')",
    );
  });

  it('keeps a brand with null forever, and has no TTL when nobody expires', () => {
    expect(ttlClause(messages, file(365, { acme: { retention_days: null } }))).toBe(
      "toDateTime(if(posted = 1, greatest(posted_time, text_time, removal_time, visibility_time, spam_time), greatest(text_time, updated_at))) + toIntervalDay(365) WHERE brand NOT IN ('acme')",
    );
    expect(ttlClause(messages, file(null, { acme: { retention_days: null }, globex: {} }))).toBeNull();
    expect(ttlClause(messages, file(10, {}))).toBe(
      'toDateTime(if(posted = 1, greatest(posted_time, text_time, removal_time, visibility_time, spam_time), greatest(text_time, updated_at))) + toIntervalDay(10)',
    );
  });

  it('quotes brand names as SQL literals', () => {
    expect(ttlClause(messages, file(null, { "o'neil\\x": { retention_days: 5 } }))).toContain(
      "WHERE brand IN ('o\\'neil\\\\x')",
    );
  });

  it('reads infra/brands.yaml: a rule per brand on every table that holds texts', () => {
    const brands = BrandSettings.load(new URL('../../../infra/brands.yaml', import.meta.url).pathname).file;
    expect(TEXT_TABLES.map((t) => t.table)).toEqual(['messages', 'messages_by_time', 'moderation_actions', 'alerts']);
    for (const t of TEXT_TABLES) expect(ttlClause(t, brands)).toMatch(/toIntervalDay\(\d+\) WHERE brand IN/);
  });

  it('rejects a retention that is not a whole number of days', () => {
    expect(() =>
      BrandSettings.fromObject({
        defaults: { business_hours: { time_zone: 'UTC', week: {} }, needs_reply_intents: [], retention_days: 0 },
      }),
    ).toThrow(/retention_days/);
    expect(() =>
      BrandSettings.fromObject({
        defaults: { business_hours: { time_zone: 'UTC', week: {} }, needs_reply_intents: [] },
        brands: { a: { retention_days: 1.5 } },
      }),
    ).toThrow(/retention_days/);
  });
});
