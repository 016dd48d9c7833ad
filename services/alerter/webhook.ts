import { DependencyError } from '../shared/errors.ts';
import { parseRetryAfter, withRetry } from '../shared/retry.ts';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { describeAlert, type AlertEvent } from './alert.ts';

/**
 * Webhook delivery of alert events: a generic JSON body or a Slack-compatible one, signed with
 * HMAC-SHA256 over `${timestamp}.${body}` (Stripe/Slack style, so a captured request cannot be
 * replayed later: receivers reject timestamps older than a few minutes), retried with exponential
 * backoff and jitter on network errors, 408, 429 (honouring Retry-After) and 5xx. Every request
 * carries the same idempotency key for the same alert event (`<alert_id>:<kind>`), across retries
 * and restarts.
 */
export type WebhookFormat = 'json' | 'slack';

export interface WebhookEndpoint {
  format: WebhookFormat;
  url: string;
  /** Stable name for logs and the delivery log: never the URL (Slack URLs are secrets). */
  name: string;
}

export const SIGNATURE_HEADER = 'x-brandpulse-signature';
export const TIMESTAMP_HEADER = 'x-brandpulse-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `ALERT_WEBHOOK_URLS`: comma-separated `url` or `format=url` (format json|slack, default json). */
export function parseEndpoints(entries: readonly string[]): WebhookEndpoint[] {
  return entries.map((entry) => {
    const m = /^(json|slack)=(.+)$/.exec(entry);
    const format = (m?.[1] ?? 'json') as WebhookFormat;
    const url = new URL(m?.[2] ?? entry).toString();
    return { format, url, name: `${format}:${createHash('sha256').update(url).digest('hex').slice(0, 12)}` };
  });
}

export function idempotencyKey(a: Pick<AlertEvent, 'alert_id' | 'kind'>): string {
  return `${a.alert_id}:${a.kind}`;
}

export function jsonPayload(a: AlertEvent): unknown {
  return {
    type: `brandpulse.alert.${a.kind}`,
    idempotency_key: idempotencyKey(a),
    summary: describeAlert(a),
    alert: a,
  };
}

export function slackPayload(a: AlertEvent): unknown {
  const summary = describeAlert(a);
  const blocks: unknown[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${a.kind === 'start' ? ':rotating_light:' : ':white_check_mark:'} ${summary}` },
    },
  ];
  if (a.samples.length > 0) {
    const quotes = a.samples
      .map((s) => `> ${s.text.replace(/\s+/g, ' ').slice(0, 280)}${s.url ? ` (<${s.url}|open>)` : ''}`)
      .join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Sample messages*\n${quotes}` } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `alert ${a.alert_id} · ${a.detector_version}` }] });
  return { text: summary, blocks };
}

export function signature(secret: string, timestampS: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`;
}

/** What a receiver does: recompute the signature, compare in constant time, reject stale timestamps. */
export function verifySignature(
  secret: string,
  headers: Record<string, string | undefined>,
  body: string,
  nowS: number,
  toleranceS = 300,
): boolean {
  const ts = Number(headers[TIMESTAMP_HEADER]);
  const given = headers[SIGNATURE_HEADER] ?? '';
  if (!Number.isFinite(ts) || Math.abs(nowS - ts) > toleranceS) return false;
  const expected = Buffer.from(signature(secret, ts, body));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 500, maxMs: 60_000 };

export function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export interface DeliveryResult {
  status: 'delivered' | 'failed';
  attempts: number;
  httpStatus: number;
  error?: string;
}

export interface DeliveryDeps {
  secret: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  nowMs?: () => number;
  random?: () => number;
  policy?: RetryPolicy;
  timeoutMs?: number;
}

/**
 * Delivers one alert to one endpoint with the shared retry helper (services/shared/retry.ts):
 * network errors, timeouts, 408/425/429 and 5xx are retried with capped jittered backoff, honouring
 * Retry-After; any other status fails at once. The same bytes on every attempt: only the timestamp
 * and its signature change.
 */
export async function deliver(
  endpoint: WebhookEndpoint,
  alert: AlertEvent,
  deps: DeliveryDeps,
): Promise<DeliveryResult> {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.nowMs ?? Date.now;
  const policy = deps.policy ?? DEFAULT_RETRY;
  const body = JSON.stringify(endpoint.format === 'slack' ? slackPayload(alert) : jsonPayload(alert));
  let attempts = 0;
  let httpStatus = 0;
  try {
    return await withRetry(
      async (attempt) => {
        attempts = attempt;
        const ts = Math.floor(now() / 1000);
        httpStatus = 0;
        const res = await doFetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [TIMESTAMP_HEADER]: String(ts),
            [SIGNATURE_HEADER]: signature(deps.secret, ts, body),
            [IDEMPOTENCY_HEADER]: idempotencyKey(alert),
            'user-agent': 'brandpulse-alerter',
          },
          body,
          signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
        });
        httpStatus = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { status: 'delivered', attempts: attempt, httpStatus } satisfies DeliveryResult;
        if (!isRetriableStatus(res.status))
          return {
            status: 'failed',
            attempts: attempt,
            httpStatus,
            error: `HTTP ${res.status}`,
          } satisfies DeliveryResult;
        throw new DependencyError(`HTTP ${res.status}`, {
          retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
        });
      },
      {
        maxAttempts: policy.maxAttempts,
        initialMs: policy.baseMs / 2,
        maxMs: policy.maxMs,
        ...(deps.random ? { random: deps.random } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      },
    );
  } catch (err) {
    return { status: 'failed', attempts, httpStatus, error: (err as Error).message };
  }
}
