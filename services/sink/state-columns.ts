import { emptyState, type MessageState } from './message-state.ts';

/**
 * How a stored MessageState is read back from `messages` (the sink's ClickHouseWriter, when a
 * conversation is not in its memory): the SELECT list and the conversion of a JSONEachRow row. A
 * read-back state must equal the fold's (sameState), or a replayed event would write a new row.
 */
const TIME_COLUMNS = [
  'posted_time',
  'text_time',
  'relabel_sentiment_time',
  'relabel_intent_time',
  'removal_time',
  'visibility_time',
  'spam_time',
] as const;
const NUMBER_COLUMNS = [
  'revision',
  'posted',
  'language_supported',
  'model_needs_reply',
  'author_deleted',
  'needs_reply',
  'human_override',
  'counted',
  'relabel_needs_reply',
] as const;

/** The SELECT list that reads a MessageState back (times as epoch ms). */
export function stateSelectList(): string {
  const template = emptyState('', '', '', '', '');
  return Object.keys(template)
    .map((k) => {
      if ((TIME_COLUMNS as readonly string[]).includes(k)) return `toUnixTimestamp64Milli(${k}) AS ${k}`;
      // Before the string rules: relabel_needs_reply is a number among the relabel_* strings (a
      // string "0" read back differs from the fold's 0, so a replayed relabel rewrote the row).
      if ((NUMBER_COLUMNS as readonly string[]).includes(k)) return k;
      if (k === 'first_moderation_time')
        return `if(isNull(${k}), NULL, toUnixTimestamp64Milli(assumeNotNull(${k}))) AS ${k}`;
      if (
        k.endsWith('_action') ||
        k === 'sentiment_label' ||
        k.startsWith('relabel_') ||
        k === 'language' ||
        k === 'kind' ||
        k === 'author_role' ||
        k === 'intent' ||
        k === 'model_intent' ||
        k === 'model_version' ||
        k === 'model_sentiment_label' ||
        k === 'brand' ||
        k === 'platform'
      )
        return `toString(${k}) AS ${k}`;
      return k;
    })
    .join(', ');
}

/** Converts a JSONEachRow row of stateSelectList() into a MessageState (64-bit numbers come quoted). */
export function stateFromRow(row: Record<string, unknown>): MessageState {
  const s = { ...row } as Record<string, unknown>;
  for (const k of [...TIME_COLUMNS, ...NUMBER_COLUMNS]) s[k] = Number(s[k]);
  s.first_moderation_time = s.first_moderation_time === null ? null : Number(s.first_moderation_time);
  return s as unknown as MessageState;
}
