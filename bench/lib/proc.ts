/**
 * What the benches read about processes: CPU seconds and peak resident memory from /proc (Linux),
 * per-event CPU, free ports, and V8 .cpuprofile summaries.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** A process's peak resident memory so far (VmHWM), in MB, from /proc (Linux). */
export function peakRssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return Number(line?.split(/\s+/)[1]) / 1024;
  } catch {
    return NaN;
  }
}

export function printPeakMemory(pids: Record<string, number | undefined>, label = 'so far'): void {
  const parts = Object.entries(pids).map(([k, pid]) => `${k} ${Math.round(peakRssMb(pid))} MB`);
  console.log(`peak resident memory ${label}: ${parts.join(', ')}`);
}

export function pidFrom(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

export type CpuSnapshot = Record<string, number>;

/** CPU seconds of each named process now. */
export function cpuSnapshot(pids: Record<string, number | undefined>): CpuSnapshot {
  return Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
}

/** CPU per process during a phase: seconds, share of the 2 cores, and µs per event. Returns µs per event by process. */
export function printCpu(
  label: string,
  before: CpuSnapshot,
  after: CpuSnapshot,
  seconds: number,
  events: number,
): Record<string, number> {
  const perEvent: Record<string, number> = {};
  const parts = Object.keys(after).map((k) => {
    const used = after[k]! - before[k]!;
    perEvent[k] = (used / events) * 1e6;
    return `${k} ${used.toFixed(1)}s (${Math.round((used / seconds) * 100)}%, ${perEvent[k].toFixed(0)} µs/event)`;
  });
  const total = Object.values(perEvent)
    .filter(Number.isFinite)
    .reduce((s, v) => s + v, 0);
  console.log(
    `CPU during ${label} (${seconds.toFixed(1)} s wall, 2 cores = 200%): ${parts.join(', ')}; all ${total.toFixed(0)} µs/event`,
  );
  return perEvent;
}

/** Self time per function from V8 .cpuprofile files, top entries per process. */
export function summarizeProfiles(dir: string, root: string, top = 12): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
      startTime: number;
      endTime: number;
      samples: number[];
    };
    const total = prof.samples.length;
    const self = new Map<string, number>();
    for (const n of prof.nodes) {
      const url = n.callFrame.url.replace(/^file:\/\//, '').replace(`${root}/`, '');
      const key =
        `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
      self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0));
    }
    const idle = [...self.entries()].filter(([k]) => k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
    console.log(
      `\n${file}: ${((prof.endTime - prof.startTime) / 1e6).toFixed(1)} s wall, busy ${(((total - idle) / total) * 100).toFixed(0)}%; top self time:`,
    );
    for (const [k, v] of [...self.entries()]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)) {
      console.log(`  ${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
    }
  }
}
