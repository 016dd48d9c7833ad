import type { CanonicalEvent } from '../ingest/canonical.ts';
import type { Logger } from '../shared/logger.ts';
import { DependencyError, FatalError } from '../shared/errors.ts';
import { parseRetryAfter, withRetry } from '../shared/retry.ts';

/**
 * Posts events to the ingestion API (`POST /v1/events`) in batches, one brand per request (each
 * brand has its own key), a few requests in flight. It honours 503 + Retry-After (resending the
 * same events: their ids make duplicates harmless), backs off on network errors, halves a batch
 * that is too large (413), and counts events the API refused (400) instead of retrying them.
 */
export interface SenderOptions {
  url: string;
  keys: ReadonlyMap<string, string>;
  logger: Logger;
  batchSize?: number;
  concurrency?: number;
  /** Give up on a batch after this long of retrying (ms); default: never. */
  retryForMs?: number;
  fetch?: typeof fetch;
}

export interface SenderStats {
  accepted: number;
  rejected: number;
  requests: number;
  retries: number;
}

/** A refusal no retry can fix (no key, wrong key): the simulator stops with it. */
export class FatalSendError extends FatalError {}

export class IngestSender {
  readonly stats: SenderStats = { accepted: 0, rejected: 0, requests: 0, retries: 0 };
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly fetch: typeof fetch;
  private readonly endpoint: string;
  private stopped = false;

  constructor(private readonly options: SenderOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.concurrency = options.concurrency ?? 4;
    this.fetch = options.fetch ?? fetch;
    this.endpoint = new URL('/v1/events', options.url).toString();
  }

  /** Stops retrying (pending retries give up at their next attempt). */
  stop(): void {
    this.stopped = true;
  }

  /** Sends every event; resolves when each batch was accepted or refused. */
  async send(events: readonly CanonicalEvent[]): Promise<void> {
    const byBrand = new Map<string, CanonicalEvent[]>();
    for (const e of events) {
      let list = byBrand.get(e.brand);
      if (!list) byBrand.set(e.brand, (list = []));
      list.push(e);
    }
    const batches: CanonicalEvent[][] = [];
    for (const list of byBrand.values())
      for (let i = 0; i < list.length; i += this.batchSize) batches.push(list.slice(i, i + this.batchSize));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await this.post(batches[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
  }

  private async post(batch: CanonicalEvent[]): Promise<void> {
    const brand = batch[0]!.brand;
    const key = this.options.keys.get(brand);
    if (!key) throw new FatalSendError(`no API key for brand "${brand}": add ${brand}:<key> to INGEST_API_KEYS`);
    const body = JSON.stringify(batch);
    // 503/5xx and network errors are retried by the shared helper (Retry-After honoured); the same
    // events are resent, their ids make duplicates harmless.
    const outcome = await withRetry(
      async () => {
        this.stats.requests++;
        const res = await this.fetch(this.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body,
        });
        if (res.status === 202 || res.status === 200) {
          await res.body?.cancel();
          return 'accepted' as const;
        }
        const text = await res.text();
        if (res.status === 400) {
          this.options.logger.error(
            { status: 400, body: text.slice(0, 2000) },
            'the API refused a batch (a simulator bug): dropped',
          );
          return 'refused' as const;
        }
        if (res.status === 413 && batch.length > 1) return 'too-large' as const;
        if (res.status === 408 || res.status === 429 || res.status >= 500)
          throw new DependencyError(`ingestion API answered ${res.status}`, {
            retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
          });
        throw new FatalSendError(`API answered ${res.status} for brand ${brand}: ${text.slice(0, 300)}`);
      },
      {
        stopped: () => this.stopped,
        ...(this.options.retryForMs !== undefined ? { maxElapsedMs: this.options.retryForMs } : {}),
        onRetry: (err, _attempt, waitMs, reason) => {
          this.stats.retries++;
          this.options.logger.warn(
            { err: (err as Error).message, reason, waitMs },
            'ingestion API busy or unreachable, retrying the batch',
          );
        },
      },
    ).catch((err: unknown) => {
      if (err instanceof FatalSendError) throw err;
      if (this.stopped) return 'stopped' as const; // stop() gives up on pending retries quietly
      throw new Error(`gave up on a batch of ${batch.length} events: ${(err as Error).message}`, { cause: err });
    });
    if (outcome === 'accepted') this.stats.accepted += batch.length;
    else if (outcome === 'refused') this.stats.rejected += batch.length;
    else if (outcome === 'too-large') {
      const half = Math.ceil(batch.length / 2);
      await this.post(batch.slice(0, half));
      await this.post(batch.slice(half));
    }
  }
}
