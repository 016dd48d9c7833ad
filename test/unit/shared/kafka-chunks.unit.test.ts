import { describe, expect, it } from 'vitest';
import { chunkMessages, messageBytes } from '../../../services/shared/kafka.ts';

const msg = (n: number, size: number) => ({ key: `k${n}`, value: Buffer.alloc(size), headers: { n: String(n) } });

describe('chunkMessages', () => {
  it('keeps order and puts as many messages in a request as fit under the limit', () => {
    const messages = Array.from({ length: 10 }, (_, n) => msg(n, 100));
    const size = messageBytes(messages[0]!);
    const chunks = chunkMessages(messages, size * 4);
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 2]);
    expect(chunks.flat()).toEqual(messages);
  });

  it('sends a message over the limit on its own instead of dropping it', () => {
    const chunks = chunkMessages([msg(0, 10), msg(1, 5000), msg(2, 10)], 1000);
    expect(chunks.map((c) => c.map((m) => m.key))).toEqual([['k0'], ['k1'], ['k2']]);
  });

  it('nothing to send, no request', () => {
    expect(chunkMessages([], 1000)).toEqual([]);
  });
});
