import type { CanonicalEvent } from '../ingest/canonical.ts';
import { brandProfile, PRIVATE_PLATFORMS, type BrandProfile } from './brands.ts';
import { BusinessHours } from './business-hours.ts';
import { MinHeap } from './heap.ts';
import { hash32, Random } from './random.ts';
import { scriptThread } from './thread-script.ts';
import { CRISIS_TOPICS, type CrisisTopic, type CustomerIntent } from './texts/index.ts';

/**
 * The simulated world: thread arrivals per brand (a Poisson process shaped by the hour of day),
 * injected crises, and the delivery of each thread's events to brandpulse with realistic lag,
 * late arrivals, duplicates and out-of-order delivery. Pure: time only moves when `advance(to)`
 * is called, so it runs live (to = now) or as a fast backfill, and the same seed and start give
 * the same events however the time is sliced.
 */
export interface SimulationOptions {
  seed: number;
  brands: readonly string[];
  /** Simulated start (epoch ms). */
  start: number;
  /** Average events per second over a day, all brands together. */
  rate: number;
  /** Disable the day/night shape of arrivals (constant rate). */
  flat?: boolean;
  /** Mean hours between random crises per brand; 0 disables random crises. */
  crisisEveryHours?: number;
  /** Explicit crises. */
  crises?: readonly CrisisSpec[];
}

export interface CrisisSpec {
  brand: string;
  start: number;
  durationMs: number;
  topic?: CrisisTopic;
  platform?: string;
  /** Extra negative threads, as a multiple of the brand's normal rate. */
  multiplier?: number;
}

export interface Delivery {
  /** When the simulator hands it to brandpulse. */
  deliverAt: number;
  event: CanonicalEvent;
  /** True for the second copy of a duplicated delivery. */
  duplicate: boolean;
}

/** Average events a thread produces (measured on long runs; keeps --rate honest). */
export const EVENTS_PER_THREAD = 3.7;

/** Relative arrival rate by local hour: quiet nights, lunch and evening peaks (mean 1). */
const DIURNAL = [
  0.25, 0.15, 0.1, 0.08, 0.08, 0.15, 0.35, 0.7, 1.1, 1.3, 1.35, 1.35, 1.5, 1.45, 1.3, 1.25, 1.3, 1.4, 1.5, 1.65, 1.7,
  1.6, 1.2, 0.65,
];
const DIURNAL_MEAN = DIURNAL.reduce((a, b) => a + b, 0) / DIURNAL.length;
const DIURNAL_MAX = Math.max(...DIURNAL) / DIURNAL_MEAN;

const INTENT_MIX: Record<CustomerIntent, number> = {
  question: 15,
  technical_issue: 14,
  order: 18,
  pre_purchase: 11,
  complaint: 13,
  praise: 16,
  spam: 6,
  abuse: 2,
  other: 5,
};

const MIN = 60_000;
const HOUR = 60 * MIN;

interface BrandState {
  profile: BrandProfile;
  hours: BusinessHours;
  index: number;
  arrivals: Random;
  crisisRng: Random;
  /** Threads per ms at a diurnal factor of 1. */
  baseRate: number;
  nextCandidate: number;
  threads: number;
  crises: CrisisSpec[];
  nextRandomCrisis: number;
}

export class Simulation {
  private readonly heap = new MinHeap<Delivery>();
  private readonly brands: BrandState[];
  private readonly runTag: string;
  private readonly maxMultiplier: number;
  private now: number;

  constructor(readonly options: SimulationOptions) {
    if (options.brands.length === 0) throw new Error('simulation needs at least one brand');
    if (!(options.rate > 0)) throw new Error('rate must be positive');
    this.now = options.start;
    this.runTag = `sim${(options.seed >>> 0).toString(36)}${Math.floor(options.start / 1000).toString(36)}`;
    const profiles = options.brands.map(brandProfile);
    const totalWeight = profiles.reduce((s, p) => s + p.weight, 0);
    const root = new Random(options.seed);
    this.brands = profiles.map((profile, index) => {
      const arrivals = root.fork();
      const crisisRng = root.fork();
      // Random crises add threads (mean multiplier 3.25 for a mean 45 min every `every` hours): keep the
      // daily average at `rate` by lowering the normal flow by that much.
      const every = options.crisisEveryHours ?? 8;
      const crisisShare = every > 0 ? (3.25 * 0.75) / every : 0;
      const baseRate = (options.rate * (profile.weight / totalWeight)) / EVENTS_PER_THREAD / 1000 / (1 + crisisShare);
      const state: BrandState = {
        profile,
        hours: new BusinessHours(profile.hours),
        index,
        arrivals,
        crisisRng,
        baseRate,
        nextCandidate: options.start,
        threads: 0,
        // A crisis is about one thing: a scripted one without a topic gets one, drawn from the brand's stream.
        crises: (options.crises ?? [])
          .filter((c) => c.brand === profile.brand)
          .map((c) => ({ ...c, topic: c.topic ?? crisisRng.pick(CRISIS_TOPICS) })),
        nextRandomCrisis: Infinity,
      };
      // Random crises start after the brand's explicit ones: a scripted crisis (npm start's demo) is then
      // the spike it shows, not lost inside a random one or the alert cooldown after it.
      const calmUntil = Math.max(options.start, ...state.crises.map((c) => c.start + c.durationMs + HOUR));
      if (every > 0) state.nextRandomCrisis = calmUntil + crisisRng.exponential(every * HOUR);
      return state;
    });
    this.maxMultiplier = Math.max(4, ...(options.crises ?? []).map((c) => c.multiplier ?? 4));
    for (const s of this.brands) s.nextCandidate = options.start + s.arrivals.exponential(1 / this.maxRate(s));
  }

  /** Simulated time reached so far. */
  get time(): number {
    return this.now;
  }

  /** Threads started so far, all brands. */
  get threadsStarted(): number {
    return this.brands.reduce((n, s) => n + s.threads, 0);
  }

  /** Deliveries scheduled but not yet due (replies planned for later, late events). */
  get pending(): number {
    return this.heap.size;
  }

  /** Every delivery due up to `to` (inclusive), in delivery order. */
  advance(to: number): Delivery[] {
    if (to < this.now) return [];
    for (const s of this.brands) this.arrive(s, to);
    this.now = to;
    const out: Delivery[] = [];
    while (this.heap.size > 0 && this.heap.peekKey()! <= to) out.push(this.heap.pop()!);
    return out;
  }

  private maxRate(s: BrandState): number {
    const diurnal = this.options.flat ? 1 : DIURNAL_MAX;
    return s.baseRate * (diurnal + this.maxMultiplier);
  }

  private crisisAt(s: BrandState, t: number): CrisisSpec | undefined {
    // Random crises are drawn lazily, in time order, from the brand's own stream.
    while (s.nextRandomCrisis <= t) {
      const r = s.crisisRng;
      const platforms = Object.keys(s.profile.platforms).filter((p) => !PRIVATE_PLATFORMS.has(p));
      s.crises.push({
        brand: s.profile.brand,
        start: s.nextRandomCrisis,
        durationMs: r.between(20 * MIN, 70 * MIN),
        topic: r.pick(CRISIS_TOPICS),
        platform: r.pick(platforms),
        multiplier: r.between(2.5, 4),
      });
      s.nextRandomCrisis += r.exponential((this.options.crisisEveryHours ?? 8) * HOUR);
    }
    return s.crises.find((c) => t >= c.start && t < c.start + c.durationMs);
  }

  /** Thinning of a Poisson process: candidates at the maximum rate, accepted by the rate at that instant. */
  private arrive(s: BrandState, to: number): void {
    const max = this.maxRate(s);
    while (s.nextCandidate <= to) {
      const t = s.nextCandidate;
      s.nextCandidate = t + s.arrivals.exponential(1 / max);
      const u = s.arrivals.next() * max;
      const hour = s.hours.localHour(t);
      const normal = s.baseRate * (this.options.flat ? 1 : (DIURNAL[hour] ?? 1) / DIURNAL_MEAN);
      const crisis = this.crisisAt(s, t);
      const crisisRate = crisis ? s.baseRate * (crisis.multiplier ?? 4) : 0;
      if (u < normal) this.startThread(s, t, null);
      else if (u < normal + crisisRate) this.startThread(s, t, crisis!);
    }
  }

  private startThread(s: BrandState, t: number, crisis: CrisisSpec | null): void {
    const n = s.threads++;
    // Each thread has its own stream, so its story does not depend on how time was sliced.
    const rng = new Random(hash32(`${this.options.seed}/${s.profile.brand}/${n}`));
    const platform = crisis?.platform ?? rng.weighted(s.profile.platforms);
    const language = rng.weighted(s.profile.languages);
    const intent: CustomerIntent = crisis ? 'complaint' : rng.weighted(INTENT_MIX);
    const topic = crisis ? (crisis.topic ?? rng.pick(CRISIS_TOPICS)) : null;
    const threadId = `${this.runTag}-${s.profile.brand}-t${n}`;
    const postId = PRIVATE_PLATFORMS.has(platform)
      ? null
      : `${s.profile.brand}-${platform}-post${Math.floor(t / (4 * HOUR))}`;
    const customerId = `${platform}-user-${rng.int(1, 200_000)}`;
    const planned = scriptThread(
      {
        threadId,
        brand: s.profile,
        hours: s.hours,
        platform,
        postId,
        customerId,
        language,
        intent,
        crisis: topic,
        start: t,
        load: crisis ? 2.5 : 1,
      },
      rng,
    );
    for (const p of planned) {
      const deliverAt = p.time + this.lag(rng);
      this.heap.push(Math.round(deliverAt), { deliverAt: Math.round(deliverAt), event: p.event, duplicate: false });
      // Platforms redeliver now and then (webhook retries): the same event id, a little later.
      if (rng.chance(0.005)) {
        const again = Math.round(deliverAt + rng.between(1_000, 10 * MIN));
        this.heap.push(again, { deliverAt: again, event: p.event, duplicate: true });
      }
    }
  }

  /** Platform → brandpulse lag: usually under a few seconds, sometimes minutes or hours late. */
  private lag(rng: Random): number {
    const r = rng.next();
    if (r < 0.03) return rng.between(2 * MIN, 3 * HOUR);
    if (r < 0.05) return rng.between(5_000, 60_000);
    return Math.min(rng.logNormal(800, 0.7), 5_000);
  }
}
