import type { FastifyReply } from 'fastify';
import type { FieldIssue } from './canonical.ts';
import type { ConversationEvent } from '../shared/events.ts';
import type { IntakeOutcome } from './intake.ts';

/**
 * Response bodies of the canonical endpoint. Every batch response carries one result per event
 * (by index), so a client always knows which events Kafka acknowledged.
 */
export type EventStatus = 'accepted' | 'invalid' | 'not_published' | 'not_acknowledged' | 'forbidden';

export interface EventResult {
  index: number;
  status: EventStatus;
  event_id?: string;
}

export function sendError(
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return reply
    .code(status)
    .type('application/json')
    .send({ error, message, ...extra });
}

export function sendInvalid(reply: FastifyReply, total: number, issues: FieldIssue[]) {
  const bad = new Set(issues.map((i) => i.index));
  const results: EventResult[] = Array.from({ length: total }, (_, index) => ({
    index,
    status: bad.has(index) ? 'invalid' : 'not_published',
  }));
  return sendError(
    reply,
    400,
    'invalid_events',
    `${bad.size} of ${total} event(s) are invalid; nothing was published (fix them and resend the whole request)`,
    {
      issues,
      results,
    },
  );
}

export function sendOutcome(reply: FastifyReply, outcome: IntakeOutcome, total: number, retryAfterSeconds: number) {
  if (outcome.kind === 'accepted') {
    return reply.code(202).send({ accepted: outcome.events.length, results: results(outcome.events, 'accepted') });
  }
  reply.header('retry-after', String(retryAfterSeconds));
  if (outcome.kind === 'overloaded') {
    return sendError(
      reply,
      503,
      'overloaded',
      'too many events are waiting for Kafka; nothing was published, retry later',
      {
        retry_after_seconds: retryAfterSeconds,
        results: Array.from({ length: total }, (_, index) => ({ index, status: 'not_published' })),
      },
    );
  }
  return sendError(
    reply,
    503,
    'kafka_unavailable',
    `Kafka did not acknowledge (${outcome.reason}); the events may or may not have been stored: retry the same request, event ids make duplicates harmless`,
    { retry_after_seconds: retryAfterSeconds, results: results(outcome.events, 'not_acknowledged') },
  );
}

function results(events: readonly ConversationEvent[], status: EventStatus): EventResult[] {
  return events.map((e, index) => ({ index, status, event_id: e.event_id }));
}
