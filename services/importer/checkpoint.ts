import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';

/**
 * Where an import stands: every line up to `line` has been acknowledged by Kafka or written to the
 * rejects file. Written atomically (temp file + rename) after each acknowledged batch, so a crash
 * leaves either the old or the new checkpoint, never half of one. `fingerprint` ties it to the
 * file's first bytes: a different file with the same name starts over instead of skipping lines.
 */
export interface Checkpoint {
  file: string;
  fingerprint: string;
  line: number;
  accepted: number;
  rejected: number;
  done: boolean;
}

export function fileFingerprint(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return createHash('sha256').update(buf.subarray(0, n)).digest('hex').slice(0, 16);
  } finally {
    closeSync(fd);
  }
}

export function loadCheckpoint(path: string, file: string, fingerprint: string): Checkpoint | null {
  if (!existsSync(path)) return null;
  const cp = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  if (cp.fingerprint !== fingerprint) {
    throw new Error(
      `checkpoint ${path} belongs to a different file (its first bytes differ); delete it or pass --restart`,
    );
  }
  return { ...cp, file };
}

export function saveCheckpoint(path: string, cp: Checkpoint): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(cp)}\n`);
  renameSync(tmp, path);
}
