import { ClickHouseError } from '@clickhouse/client';

/**
 * One error model for every service, kafkajs style: an error says what a caller may do with it.
 *
 * - `dependency`: a service we depend on is having a bad moment (network, timeouts, ClickHouse
 *   overload, memory or too-many-parts, Kafka leadership changes). Retry with backoff; the work
 *   is not lost and nothing is dead-lettered.
 * - `data`: this input can never be processed (a value ClickHouse cannot parse or store, an
 *   undecodable record). Retrying cannot help: isolate the record and dead-letter it once.
 * - `fatal`: a bug or a deployment fault (TypeError and friends, failed assertions, an unknown
 *   table or column because migrations were not applied, bad credentials). Never retried in place
 *   and never blamed on the data: the process logs it with the record's coordinates and exits
 *   without committing (see CrashJournal for the records that keep crashing a stage).
 *
 * The classification table lives in docs/processors.md; `classify` below is its one copy.
 */
export type ErrorKind = 'dependency' | 'data' | 'fatal';

export class BrandpulseError extends Error {
  readonly kind: ErrorKind;
  /** How long the dependency asked us to wait before the next attempt (HTTP Retry-After), if it did. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: ErrorKind, message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BrandpulseError';
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
  }

  get retriable(): boolean {
    return this.kind === 'dependency';
  }
}

/** A dependency failed: retry with backoff (honouring retryAfterMs). */
export class DependencyError extends BrandpulseError {
  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super('dependency', message, options);
    this.name = 'DependencyError';
  }
}

/** The input can never be processed: dead-letter it. */
export class DataError extends BrandpulseError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('data', message, options);
    this.name = 'DataError';
  }
}

/** A bug or a deployment fault: stop, do not retry, do not blame the data. */
export class FatalError extends BrandpulseError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('fatal', message, options);
    this.name = 'FatalError';
  }
}

/**
 * ClickHouse codes that mean "this row's data cannot be parsed or stored". Inserting the same row
 * again fails the same way, so the sink isolates it (services/sink/isolate.ts).
 */
export const CLICKHOUSE_DATA_CODES: ReadonlySet<string> = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED (e.g. "Cannot read DateTime: unexpected number of decimal digits")
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
  '190', // SIZES_OF_ARRAYS_DONT_MATCH
  '321', // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  '349', // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  '395', // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
  '407', // DECIMAL_OVERFLOW
  '469', // VIOLATED_CONSTRAINT (a table's CHECK constraint refused the row)
  '1001', // STD_EXCEPTION (e.g. a value std::chrono or a string conversion rejects)
]);

/**
 * ClickHouse codes that no retry and no dead letter can fix: the schema or the access is wrong (code
 * deployed before its migration, wrong password). Every record would fail the same way, so blaming
 * records would dead-letter the whole stream: stop with the cause instead.
 */
export const CLICKHOUSE_FATAL_CODES: ReadonlySet<string> = new Set([
  '16', // NO_SUCH_COLUMN_IN_TABLE
  '47', // UNKNOWN_IDENTIFIER
  '53', // TYPE_MISMATCH (column types changed under us)
  '60', // UNKNOWN_TABLE
  '62', // SYNTAX_ERROR
  '81', // UNKNOWN_DATABASE
  '115', // UNKNOWN_SETTING
  '164', // READONLY
  '192',
  '193',
  '497',
  '516', // UNKNOWN_USER WRONG_PASSWORD ACCESS_DENIED AUTHENTICATION_FAILED
]);

/** Node and undici codes of a connection or a request that failed on the way: the peer may be back soon. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** kafkajs errors that name a bad record rather than a bad moment. */
const KAFKA_DATA_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
]);

const PROGRAMMER_ERRORS = new Set([
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
]);

function codeOf(err: object): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : typeof code === 'number' ? String(code) : undefined;
}

/** What a caller may do with an error: see ErrorKind. Unknown errors are fatal: a retry must be earned. */
export function classify(err: unknown): ErrorKind {
  if (err instanceof BrandpulseError) return err.kind;
  if (!err || typeof err !== 'object') return 'fatal';
  if (err instanceof ClickHouseError) {
    const code = String(err.code);
    if (CLICKHOUSE_DATA_CODES.has(code)) return 'data';
    if (CLICKHOUSE_FATAL_CODES.has(code)) return 'fatal';
    // Overload (memory, too many parts or queries), timeouts, a restarting or read-only replica,
    // keeper trouble, and codes we do not know: the server answered, so the request was well
    // formed; back off rather than crash-loop or blame the data.
    return 'dependency';
  }
  const e = err as Error & { retriable?: unknown; type?: unknown; name?: unknown; cause?: unknown };
  const code = codeOf(e);
  if (code && NETWORK_CODES.has(code)) return 'dependency';
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return 'dependency';
  // kafkajs: KafkaJSError and subclasses say themselves whether a retry can help.
  if (typeof e.name === 'string' && e.name.startsWith('KafkaJS')) {
    if (typeof e.type === 'string' && KAFKA_DATA_TYPES.has(e.type)) return 'data';
    if (e.retriable === true) return 'dependency';
    // Retries exhausted inside kafkajs (a broker down for longer than its retry budget), a
    // disconnected client or a request timeout: the dependency, not the code, is at fault.
    if (
      [
        'KafkaJSNumberOfRetriesExceeded',
        'KafkaJSConnectionError',
        'KafkaJSRequestTimeoutError',
        'KafkaJSConnectionClosedError',
        'KafkaJSBrokerNotFound',
        'KafkaJSLockTimeout',
      ].includes(e.name)
    )
      return 'dependency';
    return 'fatal';
  }
  // undici's fetch wraps every network failure as `TypeError: fetch failed` with the cause.
  if (e.name === 'TypeError' && e.message === 'fetch failed') return 'dependency';
  if (typeof e.message === 'string' && /^(socket hang up|Timeout error\.?|read ECONNRESET)$/.test(e.message))
    return 'dependency';
  if (PROGRAMMER_ERRORS.has(String(e.name)) || code === 'ERR_ASSERTION') return 'fatal';
  if (e.cause && e.cause !== err) {
    const inner = classify(e.cause);
    if (inner !== 'fatal') return inner;
  }
  return 'fatal';
}

/** A bug in our code rather than a bad moment or a bad input: TypeError and friends, failed assertions. */
export function isProgrammerError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as Error & { code?: unknown };
  if (e.name === 'TypeError' && e.message === 'fetch failed') return false;
  return PROGRAMMER_ERRORS.has(String(e.name)) || e.code === 'ERR_ASSERTION';
}

export function isRetriable(err: unknown): boolean {
  return classify(err) === 'dependency';
}

/** A short, bounded label for metrics and logs: "clickhouse:241", "network:ECONNREFUSED", "TypeError". */
export function errorReason(err: unknown): string {
  if (err instanceof ClickHouseError) return `clickhouse:${err.code}`;
  if (!err || typeof err !== 'object') return 'unknown';
  const e = err as Error & { type?: unknown };
  const code = codeOf(e);
  if (code && NETWORK_CODES.has(code)) return `network:${code}`;
  if (typeof e.name === 'string' && e.name.startsWith('KafkaJS'))
    return typeof e.type === 'string' ? `kafka:${e.type}` : `kafka:${e.name}`;
  if (e instanceof BrandpulseError && e.cause) return errorReason(e.cause);
  return typeof e.name === 'string' && e.name ? e.name : 'Error';
}
