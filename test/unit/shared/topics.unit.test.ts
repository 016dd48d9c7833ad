import { describe, expect, it } from 'vitest';
import { Topics } from '../../../services/shared/topics.ts';

describe('topic catalogue', () => {
  it('keeps the raw conversation log forever', () => {
    const raw = new Topics().spec('conversationEvents');
    expect(raw.config['retention.ms']).toBe('-1');
    expect(raw.config['retention.bytes']).toBe('-1');
  });

  it('prefixes names for isolation', () => {
    const topics = new Topics('t.run1.');
    expect(topics.name('enrichedEvents')).toBe('t.run1.brandpulse.enriched-events.v1');
  });

  it('has unique names and valid partition counts', () => {
    const all = new Topics().all;
    expect(new Set(all.map((t) => t.name)).size).toBe(all.length);
    for (const t of all) expect(t.partitions).toBeGreaterThan(0);
  });
});
