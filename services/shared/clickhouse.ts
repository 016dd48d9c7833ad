import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { BaseConfig } from './config.ts';

export type { ClickHouseClient };

export interface ClickHouseOptions {
  /** Connect as the read-only analyst user instead of the writer. */
  readonly?: boolean;
  /** Override the database (tests use one per run). */
  database?: string;
  /** Connect without selecting a database, e.g. to create it. */
  noDatabase?: boolean;
}

/** The one way services and tools get a ClickHouse client. */
export function createClickHouse(config: BaseConfig, options: ClickHouseOptions = {}): ClickHouseClient {
  return createClient({
    url: config.CLICKHOUSE_URL,
    username: options.readonly ? config.CLICKHOUSE_READONLY_USER : config.CLICKHOUSE_USER,
    password: options.readonly ? config.CLICKHOUSE_READONLY_PASSWORD : config.CLICKHOUSE_PASSWORD,
    ...(options.noDatabase ? {} : { database: options.database ?? config.CLICKHOUSE_DATABASE }),
    request_timeout: 60_000,
    clickhouse_settings: { date_time_input_format: 'best_effort' },
    // Failed requests reject with a ClickHouseError that callers handle; the client's own error
    // log would print each of them a second time.
    log: { level: ClickHouseLogLevel.OFF },
  });
}
