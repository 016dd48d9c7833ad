import type { CanonicalEvent } from '../ingest/canonical.ts';
import { DEFAULT_NEEDS_REPLY } from '../nlp/intent/types.ts';
import type { ModerationKind } from '../shared/events.ts';
import type { BrandProfile } from './brands.ts';
import { PRIVATE_PLATFORMS } from './brands.ts';
import type { BusinessHours } from './business-hours.ts';
import type { Random } from './random.ts';
import { customerText, fillTemplate, type TextContext, type Tone } from './text-maker.ts';
import { PHRASEBOOKS, type CrisisTopic, type CustomerIntent, type Language, type Phrasebook } from './texts/index.ts';

/**
 * One thread's whole life, decided when its first message is posted: the customer's message,
 * nudges while waiting, bot acknowledgements, moderation, the brand's replies in business time,
 * escalation and assignment, follow-ups, resolution and reopening, edits and deletes, relabels.
 * The result is a list of events on the platform's clock; delivery delays are added by the caller.
 */
export interface ThreadSpec {
  threadId: string;
  brand: BrandProfile;
  hours: BusinessHours;
  platform: string;
  postId: string | null;
  customerId: string;
  language: Language;
  intent: CustomerIntent;
  crisis: CrisisTopic | null;
  start: number;
  /** Reply delays stretch during a crisis (the team is swamped). */
  load: number;
}

export interface PlannedEvent {
  time: number;
  event: CanonicalEvent;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

const TONE: Record<CustomerIntent, Tone> = {
  question: 'neutral',
  technical_issue: 'negative',
  order: 'negative',
  pre_purchase: 'neutral',
  complaint: 'negative',
  praise: 'positive',
  spam: 'neutral',
  abuse: 'negative',
  other: 'neutral',
};

/** Whether a simulated opening message needs a reply: the classifier's default mapping (metrics.md),
 * plus the simulator's own `abuse` (insults the team moderates instead of answering). */
const NEEDS_REPLY: Record<CustomerIntent, boolean> = { ...DEFAULT_NEEDS_REPLY, abuse: false };

type ReplyTopic = keyof Phrasebook['brand']['reply'];

class ThreadBuilder {
  readonly events: PlannedEvent[] = [];
  private seq = 0;
  private readonly book: Phrasebook;
  private readonly ctx: TextContext;
  readonly kind: 'comment' | 'private_message';

  constructor(
    readonly spec: ThreadSpec,
    readonly rng: Random,
  ) {
    this.book = PHRASEBOOKS[spec.language];
    this.ctx = { brand: spec.brand.brand, products: spec.brand.products, cities: spec.brand.cities };
    this.kind = PRIVATE_PLATFORMS.has(spec.platform) ? 'private_message' : 'comment';
  }

  private envelope(time: number, extra: Record<string, string> = {}) {
    const s = this.spec;
    const n = this.seq++;
    return {
      event_id: `${s.threadId}-e${n}`,
      event_time: Math.round(time),
      brand: s.brand.brand,
      platform: s.platform,
      account_id: `${s.brand.brand}-${s.platform}`,
      post_id: s.postId,
      thread_id: s.threadId,
      source: 'simulator',
      metadata: { sim_intent: s.intent, ...(s.crisis ? { sim_crisis: s.crisis } : {}), ...extra },
    };
  }

  private messageId(): string {
    return `${this.spec.threadId}-m${this.seq}`;
  }

  customerPost(time: number, template: string, tone: Tone, parent: string | null): string {
    const id = this.messageId();
    const text = customerText(template, tone, this.rng, this.ctx, this.book.slang, this.spec.language);
    this.events.push({
      time,
      event: {
        type: 'message_posted',
        ...this.envelope(time, { sim_tone: tone }),
        message_id: id,
        parent_id: parent,
        kind: parent && this.kind === 'comment' ? 'reply' : this.kind,
        author_platform_id: this.spec.customerId,
        author_role: 'customer',
        text,
        // Platforms report a language for about half of the messages.
        language_hint: this.rng.chance(0.5) ? this.spec.language : null,
        priority: this.spec.crisis ? 'high' : null,
      },
    });
    return id;
  }

  brandPost(
    time: number,
    template: string,
    parent: string,
    agent: string,
    role: 'brand' | 'system',
    extra: Record<string, string> = {},
  ): string {
    const id = this.messageId();
    this.events.push({
      time,
      event: {
        type: 'message_posted',
        ...this.envelope(time, extra),
        message_id: id,
        parent_id: parent,
        kind: this.kind === 'comment' ? 'reply' : this.kind,
        author_platform_id:
          role === 'system' ? `${this.spec.brand.brand}-bot` : `${this.spec.brand.brand}-${this.spec.platform}-page`,
        author_role: role,
        agent_id: role === 'brand' ? agent : null,
        text: fillTemplate(template, this.rng, this.ctx),
        language_hint: this.spec.language,
      },
    });
    return id;
  }

  moderate(
    time: number,
    action: ModerationKind,
    actor: string,
    fields: {
      target?: string;
      author?: string;
      reason?: string;
      assignee?: string;
      sentiment?: 'negative' | 'neutral' | 'positive';
      intent?: string;
      role?: 'brand' | 'system';
    } = {},
  ): void {
    this.events.push({
      time,
      event: {
        type: 'moderation_action',
        ...this.envelope(time),
        action,
        actor_id: actor,
        actor_role: fields.role ?? 'brand',
        target_message_id: fields.target ?? null,
        target_author_platform_id: fields.author ?? null,
        reason: fields.reason ?? null,
        assignee_id: fields.assignee ?? null,
        relabel_sentiment: fields.sentiment ?? null,
        relabel_intent: fields.intent ?? null,
      },
    });
  }

  edit(time: number, messageId: string, original: string): void {
    const tail = fillTemplate(this.rng.pick(this.book.editTail), this.rng, this.ctx);
    this.events.push({
      time,
      event: {
        type: 'message_edited',
        ...this.envelope(time),
        message_id: messageId,
        author_platform_id: this.spec.customerId,
        text: `${original}${tail}`,
        language_hint: null,
      },
    });
  }

  authorDelete(time: number, messageId: string): void {
    this.events.push({
      time,
      event: {
        type: 'message_deleted',
        ...this.envelope(time),
        message_id: messageId,
        author_platform_id: this.spec.customerId,
      },
    });
  }

  lastText(): string {
    const last = this.events[this.events.length - 1]?.event;
    return last && last.type === 'message_posted' ? last.text : '';
  }
}

/** When the team answers a message posted at `t`; `onCall` marks a reply outside business hours. */
export function replyTime(
  rng: Random,
  spec: Pick<ThreadSpec, 'brand' | 'hours' | 'load'>,
  t: number,
  medianMinutes: number,
  urgent: boolean,
): { at: number; onCall: boolean } {
  if (urgent && !spec.hours.isOpen(t) && rng.chance(spec.brand.onCallShare)) {
    return { at: t + Math.min(rng.logNormal(40 * MIN, 0.6), 4 * HOUR), onCall: true };
  }
  const business = Math.min(rng.logNormal(medianMinutes * MIN * spec.load, 0.9), 3 * 8 * HOUR);
  return { at: spec.hours.addBusinessTime(t + 30_000, business), onCall: false };
}

function moderationTime(rng: Random, spec: ThreadSpec, t: number, urgent: boolean): number {
  return replyTime(rng, spec, t, 12, urgent).at;
}

export function scriptThread(spec: ThreadSpec, rng: Random): PlannedEvent[] {
  const b = new ThreadBuilder(spec, rng);
  const book = PHRASEBOOKS[spec.language];
  const profile = spec.brand;
  const tone: Tone = spec.crisis ? 'negative' : TONE[spec.intent];
  const template = spec.crisis ? rng.pick(book.crisis[spec.crisis]) : rng.pick(book.customer[spec.intent]);
  const t0 = spec.start;
  const first = b.customerPost(t0, template, tone, null);
  const firstText = b.lastText();
  const agent = rng.pick(profile.agents);

  // Spam: the automatic filter catches most of it in seconds; moderators catch the rest.
  if (spec.intent === 'spam') {
    if (rng.chance(0.55)) {
      b.moderate(t0 + rng.between(2_000, 30_000), 'mark_spam', 'automod', {
        target: first,
        reason: 'spam filter',
        role: 'system',
      });
    } else {
      const at = moderationTime(rng, spec, t0, false);
      b.moderate(at, rng.chance(0.6) ? 'delete' : 'hide', agent, { target: first, reason: 'spam' });
      b.moderate(at + 5_000, 'mark_spam', agent, { target: first });
      if (rng.chance(0.3))
        b.moderate(at + 9_000, 'ban_author', agent, { author: spec.customerId, reason: 'repeated spam' });
    }
    return b.events;
  }

  // Abuse: hidden by a moderator (on call at night for the worst), sometimes the author is banned.
  if (spec.intent === 'abuse') {
    const at = moderationTime(rng, spec, t0, true);
    b.moderate(at, 'hide', agent, { target: first, reason: 'abusive language' });
    if (rng.chance(0.35)) {
      b.moderate(at + 20_000, 'ban_author', agent, { author: spec.customerId, reason: 'abuse' });
      if (rng.chance(0.1))
        b.moderate(at + rng.between(HOUR, 48 * HOUR), 'unban_author', rng.pick(profile.agents), {
          author: spec.customerId,
          reason: 'appeal accepted',
        });
    } else if (rng.chance(0.1)) {
      b.moderate(at + rng.between(10 * MIN, 6 * HOUR), 'unhide', rng.pick(profile.agents), {
        target: first,
        reason: 'hidden by mistake',
      });
    }
    return b.events;
  }

  // Pre-moderated platforms: a moderator approves new posts.
  if ((spec.platform === 'forum' || spec.platform === 'trustpilot') && rng.chance(0.4)) {
    b.moderate(moderationTime(rng, spec, t0, false), 'approve', agent, { target: first });
  }

  // The author edits (typo, added detail) or deletes the message.
  if (rng.chance(0.06)) b.edit(t0 + rng.between(MIN, 10 * MIN), first, firstText);
  if (rng.chance(0.02)) {
    b.authorDelete(t0 + rng.between(3 * MIN, 90 * MIN), first);
    return b.events;
  }
  // Agents correct the model now and then (sarcasm, wrong intent).
  if (rng.chance(0.02)) {
    b.moderate(t0 + rng.between(30 * MIN, 8 * HOUR), 'relabel', agent, {
      target: first,
      sentiment: tone === 'positive' ? 'negative' : 'neutral',
      intent: spec.intent,
      reason: 'model correction',
    });
  }

  // Private messages get an automatic acknowledgement (a bot: never a human response).
  if (b.kind === 'private_message' && rng.chance(0.7)) {
    b.brandPost(t0 + rng.between(1_000, 4_000), rng.pick(book.brand.bot), first, 'bot', 'system');
  }

  const needsReply = NEEDS_REPLY[spec.intent] || spec.crisis !== null;
  const wantsReply = needsReply
    ? rng.chance(spec.crisis ? profile.replyRate - 0.2 : profile.replyRate)
    : rng.chance(spec.intent === 'praise' ? 0.4 : 0.15);
  const urgent = spec.crisis !== null || spec.intent === 'complaint';

  // Triage: some threads are assigned before anyone answers.
  if (needsReply && rng.chance(0.25)) {
    b.moderate(moderationTime(rng, spec, t0, false), 'assign', rng.pick(profile.agents), { assignee: agent });
  }

  if (!wantsReply) {
    // Unanswered: the customer nudges, and the thread stays in the backlog.
    if (needsReply && rng.chance(0.5))
      b.customerPost(t0 + rng.between(HOUR, 20 * HOUR), rng.pick(book.nudge), 'negative', first);
    return b.events;
  }

  const topic: ReplyTopic = spec.intent;
  const reply = replyTime(rng, spec, t0, profile.medianReplyMinutes, urgent);
  // Waiting customers nudge; the clock does not restart (metrics.md: waiting period).
  if (reply.at - t0 > 2 * HOUR && rng.chance(0.5)) {
    b.customerPost(
      t0 + rng.between(30 * MIN, Math.min(reply.at - t0 - MIN, 6 * HOUR)),
      rng.pick(book.nudge),
      'negative',
      first,
    );
  }
  const replyText = spec.crisis ? rng.pick(book.brand.crisis) : rng.pick(book.brand.reply[topic]);
  let lastBrand = b.brandPost(reply.at, replyText, first, agent, 'brand', reply.onCall ? { sim_on_call: 'true' } : {});
  let t = reply.at;

  if (!needsReply) return b.events;

  // Escalation to a specialist, who answers later.
  if ((spec.intent === 'complaint' || spec.intent === 'technical_issue' || spec.crisis) && rng.chance(0.2)) {
    const specialist = rng.pick(profile.specialists);
    b.moderate(t + 20_000, 'escalate', agent, {
      target: first,
      reason: spec.crisis ? `crisis:${spec.crisis}` : 'needs specialist',
    });
    b.moderate(t + 40_000, 'assign', agent, { assignee: specialist });
    const again = replyTime(rng, spec, t + MIN, 120, true);
    lastBrand = b.brandPost(
      again.at,
      rng.pick(book.brand.escalated),
      first,
      specialist,
      'brand',
      again.onCall ? { sim_on_call: 'true' } : {},
    );
    t = again.at;
  }

  // The customer answers: thanks, a follow-up question (a new waiting period), or unhappiness.
  let resolved = false;
  const resolve = (from: number) => {
    const at = replyTime(rng, spec, from, 20, false).at;
    b.moderate(at, 'resolve_thread', agent, { target: first });
    resolved = true;
    return at;
  };
  if (rng.chance(0.65)) {
    const answerAt = t + rng.logNormal(25 * MIN, 1);
    const mood = rng.weighted({ thanks: 55, followUp: 25, unhappy: 20 });
    if (mood === 'thanks') {
      b.customerPost(answerAt, rng.pick(book.thanks), 'positive', lastBrand);
      if (rng.chance(0.75)) t = resolve(answerAt);
    } else {
      const asked = b.customerPost(
        answerAt,
        rng.pick(mood === 'followUp' ? book.followUp : book.unhappy),
        mood === 'unhappy' ? 'negative' : 'neutral',
        lastBrand,
      );
      if (rng.chance(0.85)) {
        const next = replyTime(rng, spec, answerAt, profile.medianReplyMinutes * 0.7, mood === 'unhappy');
        b.brandPost(
          next.at,
          rng.pick(book.brand.followUp),
          asked,
          agent,
          'brand',
          next.onCall ? { sim_on_call: 'true' } : {},
        );
        t = next.at;
        if (rng.chance(0.5)) b.customerPost(t + rng.logNormal(30 * MIN, 1), rng.pick(book.thanks), 'positive', asked);
        if (rng.chance(0.6)) t = resolve(t);
      }
    }
  } else if (rng.chance(0.45)) {
    t = resolve(t + rng.between(HOUR, 24 * HOUR));
  }

  // Reopened: the problem comes back after the resolution.
  if (resolved && rng.chance(0.12)) {
    const back = t + rng.between(2 * HOUR, 72 * HOUR);
    const msg = b.customerPost(back, rng.pick(book.reopen), 'negative', first);
    const reopenAt = replyTime(rng, spec, back, 15, false).at;
    b.moderate(reopenAt, 'reopen_thread', agent, { target: msg });
    const again = replyTime(rng, spec, reopenAt, profile.medianReplyMinutes, true);
    b.brandPost(
      again.at,
      rng.pick(book.brand.followUp),
      msg,
      agent,
      'brand',
      again.onCall ? { sim_on_call: 'true' } : {},
    );
    if (rng.chance(0.7)) resolve(again.at);
  }
  return b.events;
}
