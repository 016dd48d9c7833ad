import type { CanonicalEvent } from '../ingest/canonical.ts';
import type { Intake } from '../ingest/intake.ts';
import { DependencyError, FatalError } from '../shared/errors.ts';
import { parseRetryAfter, withRetry, type RetryOptions } from '../shared/retry.ts';

export interface Numbered {
  line: number;
  event: CanonicalEvent;
}

export interface SinkResult {
  /** Lines the destination refused, with its reason; every other line of the batch is acknowledged. */
  rejected: Array<{ line: number; reason: string }>;
}

/** Where an import sends its batches. `send` resolves only once the batch is acknowledged. */
export interface ImportSink {
  send(batch: Numbered[]): Promise<SinkResult>;
  close(): Promise<void>;
}

/** A fatal, non-retriable problem (bad API key, wrong URL): the import stops, checkpoint intact. */
export class ImportAborted extends FatalError {}

export interface RetryPolicy {
  /** Give up after this long without an acknowledgement. */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The import's use of the shared retry helper: waits up to 30 s each, gives up after maxWaitMs in all. */
function retryOptions(policy: RetryPolicy, onWait: (reason: string, ms: number) => void): RetryOptions {
  return {
    initialMs: 500,
    maxMs: 30_000,
    maxElapsedMs: policy.maxWaitMs,
    ...(policy.sleep ? { sleep: policy.sleep } : {}),
    onRetry: (err, _attempt, waitMs) => onWait((err as Error).message, waitMs),
  };
}

function giveUp(err: unknown): never {
  if (err instanceof ImportAborted) throw err;
  throw new Error(`gave up: ${(err as Error).message}`, { cause: err });
}

/** Sends through the ingestion API (POST /v1/events as NDJSON), retrying 503s as told by Retry-After. */
export class HttpSink implements ImportSink {
  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly retry: RetryPolicy = { maxWaitMs: 300_000 },
    private readonly onWait: (reason: string, ms: number) => void = () => undefined,
  ) {}

  async send(batch: Numbered[]): Promise<SinkResult> {
    // 503s (Retry-After honoured) and network errors wait and retry through the shared helper.
    const answer = await withRetry(async () => {
      let res: Response;
      try {
        res = await fetch(`${this.url.replace(/\/$/, '')}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/x-ndjson' },
          body: batch.map((b) => JSON.stringify(b.event)).join('\n'),
        });
      } catch (err) {
        throw new DependencyError(`cannot reach ${this.url}: ${(err as Error).message}`, { cause: err });
      }
      const body = (await res.json().catch(() => ({}))) as {
        message?: string;
        issues?: Array<{ index: number; path: string; message: string }>;
      };
      if (res.status === 503)
        throw new DependencyError(body.message ?? 'service unavailable', {
          retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
        });
      return { status: res.status, body };
    }, this.retryOptions()).catch(giveUp);
    const { status, body } = answer;
    if (status === 202) return { rejected: [] };
    if (status === 400 || status === 403) {
      // The whole batch was refused because of some events: reject those, resend the rest.
      const byIndex = new Map<number, string[]>();
      for (const i of body.issues ?? [])
        byIndex.set(i.index, [...(byIndex.get(i.index) ?? []), `${i.path || '(event)'}: ${i.message}`]);
      if (byIndex.size === 0) throw new ImportAborted(`ingestion API answered ${status}: ${body.message ?? ''}`);
      const rejected = [...byIndex].map(([index, reasons]) => ({
        line: batch[index]!.line,
        reason: reasons.join('; '),
      }));
      const rest = batch.filter((_, index) => !byIndex.has(index));
      const again = rest.length > 0 ? await this.send(rest) : { rejected: [] };
      return { rejected: [...rejected, ...again.rejected] };
    }
    if (status === 413 && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      const a = await this.send(batch.slice(0, half));
      const b = await this.send(batch.slice(half));
      return { rejected: [...a.rejected, ...b.rejected] };
    }
    throw new ImportAborted(`ingestion API answered ${status}: ${body.message ?? ''}`);
  }

  private retryOptions(): RetryOptions {
    return retryOptions(this.retry, this.onWait);
  }

  async close(): Promise<void> {}
}

/** Publishes straight to Kafka through the ingestion core (same pseudonymization and contract). */
export class DirectSink implements ImportSink {
  constructor(
    private readonly intake: Intake,
    private readonly closeFn: () => Promise<void>,
    private readonly retry: RetryPolicy = { maxWaitMs: 300_000 },
    private readonly onWait: (reason: string, ms: number) => void = () => undefined,
  ) {}

  async send(batch: Numbered[]): Promise<SinkResult> {
    const bytes = batch.reduce((n, b) => n + JSON.stringify(b.event).length, 0);
    await withRetry(
      async () => {
        const outcome = await this.intake.accept(
          batch.map((b) => b.event),
          'import',
          bytes,
        );
        if (outcome.kind !== 'accepted')
          throw new DependencyError(outcome.kind === 'overloaded' ? 'too much in flight' : outcome.reason);
      },
      retryOptions(this.retry, this.onWait),
    ).catch(giveUp);
    return { rejected: [] };
  }

  async close(): Promise<void> {
    await this.closeFn();
  }
}
