/**
 * Collects records from every partition handler into inserts of up to `maxRows`, and flushes a
 * partial batch after `maxWaitMs` so latency stays bounded when traffic is low. Each `add` resolves
 * once the flush holding its records succeeded (only then may the caller commit its offsets), and
 * rejects if that flush failed for good. Flushes run one at a time, so a partition's records are
 * written in the order they were added.
 */
export interface BatcherOptions {
  maxRows: number;
  maxWaitMs: number;
}

interface Pending<T> {
  items: T[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class Batcher<T> {
  private pending: Pending<T>[] = [];
  private pendingRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: BatcherOptions, private readonly flushFn: (items: T[]) => Promise<void>) {
    if (options.maxRows < 1 || options.maxWaitMs < 0) throw new Error('maxRows must be >= 1 and maxWaitMs >= 0');
  }

  /** Adds items (split into chunks of at most maxRows); resolves when all of them are flushed. */
  add(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const parts: Promise<void>[] = [];
    for (let i = 0; i < items.length; i += this.options.maxRows) {
      const chunk = items.slice(i, i + this.options.maxRows);
      if (this.pendingRows + chunk.length > this.options.maxRows) this.flushNow();
      parts.push(new Promise<void>((resolve, reject) => this.pending.push({ items: chunk, resolve, reject })));
      this.pendingRows += chunk.length;
      if (this.pendingRows >= this.options.maxRows) this.flushNow();
      else if (!this.timer) this.timer = setTimeout(() => this.flushNow(), this.options.maxWaitMs);
    }
    return Promise.all(parts).then(() => undefined);
  }

  /** Rows waiting for the next flush. */
  get size(): number {
    return this.pendingRows;
  }

  /** Flushes what is pending now (e.g. on shutdown); resolves when every flush so far is done. */
  async drain(): Promise<void> {
    this.flushNow();
    await this.chain.catch(() => undefined);
  }

  private flushNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const group = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    this.chain = this.chain.then(async () => {
      try {
        await this.flushFn(group.flatMap((p) => p.items));
        for (const p of group) p.resolve();
      } catch (err) {
        for (const p of group) p.reject(err);
      }
    });
  }
}
