/**
 * The simulator's phrasebook: short social-media texts per language, with slots filled at random
 * ({product}, {order}, {days}, {brand}, {city}, {hashtag}, {handle}). Texts are templated with
 * variation (emoji, slang, casing, punctuation) in ../text-maker.ts.
 */
export const LANGUAGES = ['it', 'en', 'es', 'fr', 'de', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

/** What a customer's opening message is about. `abuse` is a complaint with insults (moderated). */
export const CUSTOMER_INTENTS = [
  'question',
  'technical_issue',
  'order',
  'pre_purchase',
  'complaint',
  'praise',
  'spam',
  'abuse',
  'other',
] as const;
export type CustomerIntent = (typeof CUSTOMER_INTENTS)[number];

export const CRISIS_TOPICS = ['outage', 'delivery_delays', 'price_increase', 'data_breach', 'bad_campaign'] as const;
export type CrisisTopic = (typeof CRISIS_TOPICS)[number];

export interface Phrasebook {
  customer: Record<CustomerIntent, readonly string[]>;
  /** Customer nudges while waiting ("any news??"). */
  nudge: readonly string[];
  /** Customer after a helpful reply. */
  thanks: readonly string[];
  /** Customer after an unhelpful reply. */
  unhappy: readonly string[];
  /** Customer follow-up question after a reply. */
  followUp: readonly string[];
  /** Customer coming back after a resolution (triggers a reopen). */
  reopen: readonly string[];
  /** Tail an author appends when editing. */
  editTail: readonly string[];
  crisis: Record<CrisisTopic, readonly string[]>;
  brand: {
    /** First replies, by what the customer asked. */
    reply: Record<
      'question' | 'technical_issue' | 'order' | 'pre_purchase' | 'complaint' | 'praise' | 'other',
      readonly string[]
    >;
    /** Reply to a crisis complaint. */
    crisis: readonly string[];
    /** Second and later replies. */
    followUp: readonly string[];
    /** Reply after a hand-over to a specialist. */
    escalated: readonly string[];
    /** Automated acknowledgement (a bot: never counts as a human response). */
    bot: readonly string[];
  };
  slang: readonly string[];
}
