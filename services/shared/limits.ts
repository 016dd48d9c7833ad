/**
 * The bounds of an event brandpulse accepts, in one pure module. Ingest validates every event at
 * the door with these rules (400 naming the field); the processors re-check records with the same
 * constants, because a record can reach Kafka from another producer or an older schema version.
 *
 * Why these numbers:
 * - Time window: from MIN_EVENT_TIME_MS (2000-01-01T00:00:00Z) to now + the allowed future skew
 *   (INGEST_MAX_FUTURE_SKEW_MS, default 1 day). Whatever the skew, nothing past
 *   EVENT_TIME_HARD_MAX_MS (2100-01-01) is accepted. Every ClickHouse time column holds that range
 *   (DateTime64(3) holds 1900-2299, DateTime 1970-2106), and epoch *seconds* sent as milliseconds
 *   land in 1970 and are refused.
 * - Sizes: the field bounds below add up (MAX_EVENT_BYTES_BOUND) to well under MAX_EVENT_BYTES,
 *   so an accepted event, once enriched (the enricher adds its fields to the record) and once
 *   dead-lettered (original bytes plus headers), still fits in one Kafka record
 *   (KAFKA_MAX_RECORD_BYTES, the broker's max.message.bytes default). A unit test encodes the
 *   largest event the bounds allow and checks it.
 * - Strings are measured in UTF-8 bytes (what Kafka and ClickHouse store), not UTF-16 units.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The earliest event time accepted: 2000-01-01T00:00:00Z. */
export const MIN_EVENT_TIME_MS = Date.UTC(2000, 0, 1);
/** How far past now an event time may be (clock skew of sources); INGEST_MAX_FUTURE_SKEW_MS. */
export const DEFAULT_MAX_FUTURE_SKEW_MS = DAY_MS;
/** The largest skew the setting accepts. */
export const MAX_FUTURE_SKEW_LIMIT_MS = 30 * DAY_MS;
/** A ceiling that does not move with the clock: no accepted event is later than 2100-01-01. */
export const EVENT_TIME_HARD_MAX_MS = Date.UTC(2100, 0, 1);

/** Ids: event, account, post, thread, message, parent, author, agent, actor, target, assignee. */
export const MAX_ID_BYTES = 256;
export const MAX_BRAND_LENGTH = 64;
export const MAX_PLATFORM_LENGTH = 40;
export const MAX_SOURCE_LENGTH = 40;
/** Message text (posted and edited). Facebook's longest post is 63 206 characters (~190 KB of UTF-8). */
export const MAX_TEXT_BYTES = 256 * 1024;
/** A moderation action's reason. */
export const MAX_REASON_BYTES = 4096;
export const MAX_URL_BYTES = 2048;
export const MAX_PRIORITY_LENGTH = 40;
/** relabel_intent and other short labels. */
export const MAX_LABEL_LENGTH = 64;
/** BCP 47 tags in practice ("pt-BR", "zh-Hant-TW"); RFC 5646 recommends supporting 35. */
export const MAX_LANGUAGE_HINT_LENGTH = 35;
export const MAX_METADATA_ENTRIES = 32;
export const MAX_METADATA_KEY_BYTES = 256;
export const MAX_METADATA_VALUE_BYTES = 4096;
/** ISO-8601 strings longer than this are refused before parsing ("2024-05-01T10:00:00.123456789+02:00" is 35). */
export const MAX_TIME_STRING_LENGTH = 40;
/** Fraction-of-second digits accepted (nanoseconds); time is kept to the millisecond, truncated. */
export const MAX_FRACTION_DIGITS = 9;
/** UTC offsets in use on Earth run from -12:00 to +14:00. */
export const MIN_UTC_OFFSET_MINUTES = -12 * 60;
export const MAX_UTC_OFFSET_MINUTES = 14 * 60;

/** The broker's max.message.bytes default (1 MiB + 12): one record can never be larger. */
export const KAFKA_MAX_RECORD_BYTES = 1024 * 1024;
/** An accepted raw event, Avro-encoded, is at most this big: room for enrichment (~+50%) and dead-letter headers. */
export const MAX_EVENT_BYTES = 512 * 1024;

/** What the field bounds add up to for one event (Avro adds a few bytes of length per string). */
export const MAX_EVENT_BYTES_BOUND =
  MAX_TEXT_BYTES +
  MAX_METADATA_ENTRIES * (MAX_METADATA_KEY_BYTES + MAX_METADATA_VALUE_BYTES + 6) +
  12 * (MAX_ID_BYTES + 3) +
  MAX_BRAND_LENGTH +
  MAX_PLATFORM_LENGTH +
  MAX_SOURCE_LENGTH +
  MAX_REASON_BYTES +
  MAX_URL_BYTES +
  MAX_PRIORITY_LENGTH +
  2 * MAX_LABEL_LENGTH +
  MAX_LANGUAGE_HINT_LENGTH +
  256;

// ---------------------------------------------------------------------------------------------
// Time

export interface TimeWindow {
  /** The clock the upper bound moves with. */
  now: () => number;
  maxFutureSkewMs: number;
}

export const DEFAULT_TIME_WINDOW: TimeWindow = { now: () => Date.now(), maxFutureSkewMs: DEFAULT_MAX_FUTURE_SKEW_MS };

export type TimeCheck = { ok: true; ms: number } | { ok: false; reason: string };

/** The latest event time accepted now. */
export function maxEventTimeMs(window: TimeWindow): number {
  return Math.min(window.now() + window.maxFutureSkewMs, EVENT_TIME_HARD_MAX_MS);
}

/** Whether an instant (epoch ms) is inside the window; the processors use this on decoded records. */
export function isEventTimeInWindow(ms: number, window: TimeWindow = DEFAULT_TIME_WINDOW): boolean {
  return Number.isFinite(ms) && ms >= MIN_EVENT_TIME_MS && ms <= maxEventTimeMs(window);
}

/** The window rule on an instant, with the reason a client can act on. */
export function checkEventTimeWindow(ms: number, window: TimeWindow = DEFAULT_TIME_WINDOW): TimeCheck {
  if (isEventTimeInWindow(ms, window)) return { ok: true, ms };
  const max = maxEventTimeMs(window);
  const shown = Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
  return {
    ok: false,
    reason: `must be between ${new Date(MIN_EVENT_TIME_MS).toISOString()} and now + ${skewText(window.maxFutureSkewMs)} (${new Date(max).toISOString()}); got ${shown}`,
  };
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 / ISO-8601 instant: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. Stricter than
 * Date.parse, which rolls 2024-02-30 over to March 1st: impossible dates, leap seconds (:60, which
 * epoch time cannot hold), more than 9 fraction digits, 5-digit years and offsets outside
 * -12:00..+14:00 are refused with the reason. The fraction is truncated to the millisecond.
 */
export function parseIsoInstant(text: string): TimeCheck {
  if (text.length > MAX_TIME_STRING_LENGTH)
    return { ok: false, reason: `an ISO-8601 date-time is at most ${MAX_TIME_STRING_LENGTH} characters` };
  const m = ISO_INSTANT.exec(text);
  if (!m)
    return {
      ok: false,
      reason: 'ISO-8601 date-time such as 2024-05-01T10:00:00Z or 2024-05-01T12:00:00.250+02:00, or epoch milliseconds',
    };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7];
  if (month < 1 || month > 12) return { ok: false, reason: `month ${m[2]} does not exist` };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: `${m[1]}-${m[2]} has no day ${m[3]}` };
  if (hour > 23 || minute > 59) return { ok: false, reason: `${m[4]}:${m[5]} is not a time of day` };
  if (second === 60) return { ok: false, reason: 'leap seconds (:60) are not accepted: send :59.999' };
  if (second > 59) return { ok: false, reason: `second ${m[6]} does not exist` };
  if (fraction !== undefined && fraction.length > MAX_FRACTION_DIGITS)
    return { ok: false, reason: `at most ${MAX_FRACTION_DIGITS} fraction digits` };
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (om > 59) return { ok: false, reason: `offset ${m[8]} is not an offset` };
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
    if (offsetMinutes < MIN_UTC_OFFSET_MINUTES || offsetMinutes > MAX_UTC_OFFSET_MINUTES) {
      return { ok: false, reason: `offset ${m[8]} is outside -12:00..+14:00` };
    }
  }
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  // Date.UTC maps years 0-99 to 1900-1999, so set the full year explicitly.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return { ok: true, ms: date.getTime() - offsetMinutes * 60_000 };
}

/**
 * An event time in any form a source sends: an ISO-8601 string, or an epoch number in the given
 * unit (the canonical API takes milliseconds; Meta sends seconds, Messenger milliseconds, WhatsApp
 * seconds as a digit string). Parsed, then checked against the window.
 */
export function checkEventTime(
  value: unknown,
  window: TimeWindow = DEFAULT_TIME_WINDOW,
  unit: 'ms' | 's' = 'ms',
): TimeCheck {
  const parsed = parseEventTime(value, unit);
  return parsed.ok ? checkEventTimeWindow(parsed.ms, window) : parsed;
}

export function parseEventTime(value: unknown, unit: 'ms' | 's' = 'ms'): TimeCheck {
  if (typeof value === 'string') {
    if (unit === 's' && /^\d{1,15}$/.test(value)) return epoch(Number(value), unit);
    return parseIsoInstant(value);
  }
  if (typeof value === 'number') return epoch(value, unit);
  return {
    ok: false,
    reason: `expected an ISO-8601 date-time or epoch ${unit === 'ms' ? 'milliseconds' : 'seconds'}, got ${value === null ? 'null' : typeof value}`,
  };
}

function epoch(n: number, unit: 'ms' | 's'): TimeCheck {
  if (!Number.isFinite(n)) return { ok: false, reason: 'not a finite number' };
  if (unit === 'ms') {
    if (!Number.isInteger(n)) return { ok: false, reason: 'epoch milliseconds must be an integer' };
    if (n >= 0 && n < MIN_EVENT_TIME_MS && n >= MIN_EVENT_TIME_MS / 1000) {
      return { ok: false, reason: 'epoch milliseconds after 2000-01-01 (was this epoch seconds?)' };
    }
    return { ok: true, ms: n };
  }
  return { ok: true, ms: Math.trunc(n * 1000) };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function skewText(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} day${ms === DAY_MS ? '' : 's'}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

// ---------------------------------------------------------------------------------------------
// Strings

/** UTF-8 length, without encoding when the answer is obvious (every UTF-16 unit is at most 3 bytes). */
export function utf8Bytes(s: string): number {
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) if (s.charCodeAt(i) > 0x7f) ascii = false;
  return ascii ? s.length : Buffer.byteLength(s, 'utf8');
}

/** Whether a string fits in maxBytes of UTF-8; cheap for short strings. */
export function fitsBytes(s: string, maxBytes: number): boolean {
  if (s.length > maxBytes) return false;
  if (s.length * 3 <= maxBytes) return true;
  return Buffer.byteLength(s, 'utf8') <= maxBytes;
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a string cannot be stored as it is, or null. `id`: printable (no control characters);
 * `text`: any character but NUL. Both: well-formed Unicode (a lone surrogate would be replaced by
 * U+FFFD on encoding, silently changing the text and its size) and at most maxBytes of UTF-8.
 */
export function stringProblem(s: string, kind: 'id' | 'text', maxBytes: number): string | null {
  if (!fitsBytes(s, maxBytes)) return `at most ${maxBytes} bytes of UTF-8 (got ${utf8Bytes(s)})`;
  if (kind === 'id' ? CONTROL.test(s) : s.includes('\u0000')) {
    return kind === 'id'
      ? 'control characters (NUL, newline, tab...) are not allowed'
      : 'NUL characters are not allowed';
  }
  if (!isWellFormed(s)) return 'not well-formed Unicode (a lone UTF-16 surrogate)';
  return null;
}

function isWellFormed(s: string): boolean {
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(s) : !LONE_SURROGATE.test(s);
}

/**
 * For text that comes from a platform (webhooks) rather than a client that can be told to fix it:
 * lone surrogates become U+FFFD and NULs are dropped, so one broken emoji does not lose a message.
 */
export function wellFormedText(s: string): string {
  const fixed = isWellFormed(s) ? s : s.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');
  return fixed.includes('\u0000') ? fixed.replaceAll('\u0000', '') : fixed;
}
