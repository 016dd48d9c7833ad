import { describe, expect, it } from 'vitest';
import { CLUSTER_MIN_INSYNC, sizedFor, Topics } from '../../../services/shared/topics.ts';

describe('topic catalogue sized for the cluster (sizedFor)', () => {
  const all = new Topics().all;

  it('keeps one broker exactly as written', () => {
    for (const t of all) expect(sizedFor(t, 1)).toBe(t);
  });

  it('gives 3 replicas and min.insync.replicas=2 to every topic from 3 brokers on', () => {
    for (const brokers of [3, 5]) {
      for (const t of all) {
        const s = sizedFor(t, brokers);
        expect(s.replicationFactor).toBe(3);
        expect(s.config['min.insync.replicas']).toBe(String(CLUSTER_MIN_INSYNC));
        expect(s.partitions).toBe(t.partitions);
        // the rest of the topic's config (retention, compaction) is kept
        for (const [k, v] of Object.entries(t.config)) if (k !== 'min.insync.replicas') expect(s.config[k]).toBe(v);
      }
    }
    expect(sizedFor(new Topics().spec('conversationEvents'), 3).config['retention.ms']).toBe('-1');
  });

  it('replicates on 2 brokers without requiring both in sync', () => {
    const s = sizedFor(new Topics().spec('enrichedEvents'), 2);
    expect(s.replicationFactor).toBe(2);
    expect(s.config['min.insync.replicas']).toBe('1');
  });
});
