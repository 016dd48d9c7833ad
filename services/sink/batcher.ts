/**
 * Collects records from every partition handler into inserts of up to `maxRows` (group commit).
 * Each `add` resolves once the flush holding its records succeeded (only then may the caller commit
 * its offsets), and rejects if that flush failed for good. Flushes run one at a time, so a
 * partition's records are written in the order they were added.
 *
 * When to flush: a full batch at once; a partial one when its oldest records have waited
 * `maxWaitMs` (bounded freshness at low traffic). While a flush is in flight nothing new is cut:
 * what arrives meanwhile goes into the next flush, which starts as soon as the current one ends if
 * it is full or already old enough. So batches grow with the load by themselves: under heavy
 * traffic ClickHouse gets few large inserts (its cost per insert is fixed and high: one part per
 * table and materialized view), under light traffic records wait at most `maxWaitMs` plus one flush.
 */
export interface BatcherOptions {
  maxRows: number;
  maxWaitMs: number;
}

interface Pending<T> {
  items: T[];
  /** When the add came (ms). */
  at: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class Batcher<T> {
  private pending: Pending<T>[] = [];
  private pendingRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly options: BatcherOptions,
    private readonly flushFn: (items: T[]) => Promise<void>,
  ) {
    if (options.maxRows < 1 || options.maxWaitMs < 0) throw new Error('maxRows must be >= 1 and maxWaitMs >= 0');
  }

  /** Adds items (split into chunks of at most maxRows); resolves when all of them are flushed. */
  add(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const parts: Promise<void>[] = [];
    for (let i = 0; i < items.length; i += this.options.maxRows) {
      const chunk = items.slice(i, i + this.options.maxRows);
      const at = Date.now();
      parts.push(new Promise<void>((resolve, reject) => this.pending.push({ items: chunk, at, resolve, reject })));
      this.pendingRows += chunk.length;
    }
    this.schedule();
    return Promise.all(parts).then(() => undefined);
  }

  /** Rows waiting for the next flush. */
  get size(): number {
    return this.pendingRows;
  }

  /** Flushes everything pending (e.g. on shutdown); resolves when every flush so far is done. */
  async drain(): Promise<void> {
    for (;;) {
      if (this.inFlight) await this.inFlight;
      else if (this.pending.length > 0) this.startFlush();
      else return;
    }
  }

  /** Starts a flush if one is due and none is in flight; otherwise arms the wait timer. */
  private schedule(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const waited = Date.now() - this.pending[0]!.at;
    if (this.pendingRows >= this.options.maxRows || waited >= this.options.maxWaitMs) {
      this.startFlush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, this.options.maxWaitMs - waited);
  }

  /** Takes whole adds from the front, up to maxRows (an add is never split across flushes). */
  private startFlush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const group: Pending<T>[] = [];
    let rows = 0;
    while (
      this.pending.length > 0 &&
      (group.length === 0 || rows + this.pending[0]!.items.length <= this.options.maxRows)
    ) {
      const p = this.pending.shift()!;
      group.push(p);
      rows += p.items.length;
    }
    this.pendingRows -= rows;
    this.inFlight = (async () => {
      try {
        await this.flushFn(group.flatMap((p) => p.items));
        for (const p of group) p.resolve();
      } catch (err) {
        for (const p of group) p.reject(err);
      } finally {
        this.inFlight = null;
        this.schedule();
      }
    })();
  }
}
