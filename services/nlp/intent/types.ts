export const INTENTS = [
  'question',
  'technical_issue',
  'order',
  'pre_purchase',
  'complaint',
  'praise',
  'spam',
  'other',
] as const;
export type Intent = (typeof INTENTS)[number];

/** metrics.md: questions, technical issues, order issues, pre-purchase and complaints need a reply. */
export const DEFAULT_NEEDS_REPLY: Readonly<Record<Intent, boolean>> = {
  question: true,
  technical_issue: true,
  order: true,
  pre_purchase: true,
  complaint: true,
  praise: false,
  spam: false,
  other: false,
};
