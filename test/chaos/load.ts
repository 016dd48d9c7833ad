import type { CanonicalEvent } from '../../services/ingest/canonical.ts';

/**
 * The load client: posts batches of events with known ids to POST /v1/events and keeps the ledger
 * of every event the API acknowledged (2xx). Like a careful client it resends the same batch on 503
 * (waiting the Retry-After it was given) and on connection errors (ingest killed, backoff), until
 * a deadline; 4xx is final. Its ledger is what the end of the run checks the tables against.
 */
export interface ClientStats {
  requests: number;
  retried503: number;
  retriedNetwork: number;
  other5xx: number;
  refused: number;
  gaveUp: number;
}

export interface AckingClientOptions {
  url: string;
  /** brand -> API key */
  keys: ReadonlyMap<string, string>;
  /** Stop resending after this instant (epoch ms). */
  deadline: number;
  requestTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retry-After in ms (delta-seconds form, which ingest sends), or undefined. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header || !/^\d+(\.\d+)?$/.test(header.trim())) return undefined;
  return Math.round(Number(header.trim()) * 1000);
}

/** Connection errors: 250 ms doubling up to 5 s, jittered ±25%. */
export function networkBackoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.min(250 * 2 ** Math.min(attempt, 10), 5_000) * (0.75 + random() * 0.5);
}

export class AckingClient {
  readonly acked = new Set<string>();
  /** When each 2xx arrived (for recovery times after ingest and broker faults). */
  readonly ackTimes: number[] = [];
  readonly stats: ClientStats = { requests: 0, retried503: 0, retriedNetwork: 0, other5xx: 0, refused: 0, gaveUp: 0 };
  private readonly endpoint: string;

  constructor(private readonly o: AckingClientOptions) {
    this.endpoint = new URL('/v1/events', o.url).toString();
  }

  /** One request, no resend: the status (or 'network'), and the body. */
  async postOnce(
    brand: string,
    body: string,
  ): Promise<{ status: number | 'network'; text: string; retryAfter?: number }> {
    const key = this.o.keys.get(brand);
    if (!key) throw new Error(`no API key for brand ${brand}`);
    this.stats.requests++;
    try {
      const res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body,
        signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 30_000),
      });
      const text = await res.text();
      return { status: res.status, text, retryAfter: retryAfterMs(res.headers.get('retry-after')) };
    } catch {
      return { status: 'network', text: '' };
    }
  }

  /** Sends one brand's batch until it is acknowledged or refused; true when acknowledged. */
  async send(events: readonly CanonicalEvent[]): Promise<boolean> {
    const brand = events[0]!.brand;
    const body = JSON.stringify(events);
    for (let attempt = 0; ; attempt++) {
      const r = await this.postOnce(brand, body);
      if (typeof r.status === 'number' && r.status >= 200 && r.status < 300) {
        for (const e of events) this.acked.add(e.event_id!);
        this.ackTimes.push(Date.now());
        return true;
      }
      if (typeof r.status === 'number' && r.status >= 400 && r.status < 500) {
        this.stats.refused++;
        return false;
      }
      let wait: number;
      if (r.status === 503) {
        this.stats.retried503++;
        wait = r.retryAfter ?? networkBackoffMs(attempt);
      } else {
        if (r.status === 'network') this.stats.retriedNetwork++;
        else this.stats.other5xx++;
        wait = networkBackoffMs(attempt);
      }
      if (Date.now() + wait > this.o.deadline) {
        this.stats.gaveUp++;
        return false;
      }
      await sleep(wait);
    }
  }

  /** The first acknowledgement at or after `t`, or null. */
  firstAckAfter(t: number): number | null {
    for (const a of this.ackTimes) if (a >= t) return a;
    return null;
  }
}

/** Splits events into batches of one brand each, keeping their order within a brand. */
export function batchesOf(events: readonly CanonicalEvent[], size: number): CanonicalEvent[][] {
  const open = new Map<string, CanonicalEvent[]>();
  const out: CanonicalEvent[][] = [];
  for (const e of events) {
    let b = open.get(e.brand);
    if (!b) open.set(e.brand, (b = []));
    b.push(e);
    if (b.length >= size) {
      out.push(b);
      open.set(e.brand, []);
    }
  }
  for (const b of open.values()) if (b.length > 0) out.push(b);
  return out;
}

/**
 * Sends the batches paced to `eventsPerS` (batch i is due when i batches' worth of time has
 * passed), `concurrency` in flight; a batch held up by retries delays only its worker.
 */
export async function paced(
  client: AckingClient,
  batches: readonly CanonicalEvent[][],
  eventsPerS: number,
  concurrency: number,
): Promise<void> {
  const t0 = Date.now();
  let next = 0;
  let due = 0;
  const dueAt = batches.map((b) => {
    const at = t0 + (due / eventsPerS) * 1000;
    due += b.length;
    return at;
  });
  const worker = async () => {
    while (next < batches.length) {
      const i = next++;
      const wait = dueAt[i]! - Date.now();
      if (wait > 0) await sleep(wait);
      await client.send(batches[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
}
