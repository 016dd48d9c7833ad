import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import type { EnrichedEvent } from '../../../services/shared/events.ts';
import { offsetRanges, type Accepted } from '../../../services/sink/batch.ts';
import { ClickHouseWriter } from '../../../services/sink/steps.ts';
import { ThreadProjector } from '../../../services/threads/projector.ts';
import { edited, enrichment, moderation, posted } from '../../unit/sink/fixtures.ts';
import { isolatedClickHouse, isolatedConfig, logger } from '../../support/stack.ts';
import { rows } from '../sink/support.ts';

/**
 * The message fold's rules (services/domain/message-fold.ts) as the analyst views show them, with
 * the real sink writer and thread projector against ClickHouse: a relabel to complaint puts a
 * praise message in the backlog in v_messages and v_unanswered_backlog alike; a brand reply never
 * needs a reply; a spam follow-up after a resolve leaves the thread resolved with its full
 * resolution. The writer keeps no memory (cacheBytes 0), so every batch folds onto the state read
 * back from ClickHouse (relabel_needs_reply included, migration 0600).
 */
let offset = 0;
function batch(events: EnrichedEvent[]) {
  const accepted: Accepted[] = events.map((event) => ({
    record: { topic: 'enriched', partition: 0, offset: String(offset++), key: null, value: null },
    event,
  }));
  return { accepted, ranges: offsetRanges(accepted.map((a) => a.record)) };
}
const inThread = (thread: string, e: EnrichedEvent): EnrichedEvent => ({
  ...e,
  event: { ...e.event, thread_id: thread, event_id: `${thread}-${e.event.event_id}` },
});

describe('one message fold, every view', () => {
  const config = isolatedConfig('every_view');
  let ch: { client: ClickHouseClient; cleanup: () => Promise<void> };
  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  });
  afterAll(async () => ch?.cleanup());

  it('relabel to complaint: in the backlog everywhere; brand replies never need one; a spam follow-up keeps a resolved thread resolved', async () => {
    const writer = new ClickHouseWriter(ch.client, { cacheBytes: 0 });
    const projector = new ThreadProjector({ clickhouse: ch.client, logger, cacheBytes: 0 });
    const run = async (token: string, events: EnrichedEvent[]) => {
      await writer.run(batch(events));
      await projector.project(events, token);
    };
    // Thread P: the model says praise; a human relabels it complaint in a later batch.
    await run('b1', [inThread('P', posted('p1', 0, 'm-p', 'you are the best', enrichment('positive', 0.8, 'praise')))]);
    await run('b2', [inThread('P', moderation('p2', 5, 'relabel', 'm-p', { intent: 'complaint' }))]);
    // Thread Q: question, brand reply (whose edit reads like a question), resolve, spam follow-up marked spam.
    await run('b3', [
      inThread('Q', posted('q1', 0, 'm-q', 'where is my order?', enrichment('neutral', 0, 'question'))),
      inThread('Q', posted('q2', 10, 'm-r', 'on its way!', enrichment('positive', 0.5, ''), 'brand')),
    ]);
    await run('b4', [
      inThread('Q', edited('q3', 11, 'm-r', 'on its way, did you get it?', enrichment('neutral', 0, 'question'))),
    ]);
    await run('b5', [
      inThread('Q', moderation('q4', 20, 'resolve_thread', null)),
      inThread('Q', posted('q5', 30, 'm-s', 'cheap pills here, any questions?', enrichment('neutral', 0, 'question'))),
    ]);
    await run('b6', [inThread('Q', moderation('q6', 32, 'mark_spam', 'm-s'))]);

    const messages = await rows<{ message_id: string; intent: string; needs_reply: number; spam: number }>(
      ch.client,
      `SELECT message_id, intent, needs_reply, spam FROM v_messages ORDER BY message_id`,
    );
    expect(messages.map((m) => [m.message_id, m.intent, Number(m.needs_reply), Number(m.spam)])).toEqual([
      ['m-p', 'complaint', 1, 0],
      ['m-q', 'question', 1, 0],
      ['m-r', '', 0, 0],
      ['m-s', 'question', 1, 1],
    ]);
    const backlog = await rows<{ thread_id: string; message_id: string }>(
      ch.client,
      `SELECT thread_id, message_id FROM v_unanswered_backlog ORDER BY message_id`,
    );
    expect(backlog).toEqual([{ thread_id: 'P', message_id: 'm-p' }]);
    const q = await rows<Record<string, unknown>>(
      ch.client,
      `SELECT resolved, full_resolution_calendar_s, resolution_breached FROM v_thread_response WHERE thread_id = 'Q'`,
    );
    expect(
      q.map((r) => [Number(r.resolved), Number(r.full_resolution_calendar_s), Number(r.resolution_breached)]),
    ).toEqual([[1, 1200, 0]]);
    const reopened = await rows<{ reopen_count: number }>(
      ch.client,
      `SELECT reopen_count FROM thread_facts FINAL WHERE thread_id = 'Q'`,
    );
    expect(reopened.map((r) => Number(r.reopen_count))).toEqual([0]);
    // Resolution breaches: P needs a reply and has waited since 2023; Q was resolved in time and its spam did not reopen it.
    const breaches = await rows<{ thread_id: string }>(
      ch.client,
      `SELECT thread_id FROM v_sla_breaches WHERE metric = 'resolution' ORDER BY thread_id`,
    );
    expect(breaches).toEqual([{ thread_id: 'P' }]);
  });
});
