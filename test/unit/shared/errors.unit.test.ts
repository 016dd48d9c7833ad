import { ClickHouseError } from '@clickhouse/client';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  classify,
  DataError,
  DependencyError,
  errorReason,
  FatalError,
  isProgrammerError,
} from '../../../services/shared/errors.ts';
import { ThreadProjectionError } from '../../../services/threads/projector.ts';

const ch = (code: string, type: string) => new ClickHouseError({ message: `${type} happened`, code, type });
/** What kafkajs builds from a broker's error code (its constructor reads message, type, code, retriable). */
const protocol = (e: { message: string; type: string; code: number; retriable: boolean }) =>
  new KafkaJSProtocolError(e as unknown as Error);
const net = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:8123`), { code });

describe('classify: what a caller may do with an error (docs/processors.md, "Errors")', () => {
  it('dependency failures are retried: network, timeouts, overload, Kafka leadership', () => {
    for (const e of [
      net('ECONNREFUSED'),
      net('ECONNRESET'),
      net('ETIMEDOUT'),
      net('UND_ERR_SOCKET'),
      new Error('socket hang up'),
      new Error('Timeout error.'),
      Object.assign(new TypeError('fetch failed'), { cause: net('ECONNREFUSED') }),
      Object.assign(new Error('aborted'), { name: 'TimeoutError' }),
      ch('241', 'MEMORY_LIMIT_EXCEEDED'),
      ch('252', 'TOO_MANY_PARTS'),
      ch('202', 'TOO_MANY_SIMULTANEOUS_QUERIES'),
      ch('159', 'TIMEOUT_EXCEEDED'),
      ch('99999', 'SOMETHING_NEW'),
      protocol({ message: 'leader moved', type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true }),
      new KafkaJSConnectionError('Connection error: ECONNREFUSED'),
      new DependencyError('ingest answered 503', { retryAfterMs: 2000 }),
    ])
      expect([errorReason(e), classify(e)]).toEqual([errorReason(e), 'dependency']);
  });

  it('data errors are dead-lettered: a value ClickHouse cannot parse or store, a record too large', () => {
    for (const e of [
      ch('27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'),
      ch('41', 'CANNOT_PARSE_DATETIME'),
      ch('6', 'CANNOT_PARSE_TEXT'),
      ch('321', 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'),
      ch('469', 'VIOLATED_CONSTRAINT'),
      ch('117', 'INCORRECT_DATA'),
      protocol({ message: 'too large', type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false }),
      new DataError('bad record'),
      new ThreadProjectionError('insert into thread_facts failed', {
        cause: ch('27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'),
      }),
    ])
      expect([errorReason(e), classify(e)]).toEqual([errorReason(e), 'data']);
  });

  it('programmer and deployment errors are fatal: never retried, never blamed on a record', () => {
    for (const e of [
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      new RangeError('Invalid array length'),
      new ReferenceError('x is not defined'),
      Object.assign(new Error('1 == 2'), { code: 'ERR_ASSERTION', name: 'AssertionError' }),
      ch('60', 'UNKNOWN_TABLE'),
      ch('16', 'NO_SUCH_COLUMN_IN_TABLE'),
      ch('516', 'AUTHENTICATION_FAILED'),
      ch('62', 'SYNTAX_ERROR'),
      new KafkaJSNonRetriableError('something final'),
      new Error('an error nobody classified'),
      'a string',
      null,
      new FatalError('bug'),
      new ThreadProjectionError('loading failed', { cause: ch('60', 'UNKNOWN_TABLE') }),
    ])
      expect(classify(e)).toBe('fatal');
  });

  it('tells programmer errors apart from fetch failures', () => {
    expect(isProgrammerError(new TypeError('x is not a function'))).toBe(true);
    expect(isProgrammerError(new TypeError('fetch failed'))).toBe(false);
    expect(isProgrammerError(ch('27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'))).toBe(false);
  });

  it('gives short bounded reasons for metrics', () => {
    expect(errorReason(ch('241', 'MEMORY_LIMIT_EXCEEDED'))).toBe('clickhouse:241');
    expect(errorReason(net('ECONNREFUSED'))).toBe('network:ECONNREFUSED');
    expect(errorReason(protocol({ message: 'x', type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true }))).toBe(
      'kafka:NOT_LEADER_FOR_PARTITION',
    );
    expect(errorReason(new TypeError('x'))).toBe('TypeError');
    expect(errorReason(new ThreadProjectionError('insert failed', { cause: ch('27', 'X') }))).toBe('clickhouse:27');
  });
});
