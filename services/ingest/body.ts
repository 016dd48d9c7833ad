import type { FieldIssue } from './canonical.ts';

/**
 * Splits a request body into the events it carries. One JSON object is a single event; a JSON
 * array or NDJSON (one object per line, blank lines ignored) is a batch. Syntax errors are
 * reported like field errors, with the index of the event (for NDJSON: line number - 1).
 */
export type SplitBody = { ok: true; items: unknown[]; batch: boolean } | { ok: false; issues: FieldIssue[] };

export function splitBody(raw: Buffer, mediaType: 'json' | 'ndjson'): SplitBody {
  const text = raw.toString('utf8');
  if (mediaType === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return {
        ok: false,
        issues: [{ index: 0, path: '', message: `body is not valid JSON: ${(err as Error).message}` }],
      };
    }
    if (Array.isArray(value)) return { ok: true, items: value, batch: true };
    return { ok: true, items: [value], batch: false };
  }
  const items: unknown[] = [];
  const issues: FieldIssue[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      items.push(JSON.parse(line));
    } catch (err) {
      issues.push({
        index: items.length,
        path: '',
        message: `line ${i + 1} is not valid JSON: ${(err as Error).message}`,
      });
      items.push(undefined);
    }
  });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, items, batch: true };
}

/** The media type the canonical endpoint understands, from a Content-Type header. */
export function mediaTypeOf(contentType: string | undefined): 'json' | 'ndjson' | null {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (essence === 'application/json') return 'json';
  if (essence === 'application/x-ndjson' || essence === 'application/ndjson') return 'ndjson';
  return null;
}
