import type { Kafka, Producer, ProducerConfig } from 'kafkajs';

/**
 * An idempotent kafkajs producer that never reuses a sequence number after a failed send.
 *
 * kafkajs rolls a partition's sequence back when a produce request fails (src/producer/sendMessages.js
 * `updateSequence(-n)`). When the broker had in fact appended that batch (the leader died after the
 * write, the response was lost, a request timed out), the next batch goes out with the same sequence
 * numbers: the broker answers OUT_OF_ORDER_SEQUENCE_NUMBER, or, when the batch's first and last
 * sequence equal the appended one's, takes it for a retry of that batch and acknowledges it without
 * writing it. That is an acknowledged event lost: the scale broker-kill run (test/e2e/scale/run.ts)
 * saw 13 of 18,500 acknowledged events missing from the raw topic, next to 141 sends refused with
 * OUT_OF_ORDER_SEQUENCE_NUMBER, after SIGKILLs of brokers under load.
 *
 * So after any failed send this producer is retired and the next send goes through a new one: a new
 * producer id whose sequences start at 0, which the broker cannot confuse with anything it holds. A
 * retired producer is disconnected once its sends in flight settle. Only what the services use is
 * wrapped (connect, disconnect, send, sendBatch, on); everything else goes to the current producer.
 */
export function freshProducer(kafka: Kafka, config: ProducerConfig): Producer {
  const make = () => ({
    producer: kafka.producer(config),
    inflight: 0,
    retired: false,
    connected: null as Promise<void> | null,
  });
  type Slot = ReturnType<typeof make>;
  let current: Slot = make();
  let wantConnected = false;
  const listeners: Array<[string, (...args: never[]) => void]> = [];
  const retiring = new Set<Slot>();

  const connect = (slot: Slot): Promise<void> => {
    slot.connected ??= slot.producer.connect().catch((err: unknown) => {
      slot.connected = null;
      throw err;
    });
    return slot.connected;
  };
  const settle = (slot: Slot) => {
    if (slot.retired && slot.inflight === 0 && retiring.delete(slot))
      void slot.producer.disconnect().catch(() => undefined);
  };
  const retire = (slot: Slot) => {
    if (slot.retired) return;
    slot.retired = true;
    retiring.add(slot);
    if (current === slot) {
      current = make();
      for (const [event, listener] of listeners) current.producer.on(event as never, listener as never);
    }
    settle(slot);
  };
  const through =
    <A extends unknown[], R>(call: (p: Producer, ...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const slot = current;
      if (wantConnected) await connect(slot);
      slot.inflight++;
      try {
        return await call(slot.producer, ...args);
      } catch (err) {
        retire(slot);
        throw err;
      } finally {
        slot.inflight--;
        settle(slot);
      }
    };

  const wrapped: Partial<Producer> = {
    connect: async () => {
      wantConnected = true;
      await connect(current);
    },
    disconnect: async () => {
      wantConnected = false;
      const all = [current, ...retiring];
      retiring.clear();
      await Promise.all(all.map((s) => s.producer.disconnect()));
      current.connected = null;
    },
    send: through((p, record: Parameters<Producer['send']>[0]) => p.send(record)),
    sendBatch: through((p, batch: Parameters<Producer['sendBatch']>[0]) => p.sendBatch(batch)),
    on: ((event: string, listener: (...args: never[]) => void) => {
      listeners.push([event, listener]);
      const removes = [current.producer.on(event as never, listener as never)];
      return () => {
        const i = listeners.findIndex(([e, l]) => e === event && l === listener);
        if (i >= 0) listeners.splice(i, 1);
        for (const r of removes) r();
      };
    }) as Producer['on'],
  };
  return new Proxy(wrapped as Producer, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver) as unknown;
      const value = Reflect.get(current.producer, prop) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current.producer) : value;
    },
  });
}
