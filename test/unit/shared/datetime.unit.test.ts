import { describe, expect, it } from 'vitest';
import { dateTime, dateTime64 } from '../../../services/shared/clickhouse.ts';

describe('ClickHouse time text', () => {
  it('DateTime64(3): Unix seconds with exactly three decimals', () => {
    expect(dateTime64(1_700_000_000_123)).toBe('1700000000.123');
    expect(dateTime64(1_700_000_000_007)).toBe('1700000000.007');
    expect(dateTime64(1_700_000_000_040)).toBe('1700000000.040');
    expect(dateTime64(1_700_000_000_000)).toBe('1700000000.000');
    expect(dateTime64(1_700_000_000_999.6)).toBe('1700000001.000'); // rounded to the millisecond
  });

  it('falls back to ISO text before 1973, where best_effort parsing does not take Unix seconds', () => {
    expect(dateTime64(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(dateTime64(86_400_123)).toBe('1970-01-02T00:00:00.123Z');
    expect(dateTime(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('DateTime: whole Unix seconds', () => {
    expect(dateTime(1_700_000_059_999)).toBe('1700000059');
  });
});
