import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { INTENTS } from '../nlp/intent/types.ts';
import { BusinessCalendar, WEEKDAYS, type CalendarSpec } from './business-hours.ts';

/**
 * Per-brand response-time settings (infra/brands.yaml): business hours, SLA targets, the
 * inactivity rule and which intents need a reply. Brands inherit `defaults`; an account can
 * override business hours and add SLA rules of its own.
 */

export const DEFAULT_BRANDS_FILE = fileURLToPath(new URL('../../infra/brands.yaml', import.meta.url));

/** "90s", "30m", "4h", "2d" or a number of seconds. */
const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?[smhd]$/, 'a duration like 90s, 30m, 4h or 2d').transform((s) => {
    const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[s.slice(-1) as 's' | 'm' | 'h' | 'd'];
    return Number(s.slice(0, -1)) * unit;
  }),
]);

export const CLOCKS = ['calendar', 'business'] as const;
export type Clock = (typeof CLOCKS)[number];

const target = z.object({ target: duration, clock: z.enum(CLOCKS).default('business') }).strict();
export type SlaTarget = { target: number; clock: Clock };

const slaRule = z.object({
  platform: z.string().default('*'),
  priority: z.string().default('*'),
  first_response: target.nullable().optional(),
  next_response: target.nullable().optional(),
  resolution: target.nullable().optional(),
}).strict();

const calendarSchema = z.object({
  time_zone: z.string().min(1),
  week: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(z.string()).optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<z.ZodArray<z.ZodString>>>).strict(),
  holidays: z.array(z.string()).default([]),
}).strict();

const brandFields = {
  business_hours: calendarSchema.optional(),
  sla: z.array(slaRule).optional(),
  /** Resolved at the last brand reply when no customer message needing a reply follows for this long. */
  inactivity_resolve_after: duration.nullable().optional(),
  /** Must be intents the classifier emits (services/nlp/intent/types.ts), or a relabel could never match. */
  needs_reply_intents: z.array(z.enum(INTENTS)).optional(),
  default_priority: z.string().optional(),
};

const accountSchema = z.object({ business_hours: calendarSchema.optional(), sla: z.array(slaRule).optional() }).strict();
const brandSchema = z.object({ ...brandFields, accounts: z.record(z.string(), accountSchema).default({}) }).strict();

export const brandsFileSchema = z.object({
  defaults: z.object({
    ...brandFields,
    business_hours: calendarSchema,
    sla: z.array(slaRule).default([]),
    inactivity_resolve_after: duration.nullable().default(null),
    needs_reply_intents: z.array(z.enum(INTENTS)),
    default_priority: z.string().default('normal'),
  }).strict(),
  brands: z.record(z.string(), brandSchema).default({}),
}).strict();

export type BrandsFile = z.infer<typeof brandsFileSchema>;
type SlaRule = z.infer<typeof slaRule>;
export type SlaMetric = 'first_response' | 'next_response' | 'resolution';

export interface SlaTargets {
  first_response: SlaTarget | null;
  next_response: SlaTarget | null;
  resolution: SlaTarget | null;
}

/** Everything the metric logic needs for one thread, resolved from defaults, brand and account. */
export interface ThreadSettings {
  calendar: BusinessCalendar;
  /** Seconds, or null when the brand has no inactivity rule. */
  inactivityResolveAfter: number | null;
  needsReplyIntents: ReadonlySet<string>;
  defaultPriority: string;
  sla(platform: string, priority: string): SlaTargets;
}

export interface ThreadScope { brand: string; platform: string; account_id: string }

export class BrandSettings {
  private readonly calendars = new Map<string, BusinessCalendar>();
  private readonly resolved = new Map<string, ThreadSettings>();

  private constructor(readonly file: BrandsFile) {
    // Build every calendar now so a bad time zone or period fails at start-up, not mid-stream.
    this.calendarFor(file.defaults.business_hours);
    for (const brand of Object.values(file.brands)) {
      if (brand.business_hours) this.calendarFor(brand.business_hours);
      for (const account of Object.values(brand.accounts)) if (account.business_hours) this.calendarFor(account.business_hours);
    }
  }

  static fromObject(raw: unknown): BrandSettings {
    const parsed = brandsFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`invalid brand settings:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
    }
    return new BrandSettings(parsed.data);
  }

  /** Reads `path`, else $BRANDS_FILE, else infra/brands.yaml of this checkout. */
  static load(path: string = process.env.BRANDS_FILE || DEFAULT_BRANDS_FILE): BrandSettings {
    return BrandSettings.fromObject(parseYaml(readFileSync(path, 'utf8')));
  }

  private calendarFor(spec: CalendarSpec): BusinessCalendar {
    const key = JSON.stringify(spec);
    let cal = this.calendars.get(key);
    if (!cal) {
      cal = new BusinessCalendar(spec);
      this.calendars.set(key, cal);
    }
    return cal;
  }

  /** Settings for a thread's brand and account (unknown brands get the defaults). */
  forThread(scope: ThreadScope): ThreadSettings {
    const key = `${scope.brand}\u0000${scope.account_id}`;
    const hit = this.resolved.get(key);
    if (hit) return hit;
    const d = this.file.defaults;
    const brand = this.file.brands[scope.brand];
    const account = brand?.accounts[scope.account_id];
    // Precedence: account rules > brand rules > default rules; inside each list, a rule naming a priority
    // beats one naming only a platform (priority is an explicit escalation), which beats a catch-all;
    // among equals the later rule wins. Each metric is taken from the best rule that sets it.
    const rules: Array<{ rule: SlaRule; rank: number }> = [
      ...d.sla.map((rule, i) => ({ rule, rank: i })),
      ...(brand?.sla ?? []).map((rule, i) => ({ rule, rank: 1_000 + i })),
      ...(account?.sla ?? []).map((rule, i) => ({ rule, rank: 2_000 + i })),
    ];
    const settings: ThreadSettings = {
      calendar: this.calendarFor(account?.business_hours ?? brand?.business_hours ?? d.business_hours),
      inactivityResolveAfter: brand?.inactivity_resolve_after !== undefined ? brand.inactivity_resolve_after : d.inactivity_resolve_after,
      needsReplyIntents: new Set(brand?.needs_reply_intents ?? d.needs_reply_intents),
      defaultPriority: brand?.default_priority ?? d.default_priority,
      sla: (platform, priority) => resolveSla(rules, platform, priority),
    };
    this.resolved.set(key, settings);
    return settings;
  }
}

function resolveSla(rules: Array<{ rule: SlaRule; rank: number }>, platform: string, priority: string): SlaTargets {
  const matching = rules
    .filter(({ rule }) => (rule.platform === '*' || rule.platform === platform) && (rule.priority === '*' || rule.priority === priority))
    .map(({ rule, rank }) => ({ rule, score: rank + (rule.priority !== '*' ? 400 : 0) + (rule.platform !== '*' ? 200 : 0) }))
    .sort((a, b) => b.score - a.score);
  const pick = (metric: SlaMetric): SlaTarget | null => {
    for (const { rule } of matching) {
      const t = rule[metric];
      if (t !== undefined) return t; // null = explicitly no SLA for this metric
    }
    return null;
  };
  return { first_response: pick('first_response'), next_response: pick('next_response'), resolution: pick('resolution') };
}
