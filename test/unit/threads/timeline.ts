import type { ThreadEvent, ThreadKey } from '../../../services/threads/thread-event.ts';
import type { ModerationKind } from '../../../services/shared/events.ts';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { relabelEnrichment } from '../../../services/domain/enrichment.ts';

/** Hand-built thread timelines for the metric tests: times in minutes after `t0`. */
export const KEY: ThreadKey = { brand: 'test', platform: 'facebook', account_id: 'acct-1', thread_id: 'th-1' };

type Opts = Partial<
  Pick<
    ThreadEvent,
    | 'needs_reply'
    | 'intent'
    | 'language'
    | 'sentiment_label'
    | 'sentiment_score'
    | 'priority'
    | 'has_enrichment'
    | 'agent_id'
  >
>;

export class Timeline {
  readonly events: ThreadEvent[] = [];
  private n = 0;
  /**
   * `needsReplyIntents`: the brand's, which the enricher stamps on relabels (default: infra/brands.yaml's
   * defaults); relabels are built in the shape the enricher emits them (relabelEnrichment).
   */
  constructor(
    readonly t0: number,
    readonly key: ThreadKey = KEY,
    readonly needsReplyIntents: ReadonlySet<string> = DEFAULT_NEEDS_REPLY_INTENTS,
  ) {}

  at(min: number): number {
    return this.t0 + Math.round(min * 60_000);
  }

  private push(min: number, e: Partial<ThreadEvent> & Pick<ThreadEvent, 'kind'>): this {
    this.n += 1;
    this.events.push({
      ...this.key,
      event_id: `ev-${String(this.n).padStart(3, '0')}`,
      event_time: this.at(min),
      enriched_time: 1,
      message_id: '',
      role: '',
      action: '',
      priority: '',
      agent_id: '',
      has_enrichment: false,
      needs_reply: false,
      intent: '',
      language: '',
      sentiment_score: null,
      sentiment_label: '',
      relabel_sentiment: '',
      relabel_intent: '',
      ...e,
    });
    return this;
  }

  customer(id: string, min: number, o: Opts = {}): this {
    return this.push(min, {
      kind: 'posted',
      message_id: id,
      role: 'customer',
      has_enrichment: true,
      needs_reply: true,
      intent: 'question',
      sentiment_label: 'neutral',
      sentiment_score: 0,
      ...o,
    });
  }
  /** A customer message that needs no reply (praise, thanks). */
  praise(id: string, min: number, o: Opts = {}): this {
    return this.customer(id, min, {
      needs_reply: false,
      intent: 'praise',
      sentiment_label: 'positive',
      sentiment_score: 0.8,
      ...o,
    });
  }
  brand(id: string, min: number, o: Opts = {}): this {
    return this.push(min, {
      kind: 'posted',
      message_id: id,
      role: 'brand',
      has_enrichment: true,
      intent: 'other',
      ...o,
    });
  }
  bot(id: string, min: number): this {
    return this.push(min, { kind: 'posted', message_id: id, role: 'system', has_enrichment: true, intent: 'other' });
  }
  edit(id: string, min: number, o: Opts = {}): this {
    return this.push(min, {
      kind: 'edited',
      message_id: id,
      has_enrichment: true,
      needs_reply: true,
      intent: 'question',
      sentiment_label: 'neutral',
      sentiment_score: 0,
      ...o,
    });
  }
  deleteByAuthor(id: string, min: number): this {
    return this.push(min, { kind: 'deleted', message_id: id });
  }
  mod(
    action: ModerationKind,
    min: number,
    target = '',
    role: 'brand' | 'system' = 'brand',
    extra: Partial<ThreadEvent> = {},
  ): this {
    if (action === 'relabel') {
      // As the enricher emits it: the human's labels and the brand's needs_reply for the new intent.
      const en = relabelEnrichment(
        { relabel_sentiment: extra.relabel_sentiment || null, relabel_intent: extra.relabel_intent || null },
        this.needsReplyIntents,
      );
      return this.push(min, {
        kind: 'moderation',
        action,
        message_id: target,
        role,
        has_enrichment: true,
        needs_reply: en.needs_reply,
        intent: en.intent,
        language: en.language,
        sentiment_score: en.sentiment_score,
        sentiment_label: en.sentiment_label ?? '',
        ...extra,
      });
    }
    return this.push(min, { kind: 'moderation', action, message_id: target, role, ...extra });
  }
  /** A human relabel of a message's intent and/or sentiment. */
  relabel(target: string, min: number, to: { intent?: string; sentiment?: string }): this {
    return this.mod('relabel', min, target, 'brand', {
      relabel_intent: to.intent ?? '',
      relabel_sentiment: to.sentiment ?? '',
    });
  }
  resolve(min: number): this {
    return this.mod('resolve_thread', min);
  }
  reopen(min: number): this {
    return this.mod('reopen_thread', min);
  }
}

const DEFAULT_NEEDS_REPLY_INTENTS = BrandSettings.load().forThread(KEY).needsReplyIntents;

export function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
