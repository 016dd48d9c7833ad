import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import type { TimeWindow } from '../shared/limits.ts';
import { validateEvent } from '../ingest/canonical.ts';
import { fileFingerprint, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.ts';
import { readRecords, type Format } from './read.ts';
import type { ImportSink, Numbered } from './sinks.ts';

export interface ImportOptions {
  file: string;
  format: Format;
  sink: ImportSink;
  batchSize: number;
  checkpointPath: string;
  rejectsPath: string;
  /** The event-time window lines are checked against (default: now + 1 day). */
  timeWindow?: TimeWindow;
  /** Ignore an existing checkpoint and start from the first line. */
  restart?: boolean;
  /** Called as the reader advances (bytes into the file) and after each acknowledged batch. */
  onProgress?: (p: { bytes: number; line: number; accepted: number; rejected: number }) => void;
  /** Checked between batches: when true, the import stops cleanly (checkpoint saved). */
  shouldStop?: () => boolean;
}

export interface ImportSummary {
  accepted: number;
  rejected: number;
  /** Lines skipped because an earlier run had already acknowledged them. */
  resumedAfterLine: number;
  lastLine: number;
  done: boolean;
  /** An earlier run had finished this file: nothing was sent. */
  alreadyDone: boolean;
}

/**
 * Streams an export into the sink in batches. Lines are read in order; invalid ones go to the
 * rejects file (one JSON object per line: {line, reason}), valid ones into the next batch. After
 * each acknowledged batch the checkpoint moves to the batch's last line. On resume, lines up to the
 * checkpoint are skipped and reject entries past it are dropped (they will be written again), so a
 * resumed import neither skips nor repeats lines. Event ids are derived from the source ids, so the
 * one batch that may have been acknowledged but not checkpointed when the process died carries
 * the same ids when resent and downstream deduplication drops it.
 */
export async function importFile(opts: ImportOptions): Promise<ImportSummary> {
  const fingerprint = fileFingerprint(opts.file);
  const previous = opts.restart ? null : loadCheckpoint(opts.checkpointPath, opts.file, fingerprint);
  if (previous?.done)
    return {
      accepted: previous.accepted,
      rejected: previous.rejected,
      resumedAfterLine: previous.line,
      lastLine: previous.line,
      done: true,
      alreadyDone: true,
    };
  const cp: Checkpoint = previous ?? { file: opts.file, fingerprint, line: 0, accepted: 0, rejected: 0, done: false };
  truncateRejects(opts.rejectsPath, cp.line);
  const resumedAfterLine = cp.line;

  let batch: Numbered[] = [];
  let lastLine = cp.line;
  let pendingRejected = 0;
  const reject = (line: number, reason: string) => {
    appendFileSync(opts.rejectsPath, `${JSON.stringify({ line, reason })}\n`);
    pendingRejected++;
  };
  const flush = async (upToLine: number) => {
    if (batch.length > 0) {
      const result = await opts.sink.send(batch);
      for (const r of result.rejected.sort((a, b) => a.line - b.line)) reject(r.line, r.reason);
      cp.accepted += batch.length - result.rejected.length;
      batch = [];
    }
    cp.rejected += pendingRejected;
    pendingRejected = 0;
    cp.line = upToLine;
    saveCheckpoint(opts.checkpointPath, cp);
  };

  for await (const record of readRecords(opts.file, opts.format)) {
    opts.onProgress?.({
      bytes: record.bytes,
      line: record.line,
      accepted: cp.accepted,
      rejected: cp.rejected + pendingRejected,
    });
    if (record.line <= cp.line) continue;
    lastLine = record.line;
    if (!record.ok) {
      reject(record.line, record.reason);
      continue;
    }
    const value =
      record.value && typeof record.value === 'object' && !Array.isArray(record.value)
        ? { source: 'import', ...record.value }
        : record.value;
    const v = validateEvent(value, 0, opts.timeWindow);
    if (!v.ok) {
      reject(record.line, v.issues.map((i) => `${i.path || '(event)'}: ${i.message}`).join('; '));
      continue;
    }
    batch.push({ line: record.line, event: v.event });
    if (batch.length >= opts.batchSize) {
      await flush(record.line);
      opts.onProgress?.({ bytes: record.bytes, line: record.line, accepted: cp.accepted, rejected: cp.rejected });
      if (opts.shouldStop?.())
        return {
          accepted: cp.accepted,
          rejected: cp.rejected,
          resumedAfterLine,
          lastLine: cp.line,
          done: false,
          alreadyDone: false,
        };
    }
  }
  await flush(lastLine);
  cp.done = true;
  saveCheckpoint(opts.checkpointPath, cp);
  return { accepted: cp.accepted, rejected: cp.rejected, resumedAfterLine, lastLine, done: true, alreadyDone: false };
}

function truncateRejects(path: string, upToLine: number): void {
  if (!existsSync(path)) return;
  const kept = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && (JSON.parse(l) as { line: number }).line <= upToLine);
  writeFileSync(path, kept.map((l) => `${l}\n`).join(''));
}
