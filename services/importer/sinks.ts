import type { CanonicalEvent } from '../ingest/canonical.ts';
import type { Intake } from '../ingest/intake.ts';

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
export class ImportAborted extends Error {
  readonly retriable = false;
}

export interface RetryPolicy {
  /** Give up after this long without an acknowledgement. */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sends through the ingestion API (POST /v1/events as NDJSON), retrying 503s as told by Retry-After. */
export class HttpSink implements ImportSink {
  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly retry: RetryPolicy = { maxWaitMs: 300_000 },
    private readonly onWait: (reason: string, ms: number) => void = () => undefined,
  ) {}

  async send(batch: Numbered[]): Promise<SinkResult> {
    const started = Date.now();
    const sleep = this.retry.sleep ?? defaultSleep;
    let attempt = 0;
    for (;;) {
      let res: Response | null = null;
      let failure: string;
      try {
        res = await fetch(`${this.url.replace(/\/$/, '')}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/x-ndjson' },
          body: batch.map((b) => JSON.stringify(b.event)).join('\n'),
        });
      } catch (err) {
        failure = `cannot reach ${this.url}: ${(err as Error).message}`;
      }
      if (res) {
        const body = (await res.json().catch(() => ({}))) as { message?: string; issues?: Array<{ index: number; path: string; message: string }> };
        if (res.status === 202) return { rejected: [] };
        if (res.status === 400 || res.status === 403) {
          // The whole batch was refused because of some events: reject those, resend the rest.
          const byIndex = new Map<number, string[]>();
          for (const i of body.issues ?? []) byIndex.set(i.index, [...(byIndex.get(i.index) ?? []), `${i.path || '(event)'}: ${i.message}`]);
          if (byIndex.size === 0) throw new ImportAborted(`ingestion API answered ${res.status}: ${body.message ?? ''}`);
          const rejected = [...byIndex].map(([index, reasons]) => ({ line: batch[index]!.line, reason: reasons.join('; ') }));
          const rest = batch.filter((_, index) => !byIndex.has(index));
          const again = rest.length > 0 ? await this.send(rest) : { rejected: [] };
          return { rejected: [...rejected, ...again.rejected] };
        }
        if (res.status === 413 && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          const a = await this.send(batch.slice(0, half));
          const b = await this.send(batch.slice(half));
          return { rejected: [...a.rejected, ...b.rejected] };
        }
        if (res.status !== 503) throw new ImportAborted(`ingestion API answered ${res.status}: ${body.message ?? ''}`);
        failure = body.message ?? 'service unavailable';
      }
      const retryAfter = Number(res?.headers.get('retry-after'));
      const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(30_000, 500 * 2 ** attempt);
      if (Date.now() - started + wait > this.retry.maxWaitMs) throw new Error(`gave up after ${Math.round((Date.now() - started) / 1000)} s: ${failure!}`);
      this.onWait(failure!, wait);
      await sleep(wait);
      attempt++;
    }
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
    const started = Date.now();
    const sleep = this.retry.sleep ?? defaultSleep;
    const bytes = batch.reduce((n, b) => n + JSON.stringify(b.event).length, 0);
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.intake.accept(batch.map((b) => b.event), 'import', bytes);
      if (outcome.kind === 'accepted') return { rejected: [] };
      const reason = outcome.kind === 'overloaded' ? 'too much in flight' : outcome.reason;
      const wait = Math.min(30_000, 500 * 2 ** attempt);
      if (Date.now() - started + wait > this.retry.maxWaitMs) throw new Error(`gave up after ${Math.round((Date.now() - started) / 1000)} s: ${reason}`);
      this.onWait(reason, wait);
      await sleep(wait);
    }
  }

  async close(): Promise<void> {
    await this.closeFn();
  }
}
