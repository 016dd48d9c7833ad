import type { Observation } from '../alert.ts';
import { rng } from '../../shared/random.ts';

/**
 * Deterministic traffic for the detector's evaluation: weeks of customer messages for a few brands
 * of different sizes, with daily and weekly seasonality (night and weekend lulls), slow drifts of
 * the level, hourly noise, viral POSITIVE bursts (volume ×4–10, mostly praise) and injected
 * negative spikes of varied size, shape (step or 60 s ramp), duration and scope (one platform or
 * every platform). Same seed, same traffic.
 */
export interface SimBrand {
  name: string;
  /** Mean customer messages per hour at the daily peak on a weekday. */
  peakPerHour: number;
  /** Offset of the brand's local time from UTC, hours. */
  utcOffset: number;
  negativeShare: number;
}

export interface InjectedSpike {
  brand: string;
  /** '' when the spike hits every platform. */
  platform: string;
  onset: number;
  end: number;
  /** Extra negative messages per minute at full strength. */
  perMinute: number;
  ramp: boolean;
}

export interface ViralBurst {
  brand: string;
  platform: string;
  start: number;
  end: number;
  factor: number;
}

export interface SimOptions {
  seed: number;
  start: number;
  weeks: number;
  brands: SimBrand[];
  platforms: { name: string; weight: number }[];
  spikesPerBrandWeek: number;
  burstsPerBrandWeek: number;
  /** Spikes are placed only after this time (the detector's warm-up is not scored). */
  spikesFrom: number;
  /** Smallest and largest injected extra negatives per minute. */
  spikeRate: [number, number];
  /** Arrival order: each message arrives up to this much after its event time. */
  maxDelayMs: number;
}

export interface Simulation {
  observations: Observation[];
  spikes: InjectedSpike[];
  bursts: ViralBurst[];
  options: SimOptions;
}

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** A ramped spike reaches full strength linearly over this long. */
export const RAMP_MS = 30_000;

export const DEFAULT_SIM: SimOptions = {
  seed: 42,
  start: Date.UTC(2025, 0, 6), // a Monday
  weeks: 6,
  brands: [
    { name: 'acme', peakPerHour: 900, utcOffset: 1, negativeShare: 0.15 },
    { name: 'globex', peakPerHour: 240, utcOffset: -5, negativeShare: 0.2 },
    { name: 'initech', peakPerHour: 60, utcOffset: 2, negativeShare: 0.12 },
  ],
  platforms: [
    { name: 'instagram', weight: 0.4 },
    { name: 'facebook', weight: 0.3 },
    { name: 'x', weight: 0.2 },
    { name: 'youtube', weight: 0.1 },
  ],
  spikesPerBrandWeek: 2,
  burstsPerBrandWeek: 3,
  spikesFrom: Date.UTC(2025, 0, 6) + 2 * WEEK,
  spikeRate: [25, 80],
  maxDelayMs: 3_000,
};

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Relative activity by local hour: a night lull, a morning ramp, a lunch and an evening peak. */
const DAILY = [
  0.25, 0.15, 0.08, 0.05, 0.05, 0.08, 0.2, 0.45, 0.7, 0.85, 0.9, 0.95, 1, 0.95, 0.85, 0.8, 0.8, 0.85, 0.9, 1, 0.95, 0.8,
  0.6, 0.4,
];

const NEGATIVE_TEXTS = [
  'app keeps crashing after the update, cannot login',
  'my order never arrived and support ignores me',
  "l'app continua a bloccarsi dopo l'aggiornamento",
  'ordine mai arrivato, rimborso subito',
  'la app se cierra sola después de la actualización',
  "l'application plante depuis la mise à jour",
  'die App stürzt nach dem Update ständig ab',
  'o aplicativo trava depois da atualização',
  'refund still not processed, worst service ever',
  'payment failed twice and I was charged twice',
];
const SPIKE_TEXTS = [
  'outage again! app down, cannot login, checkout broken',
  'checkout broken, payment failed, app down for everyone?',
  'login broken since this morning, app down, outage',
  'app down again, outage, cannot login at all',
  'app in crash, login impossibile, outage totale',
];
const NEUTRAL_TEXTS = [
  'what time do you open on sunday?',
  'is the new model available in blue',
  'quando arriva la nuova collezione?',
  'hay envío a Chile?',
];
const POSITIVE_TEXTS = [
  'love the new collection!',
  'amazing service, thank you',
  'bellissimo, grazie mille',
  'me encanta 😍',
  'super produit, merci',
];

export function simulate(options: SimOptions = DEFAULT_SIM): Simulation {
  const r = rng(options.seed);
  const end = options.start + options.weeks * WEEK;
  const spikes: InjectedSpike[] = [];
  const bursts: ViralBurst[] = [];
  const pickPlatform = (): string => {
    let x = r();
    for (const p of options.platforms) {
      if ((x -= p.weight) < 0) return p.name;
    }
    return options.platforms[options.platforms.length - 1]!.name;
  };

  for (const brand of options.brands) {
    const scoredWeeks = (end - options.spikesFrom) / WEEK;
    const nSpikes = Math.round(options.spikesPerBrandWeek * scoredWeeks);
    for (let i = 0; i < nSpikes; i++) {
      // One spike per slot of equal length, at a random place in it: spikes never overlap.
      const slot = (end - options.spikesFrom - 2 * HOUR) / nSpikes;
      const onset = Math.floor(options.spikesFrom + i * slot + r() * (slot - 2 * HOUR));
      const [lo, hi] = options.spikeRate;
      spikes.push({
        brand: brand.name,
        platform: r() < 0.25 ? '' : pickPlatform(),
        onset,
        end: onset + (5 + Math.floor(r() * 40)) * MIN,
        perMinute: lo * Math.pow(hi / lo, r()),
        ramp: r() < 0.5,
      });
    }
    const nBursts = Math.round(options.burstsPerBrandWeek * options.weeks);
    for (let i = 0; i < nBursts; i++) {
      const start = Math.floor(options.start + r() * (end - options.start - 2 * HOUR));
      bursts.push({
        brand: brand.name,
        platform: pickPlatform(),
        start,
        end: start + (20 + Math.floor(r() * 70)) * MIN,
        factor: 4 + r() * 6,
      });
    }
  }

  const observations: Observation[] = [];
  let seq = 0;
  const emit = (
    brand: SimBrand,
    platform: string,
    time: number,
    label: 'negative' | 'neutral' | 'positive',
    pool: string[],
  ) => {
    seq++;
    const text = pool[Math.floor(r() * pool.length)]!;
    observations.push({
      eventId: `sim-${seq}`,
      time: Math.floor(time),
      brand: brand.name,
      platform,
      negative: label === 'negative',
      score: label === 'negative' ? -0.5 - r() * 0.5 : label === 'positive' ? 0.5 + r() * 0.5 : 0,
      messageId: `m-${seq}`,
      text,
      language: 'und',
      url: null,
    });
  };

  for (const brand of options.brands) {
    let level = 1;
    for (let hourStart = options.start; hourStart < end; hourStart += HOUR) {
      // A slow random walk of the level (some weeks are busier) and hourly noise.
      level = Math.min(1.6, Math.max(0.6, level * Math.exp(0.03 * gaussian(r))));
      const local = new Date(hourStart + brand.utcOffset * HOUR);
      const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
      const rate =
        brand.peakPerHour * DAILY[local.getUTCHours()]! * (weekend ? 0.55 : 1) * level * Math.exp(0.1 * gaussian(r));
      const share = Math.min(0.6, Math.max(0.02, brand.negativeShare * Math.exp(0.15 * gaussian(r))));
      // Poisson process by exponential gaps.
      for (
        let t = hourStart - Math.log(1 - r()) * (HOUR / rate);
        t < hourStart + HOUR;
        t += -Math.log(1 - r()) * (HOUR / rate)
      ) {
        const x = r();
        const label = x < share ? 'negative' : x < share + 0.45 ? 'neutral' : 'positive';
        emit(
          brand,
          pickPlatform(),
          t,
          label,
          label === 'negative' ? NEGATIVE_TEXTS : label === 'neutral' ? NEUTRAL_TEXTS : POSITIVE_TEXTS,
        );
      }
    }
    for (const b of bursts.filter((x) => x.brand === brand.name)) {
      const perMs = (brand.peakPerHour * (b.factor - 1)) / HOUR;
      for (let t = b.start - Math.log(1 - r()) / perMs; t < b.end; t += -Math.log(1 - r()) / perMs) {
        const x = r();
        const label = x < 0.04 ? 'negative' : x < 0.15 ? 'neutral' : 'positive';
        emit(
          brand,
          b.platform,
          t,
          label,
          label === 'negative' ? NEGATIVE_TEXTS : label === 'neutral' ? NEUTRAL_TEXTS : POSITIVE_TEXTS,
        );
      }
    }
    for (const s of spikes.filter((x) => x.brand === brand.name)) {
      // Thinning: a Poisson process at full rate, kept with the ramp's fraction during the first minute.
      const perMs = s.perMinute / MIN;
      for (let t = s.onset - Math.log(1 - r()) / perMs; t < s.end; t += -Math.log(1 - r()) / perMs) {
        if (s.ramp && t - s.onset < RAMP_MS && r() > (t - s.onset) / RAMP_MS) continue;
        emit(brand, s.platform || pickPlatform(), t, 'negative', SPIKE_TEXTS);
      }
    }
  }

  // Arrival order: event time plus a small random delivery delay (out-of-order by up to maxDelayMs).
  const order = observations.map((o, i) => ({ i, at: o.time + r() * options.maxDelayMs }));
  order.sort((a, b) => a.at - b.at || a.i - b.i);
  return { observations: order.map((x) => observations[x.i]!), spikes, bursts, options };
}
