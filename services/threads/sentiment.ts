import type { MessageState } from './messages.ts';

/** Thread sentiment and the recovery of threads that started negative (metrics.md, Sentiment). */
export interface SentimentFacts {
  customer_message_count: number;
  first_customer_label: string | null;
  first_customer_score: number | null;
  /** Mean score of the last five non-neutral customer messages; null when there are none. */
  thread_sentiment_score: number | null;
  started_negative: boolean;
  /** Started negative and the customer wrote after the brand's first reply: is the last such message neutral or positive? */
  recovered: boolean | null;
  recovery_label: string | null;
  recovery_score: number | null;
  /** recovery_score - first_customer_score. */
  sentiment_change: number | null;
}

const LAST_N = 5;

export function computeSentiment(
  messages: Map<string, MessageState>,
  firstHumanReplyAt: number | null,
): SentimentFacts {
  // Customer messages only; deleted or spam messages no longer say anything about the customer.
  const allCustomer = [...messages.values()]
    .filter((m) => m.role === 'customer')
    .sort((a, b) => a.posted_at - b.posted_at || (a.posted_event_id < b.posted_event_id ? -1 : 1));
  const customer = allCustomer.filter((m) => !m.gone);
  const scored = customer
    .filter((m) => m.sentiment_label && m.sentiment_label !== 'neutral' && m.sentiment_score !== null)
    .slice(-LAST_N);
  // How the thread started counts even if that first message was later deleted.
  const firstCustomer = allCustomer[0] ?? null;
  const startedNegative = firstCustomer?.sentiment_label === 'negative';
  const after =
    firstHumanReplyAt === null ? [] : customer.filter((m) => m.posted_at > firstHumanReplyAt && m.sentiment_label);
  const lastAfter = startedNegative ? (after.at(-1) ?? null) : null;
  return {
    customer_message_count: customer.length,
    first_customer_label: firstCustomer?.sentiment_label || null,
    first_customer_score: firstCustomer?.sentiment_score ?? null,
    thread_sentiment_score: scored.length ? scored.reduce((s, m) => s + m.sentiment_score!, 0) / scored.length : null,
    started_negative: startedNegative,
    recovered: lastAfter ? lastAfter.sentiment_label === 'neutral' || lastAfter.sentiment_label === 'positive' : null,
    recovery_label: lastAfter?.sentiment_label ?? null,
    recovery_score: lastAfter?.sentiment_score ?? null,
    sentiment_change:
      lastAfter && lastAfter.sentiment_score !== null && firstCustomer?.sentiment_score != null
        ? lastAfter.sentiment_score - firstCustomer.sentiment_score
        : null,
  };
}
