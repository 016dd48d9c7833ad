import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

/** One line (NDJSON) or record (CSV) of an export: its value, or why it cannot be read. */
export type SourceRecord = { line: number; bytes: number } & (
  { ok: true; value: unknown } | { ok: false; reason: string }
);

export type Format = 'ndjson' | 'csv';

export function formatOf(file: string, explicit?: string): Format {
  if (explicit === 'ndjson' || explicit === 'csv') return explicit;
  if (explicit) throw new Error(`--format must be ndjson or csv, got "${explicit}"`);
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(ndjson|jsonl)$/i.test(file)) return 'ndjson';
  throw new Error(`cannot tell the format of ${file} from its name: pass --format ndjson|csv`);
}

/** `bytes` is how far into the file the reader is (for the progress bar). */
export function readRecords(file: string, format: Format): AsyncGenerator<SourceRecord> {
  return format === 'csv' ? readCsv(file) : readNdjson(file);
}

async function* readNdjson(file: string): AsyncGenerator<SourceRecord> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  let bytes = 0;
  for await (const text of lines) {
    line++;
    bytes += Buffer.byteLength(text) + 1;
    if (text.trim() === '') continue;
    try {
      yield { line, bytes, ok: true, value: JSON.parse(text) };
    } catch (err) {
      yield { line, bytes, ok: false, reason: `not valid JSON: ${(err as Error).message}` };
    }
  }
}

/**
 * CSV exports: a header row whose column names are canonical field names (see docs/ingest.md).
 * Empty cells are absent fields; `event_time` in digits is epoch ms; `metadata` holds a JSON object.
 * A row that cannot be parsed (wrong column count, bad quoting) is rejected, not fatal.
 */
async function* readCsv(file: string): AsyncGenerator<SourceRecord> {
  const skipped: SourceRecord[] = [];
  const parser = createReadStream(file).pipe(
    parse({ columns: true, info: true, skip_empty_lines: true, skip_records_with_error: true, bom: true, trim: false }),
  );
  parser.on('skip', (err: Error & { lines?: number }) => {
    skipped.push({ line: err.lines ?? 0, bytes: 0, ok: false, reason: `unreadable CSV row: ${err.message}` });
  });
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number; bytes: number };
  }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    const converted = csvRowToEvent(record);
    if (converted.ok) yield { line: info.lines, bytes: info.bytes, ok: true, value: converted.value };
    else yield { line: info.lines, bytes: info.bytes, ok: false, reason: converted.reason };
  }
  while (skipped.length > 0) yield skipped.shift()!;
}

export function csvRowToEvent(
  row: Record<string, string>,
): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  const value: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(row)) {
    if (cell === '') continue;
    if (column === 'event_time' && /^\d+$/.test(cell)) value[column] = Number(cell);
    else if (column === 'metadata') {
      try {
        value[column] = JSON.parse(cell);
      } catch {
        return { ok: false, reason: 'metadata: not a JSON object' };
      }
    } else value[column] = cell;
  }
  return { ok: true, value };
}
