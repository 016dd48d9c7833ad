import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '../shared/clickhouse.ts';
import type { Logger } from '../shared/logger.ts';
import { ProjectorStep, type BatchStep, type Projector } from './steps.ts';

/**
 * The thread projection step (services/threads/projector.ts, owned by the threads work), when that
 * module is present. Loaded by path so the sink builds and runs without it.
 */
export async function threadSteps(clickhouse: ClickHouseClient, logger: Logger): Promise<BatchStep[]> {
  const url = new URL('../threads/projector.ts', import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    logger.warn('services/threads/projector.ts not found: thread facts are not projected');
    return [];
  }
  const mod = (await import(url.href)) as { ThreadProjector?: new (deps: { clickhouse: ClickHouseClient; logger: Logger }) => Projector };
  if (!mod.ThreadProjector) throw new Error('services/threads/projector.ts does not export ThreadProjector');
  return [new ProjectorStep(new mod.ThreadProjector({ clickhouse, logger: logger.child({ step: 'threads' }) }))];
}
