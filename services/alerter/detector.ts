import { alertIdOf, type AlertEvent, type Observation, type SampleMessage } from './alert.ts';
import { Baseline, HOUR_MS, type BaselineState, type Expectation } from './baseline.ts';
import { coldExpectation, foldSlot, newColdState, type ColdState } from './cold-start.ts';
import { DETECTOR_VERSION, type DetectorParams } from './params.ts';
import { anscombeScore } from './stats.ts';
import { topTerms } from './terms.ts';
import { pruneNegatives, SlotRing, type RecentNegative, type SlotRingState } from './window.ts';

/**
 * The spike detector: a pure state machine over customer messages in EVENT time. It never reads a
 * clock: the watermark is (max event time seen − allowedLateness), and every step (stepMs) up to the
 * watermark is evaluated exactly once, so the same events give the same alerts in a test, in the
 * evaluation and in production. State is plain data (`snapshot()` / constructor) so that a restart
 * resumes where it stopped.
 */
interface ActiveAlert {
  id: string;
  startedAt: number;
  detectedAt: number;
  peakRatio: number;
  calmSince: number | null;
}

interface KeyState {
  brand: string;
  platform: string;
  ring: SlotRingState;
  negatives: RecentNegative[];
  hours: Record<string, { total: number; neg: number }>;
  baseline: BaselineState;
  active: ActiveAlert | null;
  cooldownUntil: number;
  /** History before the key is warm (cold start); absent in snapshots of older versions. */
  cold?: ColdState;
}

export interface DetectorSnapshot {
  version: 1;
  maxEventTime: number;
  nextTick: number;
  /** Hours strictly before this one are closed (folded into the baselines). */
  openHour: number;
  /** The first hour seen was partial: it is not a baseline sample. */
  firstHour: number;
  keys: KeyState[];
}

export interface WindowStats {
  windowMs: number;
  observed: number;
  volume: number;
  baseline: number;
  ratio: number;
  score: number;
  share: number;
  baselineShare: number;
}

const MAX_NEGATIVES_KEPT = 2_000;

export class SpikeDetector {
  private readonly keys = new Map<string, { st: KeyState; ring: SlotRing; baseline: Baseline }>();
  private readonly ringSize: number;
  private maxEventTime = Number.NEGATIVE_INFINITY;
  private nextTick = Number.NaN;
  private openHour = Number.NaN;
  private firstHour = Number.NaN;
  private readonly maxWindowMs: number;

  /**
   * `reveal` opens a sealed text (crypto-shredding, shared/author-keys.ts): the detector keeps texts
   * as they came (sealed), so its snapshots hold no text in clear, and opens them only to pick
   * samples and count terms ('' once the author is erased). Identity for plain texts.
   */
  constructor(
    readonly p: DetectorParams,
    snapshot?: DetectorSnapshot,
    private readonly reveal: (text: string, brand: string) => string = (t) => t,
  ) {
    this.maxWindowMs = Math.max(...p.windowsMs, p.endWindowMs);
    this.ringSize = Math.ceil((this.maxWindowMs + p.allowedLatenessMs) / p.stepMs) + 8;
    if (snapshot) {
      this.maxEventTime = snapshot.maxEventTime;
      this.nextTick = snapshot.nextTick;
      this.openHour = snapshot.openHour;
      this.firstHour = snapshot.firstHour;
      for (const st of snapshot.keys) this.keys.set(keyOf(st.brand, st.platform), this.wrap(st));
    }
  }

  /** Largest event time seen (the input's progress). */
  get progress(): number {
    return this.maxEventTime;
  }

  /**
   * Gives the open alert of a key the id a previous run already emitted it under (see the service:
   * after a restart, partition interleaving may decide the same spike one step apart).
   */
  adoptAlertId(brand: string, platform: string, id: string): void {
    const k = this.keys.get(keyOf(brand, platform));
    if (k?.st.active) k.st.active.id = id;
  }

  get watermark(): number {
    return this.maxEventTime - this.p.allowedLatenessMs;
  }

  /** Takes one customer message; returns the alerts decided by the steps its arrival completed. */
  observe(o: Observation): AlertEvent[] {
    if (Number.isNaN(this.nextTick)) {
      this.nextTick = (Math.floor(o.time / this.p.stepMs) + 1) * this.p.stepMs;
      this.firstHour = Math.floor(o.time / HOUR_MS);
      this.openHour = this.firstHour;
    }
    const slot = Math.floor(o.time / this.p.stepMs);
    const oldestUseful = this.nextTick / this.p.stepMs - this.maxWindowMs / this.p.stepMs;
    const hour = Math.floor(o.time / HOUR_MS);
    for (const k of [this.key(o.brand, ''), this.key(o.brand, o.platform)]) {
      const cold = k.st.cold!;
      if (!k.baseline.warm) {
        if (cold.fromSlot === null || slot < cold.fromSlot) cold.fromSlot = slot;
        if (k.st.platform === '') cold.mix[o.platform] = (cold.mix[o.platform] ?? 0) + 1;
      }
      // Too late for every window still to be evaluated: it only counts in its hour, if still open.
      if (slot >= oldestUseful) {
        k.ring.add(slot, o.negative);
        if (o.negative) {
          k.st.negatives.push({
            time: o.time,
            messageId: o.messageId,
            text: o.text,
            language: o.language,
            url: o.url,
            score: o.score,
          });
        }
      }
      if (hour >= this.openHour) {
        const h = (k.st.hours[hour] ??= { total: 0, neg: 0 });
        h.total++;
        if (o.negative) h.neg++;
      }
    }
    if (o.time > this.maxEventTime) this.maxEventTime = o.time;
    return this.advanceTo(this.watermark);
  }

  /**
   * Evaluates every step up to `watermark`. The service calls this when the input is idle (no event
   * for a while) so that an end or a quiet period is still decided; the detector itself never does.
   */
  advanceTo(watermark: number): AlertEvent[] {
    const out: AlertEvent[] = [];
    if (Number.isNaN(this.nextTick)) return out;
    if (watermark - this.p.allowedLatenessMs > this.maxEventTime)
      this.maxEventTime = watermark + this.p.allowedLatenessMs;
    while (this.nextTick <= watermark) {
      const t = this.nextTick;
      if (t % HOUR_MS === 0) this.closeHoursBefore(t / HOUR_MS);
      for (const k of this.keys.values()) {
        const alert = this.evaluate(k, t);
        if (alert) out.push(alert);
      }
      this.nextTick += this.p.stepMs;
    }
    return out;
  }

  snapshot(): DetectorSnapshot {
    return {
      version: 1,
      maxEventTime: this.maxEventTime,
      nextTick: this.nextTick,
      openHour: this.openHour,
      firstHour: this.firstHour,
      keys: [...this.keys.values()].map((k) => k.st),
    };
  }

  /** Window statistics of a key at step `t` (exposed for tests and the docs' worked example). */
  windowStats(brand: string, platform: string, t: number, windowMs: number): WindowStats | null {
    const k = this.keys.get(keyOf(brand, platform));
    const e = k && this.expectation(k, t);
    return k && e ? this.stats(k, t, windowMs, e) : null;
  }

  /** What is normal for a key at step `t`: its baseline once warm, else the cold-start one (null: too little seen). */
  private expectation(k: { st: KeyState; baseline: Baseline }, t: number): Expectation | null {
    return k.baseline.warm ? k.baseline.expect(t) : coldExpectation(k.st.cold!, k.st.platform, this.p);
  }

  private closeHoursBefore(hourIndex: number): void {
    for (; this.openHour < hourIndex; this.openHour++) {
      for (const k of this.keys.values()) {
        const h = k.st.hours[this.openHour] ?? { total: 0, neg: 0 };
        delete k.st.hours[this.openHour];
        if (this.openHour === this.firstHour) continue;
        k.baseline.closeHour(this.openHour, h.total, h.neg, this.decontaminated(k, this.openHour, h.neg));
      }
    }
  }

  /** A past spike should not become tomorrow's normal: cap an alerted hour at 1.5× its expectation. */
  private decontaminated(k: { st: KeyState; baseline: Baseline }, hourIndex: number, neg: number): number {
    const alerted = k.st.active !== null || k.st.cooldownUntil > hourIndex * HOUR_MS;
    if (!alerted) return neg;
    const expected = k.baseline.expect(hourIndex * HOUR_MS + HOUR_MS / 2).negPerHour;
    return Math.min(neg, Math.ceil(expected * 1.5));
  }

  private stats(k: { ring: SlotRing }, t: number, windowMs: number, e: Expectation): WindowStats {
    const to = t / this.p.stepMs;
    const { total, neg } = k.ring.sum(to - windowMs / this.p.stepMs, to);
    let baseline = Math.max((e.negPerHour * windowMs) / HOUR_MS, 0.01) * (1 + e.cv);
    // Cold start: never below what the usual share of this window's volume gives (a busier hour is not a spike).
    if (e.source === 'cold') baseline = Math.max(baseline, total * e.share * this.p.coldStartVolumeFloor);
    return {
      windowMs,
      observed: neg,
      volume: total,
      baseline,
      ratio: neg / baseline,
      score: anscombeScore(neg, baseline),
      share: total > 0 ? neg / total : 0,
      baselineShare: e.share,
    };
  }

  /** Cheap pre-check: no window holds minNegatives, so none can fire (skips the baseline). */
  private enoughNegatives(ring: SlotRing, t: number): boolean {
    const to = t / this.p.stepMs;
    return this.p.windowsMs.some((w) => ring.sum(to - w / this.p.stepMs, to).neg >= this.p.minNegatives);
  }

  /** The start condition (docs/alerter.md, "Alert condition"). */
  private fires(w: WindowStats, e: Expectation): boolean {
    const p = this.p;
    return (
      w.observed >= p.minNegatives &&
      w.volume >= p.minVolume &&
      w.ratio >= p.ratioMin &&
      w.score >= (e.source === 'cold' ? p.coldStartScoreMin : p.scoreMin) &&
      w.share >= w.baselineShare + p.shareLiftMin &&
      w.share >= w.baselineShare * p.shareRatioMin
    );
  }

  private evaluate(k: { st: KeyState; ring: SlotRing; baseline: Baseline }, t: number): AlertEvent | null {
    const st = k.st;
    st.negatives = pruneNegatives(st.negatives, t - this.maxWindowMs, MAX_NEGATIVES_KEPT);
    if (!k.baseline.warm) {
      // The slot that has just left the longest window joins the cold-start history.
      const out = t / this.p.stepMs - this.maxWindowMs / this.p.stepMs - 1;
      const c = k.ring.at(out);
      foldSlot(st.cold!, out, this.p.stepMs, c.total, c.neg, st.active !== null || t < st.cooldownUntil);
    }
    if (!st.active && (t < st.cooldownUntil || !this.enoughNegatives(k.ring, t))) return null;
    const e = this.expectation(k, t);
    if (!e) return null;
    if (st.active) {
      const w = this.stats(k, t, this.p.endWindowMs, e);
      st.active.peakRatio = Math.max(st.active.peakRatio, w.ratio);
      const calm = w.ratio < this.p.endRatio || w.score < this.p.endScore;
      if (!calm) {
        st.active.calmSince = null;
        return null;
      }
      st.active.calmSince ??= t;
      if (t - st.active.calmSince < this.p.endHoldMs) return null;
      const ended = st.active;
      st.active = null;
      st.cooldownUntil = t + this.p.cooldownMs;
      return this.event(st, 'end', ended, t, w, [], []);
    }
    if (t < st.cooldownUntil) return null;
    let best: WindowStats | null = null;
    for (const windowMs of this.p.windowsMs) {
      const w = this.stats(k, t, windowMs, e);
      if (this.fires(w, e) && (!best || w.score > best.score)) best = w;
    }
    if (!best) return null;
    const active: ActiveAlert = {
      id: alertIdOf(st.brand, st.platform, t),
      startedAt: this.onset(k, t, best, e),
      detectedAt: t,
      peakRatio: best.ratio,
      calmSince: null,
    };
    st.active = active;
    const inWindow = st.negatives.filter((n) => n.time >= t - best.windowMs && n.time < t);
    const texts = inWindow.map((n) => this.reveal(n.text, st.brand));
    // Samples keep the text as it came (sealed): the alerts topic then shreds with the author's key.
    const seen = new Set<string>(['']);
    const samples = inWindow
      .map((n, i) => ({ n, text: texts[i]! }))
      .sort(
        ({ n: a }, { n: b }) =>
          (a.score ?? 0) - (b.score ?? 0) || b.time - a.time || (a.messageId < b.messageId ? -1 : 1),
      )
      .filter(({ text }) => !seen.has(text) && Boolean(seen.add(text)))
      .slice(0, this.p.samples)
      .map(({ n }): SampleMessage => ({
        message_id: n.messageId,
        text: n.text,
        language: n.language,
        url: n.url,
        sentiment_score: n.score,
      }));
    const terms = topTerms(texts, this.p.topTerms, [st.brand]);
    return this.event(st, 'start', active, t, best, samples, terms);
  }

  /**
   * Onset ("since when"): the slot from which the excess of negatives over the expected rate,
   * summed up to now, is largest (the CUSUM change-point estimate), within the longest window.
   */
  private onset(k: { ring: SlotRing }, t: number, w: WindowStats, e: Expectation): number {
    // Reference half-way between the normal rate and the rate in the firing window (CUSUM's k), so
    // that the usual scattered negatives before the spike do not pull the onset earlier.
    const perSlot = (e.negPerHour * this.p.stepMs) / HOUR_MS;
    const firing = w.observed / (w.windowMs / this.p.stepMs);
    const ref = (perSlot + Math.max(firing, perSlot)) / 2;
    const to = t / this.p.stepMs;
    let excess = 0;
    let best = -Infinity;
    let bestSlot = to - 1;
    for (let slot = to - 1; slot >= to - this.maxWindowMs / this.p.stepMs; slot--) {
      excess += k.ring.negAt(slot) - ref;
      if (excess > best) {
        best = excess;
        bestSlot = slot;
      }
    }
    return bestSlot * this.p.stepMs;
  }

  private event(
    st: KeyState,
    kind: 'start' | 'end',
    a: ActiveAlert,
    t: number,
    w: WindowStats,
    samples: SampleMessage[],
    terms: { term: string; count: number }[],
  ): AlertEvent {
    return {
      alert_id: a.id,
      kind,
      brand: st.brand,
      platform: st.platform,
      started_at: a.startedAt,
      detected_at: kind === 'start' ? a.detectedAt : t,
      ended_at: kind === 'end' ? (a.calmSince ?? t) : null,
      window_s: w.windowMs / 1000,
      observed: w.observed,
      baseline: w.baseline,
      ratio: w.ratio,
      score: w.score,
      peak_ratio: a.peakRatio,
      negative_share: w.share,
      baseline_share: w.baselineShare,
      volume: w.volume,
      samples,
      top_terms: terms,
      detector_version: DETECTOR_VERSION,
      emitted_at: 0,
    };
  }

  private key(brand: string, platform: string) {
    const id = keyOf(brand, platform);
    let k = this.keys.get(id);
    if (!k) {
      k = this.wrap({
        brand,
        platform,
        ring: new SlotRing(this.ringSize).s,
        negatives: [],
        hours: {},
        baseline: new Baseline(this.p).state,
        active: null,
        cooldownUntil: 0,
        cold: newColdState(),
      });
      this.keys.set(id, k);
    }
    return k;
  }

  private wrap(st: KeyState) {
    st.cold ??= newColdState();
    return { st, ring: new SlotRing(this.ringSize, st.ring), baseline: new Baseline(this.p, st.baseline) };
  }
}

function keyOf(brand: string, platform: string): string {
  return `${brand}\u0000${platform}`;
}
