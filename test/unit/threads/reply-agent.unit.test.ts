import { describe, expect, it } from 'vitest';
import { wrapPayload, type EnrichedEvent } from '../../../services/shared/events.ts';
import { pointFactsFromRow } from '../../../services/threads/point-rows.ts';
import { threadPoints } from '../../../services/threads/points.ts';
import {
  threadEventFromRow,
  threadEventRow,
  threadFactsRow,
  type ThreadEventRow,
} from '../../../services/threads/rows.ts';
import { toThreadEvent } from '../../../services/threads/thread-event.ts';
import { expectWellFormed, facts, of, tl } from './points-fixture.ts';

/**
 * Who ended a wait by a reply (issue 17): the brand reply's agent travels from the event to the
 * period's facts and the `reply` point, so per-agent performance needs no join with the messages.
 * The rule is the join's: the brand messages posted at the wait's end that name an agent.
 */
describe('the agent of a reply', () => {
  it('a thread event carries the posted brand message’s agent, and its row reads back the same', () => {
    const posted = (agent_id: string | null): EnrichedEvent => ({
      event: {
        event_id: 'e1',
        event_time: 1_736_500_000_123,
        ingest_time: 1_736_500_000_200,
        brand: 'b',
        platform: 'x',
        account_id: 'a',
        post_id: null,
        thread_id: 't1',
        source: 'api',
        metadata: {},
        payload: wrapPayload({
          type: 'message_posted',
          value: {
            message_id: 'm1',
            parent_id: null,
            kind: 'reply',
            author_id: 'brand',
            author_role: 'brand',
            agent_id,
            text: 'On it!',
            language_hint: null,
            url: null,
            priority: null,
          },
        }),
      },
      enrichment: null,
      enriched_time: 1_736_500_001_000,
    });
    const e = toThreadEvent(posted('agent-7'));
    expect(e).toMatchObject({ kind: 'posted', role: 'brand', agent_id: 'agent-7' });
    const row = threadEventRow(e);
    expect(row.agent_id).toBe('agent-7');
    const back = threadEventFromRow({
      ...(row as unknown as ThreadEventRow),
      event_time_ms: String(e.event_time),
      enriched_time_ms: String(e.enriched_time),
    });
    expect(back).toEqual(e);
    expect(toThreadEvent(posted(null)).agent_id).toBe('');
  });

  it('each wait ended by a reply records the replying agent; other endings and open waits none', () => {
    const f = facts(
      tl()
        .customer('q1', 0)
        .brand('r1', 20, { agent_id: 'ann' })
        .customer('q2', 30)
        .brand('r2', 50) // a brand reply naming no agent
        .customer('q3', 60)
        .mod('hide', 61, 'q3')
        .customer('q4', 70)
        .brand('r4', 80, { agent_id: 'bob' })
        .customer('q5', 90),
    );
    expect(f.periods.map((p) => [p.end_reason, p.agent_id])).toEqual([
      ['reply', 'ann'],
      ['reply', ''],
      ['moderation', ''],
      ['reply', 'bob'],
      [null, ''],
    ]);
  });

  it('same millisecond: the first brand message in event_id order that names an agent, as the join matched', () => {
    // r1 (no agent) closes the wait; r2 and r3 are posted in the same millisecond. The join with
    // the messages matched r2 and r3 (both name an agent) and counted the wait for each; the
    // facts credit r2, the first of them in the same-second order (event_id).
    const t = tl().customer('q1', 0).brand('r1', 20).brand('r2', 20, { agent_id: 'cat' });
    t.brand('r3', 20, { agent_id: 'dan' });
    expect(facts(t).periods.map((p) => p.agent_id)).toEqual(['cat']);
    // A later brand message does not count, nor does one of an earlier millisecond (it answered nothing).
    const later = tl()
      .brand('r0', -5, { agent_id: 'eve' })
      .customer('q1', 0)
      .brand('r1', 20)
      .brand('r2', 21, { agent_id: 'fay' });
    expect(facts(later).periods.map((p) => p.agent_id)).toEqual(['']);
  });

  it('is on the reply point only, and survives the facts row read back', () => {
    const f = facts(tl().customer('q1', 0).brand('r1', 20, { agent_id: 'ann' }).customer('q2', 30).brand('r2', 200));
    const ps = threadPoints(f);
    expectWellFormed(ps);
    expect(of(ps, 'reply').map((p) => p.agent_id)).toEqual(['ann', '']);
    expect(ps.filter((p) => p.metric !== 'reply').every((p) => p.agent_id === '')).toBe(true);

    // thread_facts.period_agent_id, as pointFactsFromRow reads a row of POINT_FACTS_SELECT.
    const row = threadFactsRow(f, 0, (ms) => ms);
    expect(row.period_agent_id).toEqual(['ann', '']);
    const read = pointFactsFromRow({ ...row, frt_start_local_date: f.frt_start_local_date });
    expect(threadPoints(read)).toEqual(ps);
    // A row from before migration 0703 has no agents: the reply points have none.
    const old = pointFactsFromRow({ ...row, frt_start_local_date: f.frt_start_local_date, period_agent_id: [] });
    expect(of(threadPoints(old), 'reply').map((p) => p.agent_id)).toEqual(['', '']);
  });
});
