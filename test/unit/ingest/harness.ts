import { buildApp } from '../../../services/ingest/app.ts';
import { ApiKeys } from '../../../services/ingest/auth.ts';
import type { CanonicalEvent } from '../../../services/ingest/canonical.ts';
import { InflightBudget, Intake } from '../../../services/ingest/intake.ts';
import { MemoryPublisher } from '../../support/memory-publisher.ts';
import { IngestMetrics } from '../../../services/ingest/metrics.ts';
import { hmacPseudonymizer } from '../../../services/ingest/pseudonym.ts';

export const PSEUDONYM_KEY = 'unit-test-pseudonym-key';
export const META_SECRET = 'meta-app-secret';

/** The ingestion app around an in-memory publisher: the core driven without I/O. */
export function harness(
  opts: { maxInflightEvents?: number; sendTimeoutMs?: number; maxBodyBytes?: number; maxBatchEvents?: number } = {},
) {
  const publisher = new MemoryPublisher();
  const metrics = new IngestMetrics();
  const budget = new InflightBudget(opts.maxInflightEvents ?? 1000, 10 * 1024 * 1024);
  const intake = new Intake({
    publisher,
    budget,
    pseudonymize: hmacPseudonymizer(PSEUDONYM_KEY),
    sendTimeoutMs: opts.sendTimeoutMs ?? 1_000,
    metrics,
    now: () => 1_714_557_600_500,
  });
  const app = buildApp({
    intake,
    publisher,
    apiKeys: new ApiKeys(
      new Map([
        ['key-acme-123', 'acme'],
        ['key-globex-123', 'globex'],
      ]),
    ),
    metrics,
    maxBodyBytes: opts.maxBodyBytes ?? 1024 * 1024,
    maxBatchEvents: opts.maxBatchEvents ?? 500,
    retryAfterSeconds: 7,
    meta: {
      appSecret: META_SECRET,
      verifyToken: 'verify-me',
      accounts: new Map([
        ['1111', 'acme'],
        ['17841400000000001', 'acme'],
        ['106540352242922', 'acme'],
      ]),
    },
  });
  return { app, publisher, budget, metrics };
}

export const ACME = { authorization: 'Bearer key-acme-123' };

export function posted(overrides: Partial<Record<string, unknown>> = {}): CanonicalEvent {
  return {
    type: 'message_posted',
    event_time: '2024-05-01T10:00:00Z',
    brand: 'acme',
    platform: 'instagram',
    account_id: 'acct-1',
    post_id: 'post-1',
    thread_id: 'thread-1',
    message_id: 'm-1',
    author_platform_id: 'raw-user-42',
    text: 'Where is my order?',
    language_hint: 'en',
    ...overrides,
  };
}
