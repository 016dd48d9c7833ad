import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { approxRecordBytes, ENTRY_BYTES } from '../../../services/shared/approx-bytes.ts';
import { emptyState, type MessageState } from '../../../services/sink/message-state.ts';
import type { ThreadEvent } from '../../../services/threads/thread-event.ts';

/**
 * The sink's caches are bounded by approxRecordBytes: it must not undercount what the records take
 * on the heap (else the cache outgrows its budget), nor overcount wildly (else it remembers little).
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes per item that `build` keeps alive, measured with full GCs around it. */
function measured<T>(n: number, build: (i: number) => T): { perItem: number; items: T[] } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const items: T[] = [];
  for (let i = 0; i < n; i++) items.push(build(i));
  gc();
  return { perItem: (process.memoryUsage().heapUsed - before) / n, items };
}

function state(i: number, j: number): MessageState {
  const s = { ...emptyState('acme', 'x', 'acme-x', `sim-acme-t${i}`, `sim-acme-t${i}-m${j}`) };
  s.text = `my order ${i} never arrived, this is the ${j}th time I write about it`;
  s.author_id = `${i.toString(16).padStart(8, '0')}abcdef0123456789abcdef01`;
  s.posted_event_id = `sim-acme-t${i}-e${j}`;
  s.sentiment_score = 0.25 + i / 1e6;
  return s;
}

function event(i: number, j: number): ThreadEvent {
  return {
    brand: 'acme',
    platform: 'x',
    account_id: 'acme-x',
    thread_id: `sim-acme-t${i}`,
    event_id: `sim-acme-t${i}-e${j}`,
    event_time: 1.7e12 + i,
    enriched_time: 1.7e12 + i + 5,
    kind: 'posted',
    message_id: `sim-acme-t${i}-m${j}`,
    role: 'customer',
    action: '',
    priority: '',
    agent_id: '',
    has_enrichment: true,
    needs_reply: true,
    intent: 'order',
    language: 'en',
    sentiment_score: -0.5 - i / 1e7,
    sentiment_label: 'negative',
    relabel_sentiment: '',
    relabel_intent: '',
  };
}

describe('approxRecordBytes', () => {
  it('counts a conversation of message states at 1x to 2x its measured heap', () => {
    let estimate = 0;
    const { perItem, items } = measured(10_000, (i) => {
      const m = new Map<string, MessageState>();
      for (let j = 0; j < 3; j++) {
        const s = state(i, j);
        const key = `acme\u0000${s.thread_id}\u0000${s.message_id}`;
        m.set(key, s);
        estimate += ENTRY_BYTES + 2 * key.length + approxRecordBytes(s);
      }
      return m;
    });
    expect(items).toHaveLength(10_000);
    expect(estimate / 10_000).toBeGreaterThanOrEqual(perItem);
    expect(estimate / 10_000).toBeLessThanOrEqual(2 * perItem);
  });

  it('counts a thread of events at 1x to 2x its measured heap', () => {
    let estimate = 0;
    const { perItem, items } = measured(10_000, (i) => {
      const list = Array.from({ length: 4 }, (_, j) => event(i, j));
      for (const e of list) estimate += ENTRY_BYTES + approxRecordBytes(e);
      return list;
    });
    expect(items).toHaveLength(10_000);
    expect(estimate / 10_000).toBeGreaterThanOrEqual(perItem);
    expect(estimate / 10_000).toBeLessThanOrEqual(2 * perItem);
  });
});
