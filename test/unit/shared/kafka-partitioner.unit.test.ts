import { describe, expect, it } from 'vitest';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { rememberingPartitioner } from '../../../services/shared/kafka.ts';

const metadata = (n: number): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));

/** The durable producer's partitioner remembers partitions; it must never pick another one than kafkajs' default. */
describe('remembering partitioner', () => {
  it('picks the default partitioner’s partition for every key, the first time and when remembered', () => {
    const remembering = rememberingPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (const round of [1, 2]) {
      for (let i = 0; i < 2000; i++) {
        const args = { topic: 't', partitionMetadata: metadata(6), message: { key: `thread-${i}`, value: 'v' } };
        expect(remembering(args), `round ${round}, key ${i}`).toBe(reference(args));
      }
    }
  });

  it('follows a change of the partition count, an explicit partition and Buffer keys', () => {
    const remembering = rememberingPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    const at = (n: number, message: PartitionerArgs['message']) => ({
      topic: 't',
      partitionMetadata: metadata(n),
      message,
    });
    const moved = Array.from({ length: 50 }, (_, i) => `k-${i}`).find(
      (k) => reference(at(6, { key: k, value: null })) !== reference(at(12, { key: k, value: null })),
    )!;
    expect(remembering(at(6, { key: moved, value: null }))).toBe(reference(at(6, { key: moved, value: null })));
    expect(remembering(at(12, { key: moved, value: null }))).toBe(reference(at(12, { key: moved, value: null })));
    expect(remembering(at(6, { key: moved, value: null, partition: 5 }))).toBe(5);
    const buffer = Buffer.from('thread-b');
    expect(remembering(at(6, { key: buffer, value: null }))).toBe(reference(at(6, { key: buffer, value: null })));
  });
});
