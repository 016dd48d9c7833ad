/**
 * The one order of a thread's events (metrics.md, "Same-second events"): by event time; events of
 * the same time are taken customer messages first, then brand and system messages, then
 * moderation actions on messages (hide, delete, mark spam...), then thread actions (resolve,
 * reopen); then by event id, so ties never depend on arrival order. Every projection sorts with
 * this, so a reply posted in the same second as the question answers it, and a resolve in the
 * same second as a reply comes after it.
 */

export const SAME_SECOND_RANK = { customer: 0, team: 1, message_action: 2, thread_action: 3 } as const;
export type SameSecondRank = (typeof SAME_SECOND_RANK)[keyof typeof SAME_SECOND_RANK];

export interface OrderedEvent {
  event_time: number;
  event_id: string;
}

/** Compares (time, rank, id). */
export function compareSteps(
  aTime: number,
  aRank: number,
  aId: string,
  bTime: number,
  bRank: number,
  bId: string,
): number {
  return aTime - bTime || aRank - bRank || (aId < bId ? -1 : aId > bId ? 1 : 0);
}

/** Last-writer-wins in that order: true when (time, rank, id) comes after the current register's. */
export function isLater(
  time: number,
  rank: number,
  id: string,
  curTime: number,
  curRank: number,
  curId: string,
): boolean {
  return compareSteps(time, rank, id, curTime, curRank, curId) > 0;
}
