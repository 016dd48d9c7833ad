-- Who ended a wait by a reply, carried from the brand reply's event to the `reply` point (issue 17), so
-- per-agent performance reads thread_points alone instead of joining the reply points with the brand
-- messages of v_messages_by_time (361 ms for 7 days and 1.1 s for 30 days on 10M messages).
--
-- thread_events.agent_id: the message_posted payload's agent_id ('' when none or not a post).
-- thread_facts.period_agent_id: per waiting period, the agent of the reply that ended it ('' when
-- none): of the brand messages posted at the period's end, the first in the same-second order that
-- names an agent (services/threads/facts.ts). thread_points.agent_id: the same on the `reply` point.
--
-- Rows stored before this migration read '' (and [] for period_agent_id): the projector recomputes a
-- thread from its stored events, so the reply points of threads stored before it keep no agent, even
-- when the thread gets new events, and the per-agent panel leaves those replies out, until
-- `brandpulse replay --swap` rebuilds every table from the raw topic, whose events carry the agent.
ALTER TABLE thread_events ADD COLUMN IF NOT EXISTS agent_id String DEFAULT '';
ALTER TABLE thread_facts ADD COLUMN IF NOT EXISTS period_agent_id Array(String);
ALTER TABLE thread_points ADD COLUMN IF NOT EXISTS agent_id String DEFAULT '';
