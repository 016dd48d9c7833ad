import { classify } from '../shared/errors.ts';
import type { Accepted } from './batch.ts';

/** A record ClickHouse refused as data, and the error it refused it with. */
export interface Isolated<T = Accepted> {
  accepted: T;
  error: unknown;
}

/**
 * Writes a batch and, when ClickHouse refuses it as data (a parse or type error, a value out of a
 * column's range), finds the records at fault by bisection: each half is written on its own, a
 * failing half is split again, and a single record that still fails is isolated. Every other
 * record is written; dependency and fatal errors are thrown as they are (the caller retries or
 * stops), so an outage in the middle of a bisection never blames a record.
 *
 * The sink checks rows against the column types before they get here (validateEnriched), so this
 * is the safety net for what that check does not know; its cost is ~2·log2(n) writes per bad record.
 * `write` must be idempotent for any subset (the sink's steps are) and `part` names the subset so
 * its inserts get their own dedup tokens.
 */
export async function writeIsolating<T = Accepted>(
  batch: T[],
  write: (part: T[], name: string) => Promise<void>,
  name = '',
): Promise<Isolated<T>[]> {
  if (batch.length === 0) return [];
  try {
    await write(batch, name);
    return [];
  } catch (err) {
    if (classify(err) !== 'data') throw err;
    if (batch.length === 1) return [{ accepted: batch[0]!, error: err }];
    const mid = batch.length >> 1;
    const left = await writeIsolating(batch.slice(0, mid), write, `${name}/L${batch.length}`);
    const right = await writeIsolating(batch.slice(mid), write, `${name}/R${batch.length}`);
    return [...left, ...right];
  }
}
