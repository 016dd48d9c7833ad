import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_FUTURE_SKEW_MS,
  EVENT_TIME_HARD_MAX_MS,
  MAX_EVENT_BYTES,
  MAX_EVENT_BYTES_BOUND,
  MIN_EVENT_TIME_MS,
  checkEventTime,
  isEventTimeInWindow,
  parseEventTime,
  parseIsoInstant,
  stringProblem,
  utf8Bytes,
  wellFormedText,
  type TimeWindow,
} from '../../../services/shared/limits.ts';

const NOW = Date.UTC(2026, 11, 1, 12);
const window: TimeWindow = { now: () => NOW, maxFutureSkewMs: DEFAULT_MAX_FUTURE_SKEW_MS };
const ms = (text: string) => {
  const r = parseIsoInstant(text);
  if (!r.ok) throw new Error(`${text}: ${r.reason}`);
  return r.ms;
};
const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? 'ok' : r.reason);

describe('event time: parsing ISO-8601', () => {
  it('agrees with Date.parse on every valid form: Z, offsets, fractions', () => {
    for (const text of [
      '2024-05-01T10:00:00Z',
      '2024-05-01T12:00:00+02:00',
      '2024-05-01T05:30:00-04:30',
      '2024-05-01T10:00:00.5Z',
      '2024-05-01T10:00:00.123Z',
      '2024-05-01T10:00:00.123456789+01:00',
      '2024-02-29T23:59:59.999Z',
      '2000-01-01T00:00:00Z',
    ]) {
      expect(ms(text), text).toBe(Date.parse(text));
    }
  });

  it('truncates fractions to the millisecond, as Date.parse does', () => {
    expect(ms('2024-05-01T10:00:00.9999Z')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 999));
    expect(ms('2024-05-01T10:00:00.000000001Z')).toBe(Date.UTC(2024, 4, 1, 10));
  });

  it('refuses what Date.parse rolls over or cannot hold', () => {
    expect(Date.parse('2024-02-30T00:00:00Z')).not.toBeNaN(); // Date.parse makes it March 1st
    expect(reason(parseIsoInstant('2024-02-30T00:00:00Z'))).toMatch(/no day 30/);
    expect(reason(parseIsoInstant('2023-02-29T00:00:00Z'))).toMatch(/no day 29/);
    expect(reason(parseIsoInstant('2024-04-31T00:00:00Z'))).toMatch(/no day 31/);
    expect(reason(parseIsoInstant('2024-13-01T00:00:00Z'))).toMatch(/month 13/);
    expect(reason(parseIsoInstant('2024-00-10T00:00:00Z'))).toMatch(/month 00/);
    expect(reason(parseIsoInstant('2024-05-01T24:00:00Z'))).toMatch(/time of day/);
    expect(reason(parseIsoInstant('2024-05-01T10:60:00Z'))).toMatch(/time of day/);
    expect(reason(parseIsoInstant('2016-12-31T23:59:60Z'))).toMatch(/leap second/);
    expect(reason(parseIsoInstant('2024-05-01T10:00:61Z'))).toMatch(/second 61/);
    expect(reason(parseIsoInstant(`2024-05-01T10:00:00.${'1'.repeat(10)}Z`))).toMatch(/9 fraction digits/);
    expect(reason(parseIsoInstant(`2024-05-01T10:00:00.${'1'.repeat(100_000)}Z`))).toMatch(/at most 40 characters/);
    expect(parseIsoInstant('12024-01-01T00:00:00Z').ok).toBe(false);
    expect(parseIsoInstant('+012024-01-01T00:00:00Z').ok).toBe(false);
    expect(parseIsoInstant('2024-05-01T10:00:00').ok).toBe(false); // no zone: ambiguous
    expect(parseIsoInstant('2024-05-01 10:00:00Z').ok).toBe(false);
    expect(parseIsoInstant('2024-05-01T10:00Z').ok).toBe(false);
    expect(parseIsoInstant('2024-05-01T10:00:00+0200').ok).toBe(false);
    expect(parseIsoInstant('yesterday').ok).toBe(false);
  });

  it('takes offsets from -12:00 to +14:00 and applies them', () => {
    expect(ms('2024-05-01T23:59:59+14:00')).toBe(Date.UTC(2024, 4, 1, 9, 59, 59));
    expect(ms('2024-05-01T00:00:00-12:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(reason(parseIsoInstant('2024-05-01T00:00:00+14:01'))).toMatch(/outside -12:00\.\.\+14:00/);
    expect(reason(parseIsoInstant('2024-05-01T00:00:00-12:30'))).toMatch(/outside/);
    expect(reason(parseIsoInstant('2024-05-01T00:00:00+23:59'))).toMatch(/outside/);
    expect(reason(parseIsoInstant('2024-05-01T00:00:00+02:60'))).toMatch(/not an offset/);
  });

  it('keeps years 0-99 as written (Date.UTC would make them 1900-1999)', () => {
    expect(ms('0050-01-01T00:00:00Z')).toBe(Date.parse('0050-01-01T00:00:00Z'));
  });
});

describe('event time: the window', () => {
  it('is [2000-01-01T00:00:00Z, now + skew] whatever the form', () => {
    expect(checkEventTime('9999-12-31T23:59:59Z', window).ok).toBe(false);
    expect(checkEventTime('1899-12-31T23:59:59+14:00', window).ok).toBe(false);
    expect(reason(checkEventTime('9999-12-31T23:59:59Z', window))).toMatch(
      /between 2000-01-01T00:00:00\.000Z and now \+ 1 day \(2026-12-02T12:00:00\.000Z\); got 9999-12-31T23:59:59\.000Z/,
    );
    expect(checkEventTime(MIN_EVENT_TIME_MS, window).ok).toBe(true);
    expect(checkEventTime(MIN_EVENT_TIME_MS - 1, window).ok).toBe(false);
    expect(checkEventTime('2000-01-01T00:00:00Z', window).ok).toBe(true);
    expect(checkEventTime('1999-12-31T23:59:59.999Z', window).ok).toBe(false);
    // The offset decides which side of the bound an instant is on.
    expect(checkEventTime('2000-01-01T00:00:00+14:00', window).ok).toBe(false);
    expect(checkEventTime('1999-12-31T12:00:00-12:00', window).ok).toBe(true);
    expect(checkEventTime(NOW + DEFAULT_MAX_FUTURE_SKEW_MS, window).ok).toBe(true);
    expect(checkEventTime(NOW + DEFAULT_MAX_FUTURE_SKEW_MS + 1, window).ok).toBe(false);
    expect(checkEventTime(new Date(NOW + DEFAULT_MAX_FUTURE_SKEW_MS + 1000).toISOString(), window).ok).toBe(false);
  });

  it('moves with the clock and the skew setting, under a ceiling that does not', () => {
    expect(isEventTimeInWindow(NOW + 2 * DEFAULT_MAX_FUTURE_SKEW_MS, window)).toBe(false);
    expect(
      isEventTimeInWindow(NOW + 2 * DEFAULT_MAX_FUTURE_SKEW_MS, {
        ...window,
        maxFutureSkewMs: 3 * DEFAULT_MAX_FUTURE_SKEW_MS,
      }),
    ).toBe(true);
    expect(isEventTimeInWindow(NOW + 1, { ...window, maxFutureSkewMs: 0 })).toBe(false);
    const farClock: TimeWindow = { now: () => Date.UTC(2099, 11, 31, 12), maxFutureSkewMs: DEFAULT_MAX_FUTURE_SKEW_MS };
    expect(isEventTimeInWindow(EVENT_TIME_HARD_MAX_MS, farClock)).toBe(true);
    expect(isEventTimeInWindow(EVENT_TIME_HARD_MAX_MS + 1, farClock)).toBe(false);
  });

  it('refuses numbers that are not instants: NaN, Infinity, fractions of a ms, epoch seconds, absurd values', () => {
    expect(reason(checkEventTime(Number.NaN, window))).toMatch(/finite/);
    expect(reason(checkEventTime(Number.POSITIVE_INFINITY, window))).toMatch(/finite/);
    expect(reason(checkEventTime(Number.NEGATIVE_INFINITY, window))).toMatch(/finite/);
    expect(reason(checkEventTime(1_714_557_600_000.5, window))).toMatch(/integer/);
    expect(reason(checkEventTime(1_714_557_600, window))).toMatch(/epoch seconds/);
    expect(reason(checkEventTime(-8.64e15, window))).toMatch(/between/);
    expect(reason(checkEventTime(1e300, window))).toMatch(/got 1e\+300/);
    expect(reason(checkEventTime(null, window))).toMatch(/got null/);
    expect(reason(checkEventTime({}, window))).toMatch(/got object/);
  });

  it('reads epoch seconds, as numbers or digit strings, where the source sends seconds', () => {
    expect(parseEventTime(1_714_557_600, 's')).toEqual({ ok: true, ms: 1_714_557_600_000 });
    expect(parseEventTime('1714557600', 's')).toEqual({ ok: true, ms: 1_714_557_600_000 });
    expect(parseEventTime(1_714_557_600.25, 's')).toEqual({ ok: true, ms: 1_714_557_600_250 });
    expect(checkEventTime(1e20, window, 's').ok).toBe(false);
    expect(checkEventTime('99999999999999', window, 's').ok).toBe(false);
    expect(checkEventTime('2024-05-01T10:00:00Z', window, 's')).toEqual({ ok: true, ms: Date.UTC(2024, 4, 1, 10) });
  });
});

describe('strings', () => {
  it('measures UTF-8 bytes, not UTF-16 units', () => {
    expect(utf8Bytes('abc')).toBe(3);
    expect(utf8Bytes('è')).toBe(2);
    expect(utf8Bytes('€')).toBe(3);
    expect(utf8Bytes('😀')).toBe(4);
    expect(stringProblem('€'.repeat(100), 'text', 299)).toMatch(/at most 299 bytes of UTF-8 \(got 300\)/);
    expect(stringProblem('€'.repeat(100), 'text', 300)).toBeNull();
    expect(stringProblem('a'.repeat(257), 'id', 256)).toMatch(/256 bytes/);
  });

  it('refuses control characters in ids, NUL in text, and lone surrogates everywhere', () => {
    expect(stringProblem('user\u000042', 'id', 256)).toMatch(/control/);
    expect(stringProblem('user\n42', 'id', 256)).toMatch(/control/);
    expect(stringProblem('user\u007f', 'id', 256)).toMatch(/control/);
    expect(stringProblem('line one\nline two\ttab', 'text', 256)).toBeNull();
    expect(stringProblem('hello\u0000world', 'text', 256)).toMatch(/NUL/);
    expect(stringProblem('broken \ud83d emoji', 'text', 256)).toMatch(/lone UTF-16 surrogate/);
    expect(stringProblem('\ude00 low first', 'id', 256)).toMatch(/surrogate/);
    expect(stringProblem('whole 😀 emoji', 'text', 256)).toBeNull();
  });

  it('repairs platform text instead of losing the message', () => {
    expect(wellFormedText('broken \ud83d emoji\u0000')).toBe('broken \ufffd emoji');
    expect(wellFormedText('fine 😀')).toBe('fine 😀');
  });

  it('adds up to less than the largest raw event the pipeline allows', () => {
    expect(MAX_EVENT_BYTES_BOUND).toBeLessThan(MAX_EVENT_BYTES);
  });
});
