import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { httpOk, tcpOpen } from '../../services/start/stack.ts';
import { deleteRunTopics, dropRunDatabase, isolatedConfig } from '../support/stack.ts';
import { markedProcesses, runStart, servicePorts, startEnv, until, type StartedProcess } from '../support/start.ts';

/**
 * `npm start` stopped the ways it is stopped in real life, on the test stack: its terminal closes
 * (SIGHUP to its process group), Ctrl-C, its supervisor is SIGKILLed, `npm` alone gets SIGTERM. Each time
 * no process of the run and no port it opened is left. Every process of a run carries a mark in its
 * environment, so "no process left" is checked over the whole machine, not only over known pids.
 * And the way a demo or a script ends it: --exit-after.
 */
const SERVICES = ['alerter', 'dashboard', 'enricher', 'ingest', 'simulator', 'sink'];
const config = isolatedConfig('start_stop');
const dir = mkdtempSync(join(tmpdir(), 'bp-start-stop-'));
const marks: string[] = [];

afterAll(async () => {
  // A failed test must not leave its services running: kill what carries one of our marks.
  for (const mark of marks) for (const p of markedProcesses(mark)) process.kill(p.pid, 'SIGKILL');
  await dropRunDatabase(config);
  await deleteRunTopics(config);
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  name: string;
  start: StartedProcess;
  mark: string;
  runDir: string;
  logDir: string;
  /** host:port of every port the run's services listen on. */
  openPorts: string[];
  supervisorPid: number;
}

/** `npm start` with every service and a light simulator, until it says it is running. */
async function startRun(
  name: string,
  options: { detached?: boolean; terminal?: boolean; args?: string[] } = {},
): Promise<Run> {
  const ports = await servicePorts();
  const runDir = join(dir, name, 'run');
  const logDir = join(dir, name, 'logs');
  const env = startEnv(config, { ...ports, BRANDPULSE_RUN_DIR: runDir, BRANDPULSE_LOG_DIR: logDir });
  marks.push(env.BRANDPULSE_TEST_MARK);
  const start = runStart(env, ['--rate', '2', '--backfill', '0', '--seed', '5', ...(options.args ?? [])], {
    via: options.terminal ? 'terminal' : 'npm',
    detached: options.detached,
  });
  await until(
    'npm start to report it is running',
    () => start.output().includes('brandpulse is running.') || start.child.exitCode !== null,
    180_000,
  );
  expect(start.output()).toContain('brandpulse is running.');
  // Every service past its start-up (a stop then exercises its drain, not an early exit).
  const ready = [
    ports.INGEST_PORT,
    ports.ENRICHER_METRICS_PORT,
    ports.SINK_METRICS_PORT,
    ports.ALERTER_METRICS_PORT,
  ].map((p) => `http://127.0.0.1:${p}/readyz`);
  let notReady: string[] = [];
  await until(
    'every service to be ready',
    async () =>
      (notReady = (await Promise.all(ready.map(async (u) => ((await httpOk(u)) ? [] : [u])))).flat()).length === 0,
    120_000,
  ).catch(async (err: Error) => {
    const why = await Promise.all(
      notReady.map((u) =>
        fetch(u).then(
          async (r) => `${u} ${r.status} ${await r.text()}`,
          (e: Error) => `${u} ${e.message}`,
        ),
      ),
    );
    throw new Error(`${err.message}: ${why.join('; ')}`);
  });
  await until(
    'the simulator to send',
    () => readFileSync(join(logDir, 'simulator.log'), 'utf8').includes('simulator starting'),
    60_000,
  );
  const processes = markedProcesses(env.BRANDPULSE_TEST_MARK);
  const services = processes
    .map((p) => /services\/cli\.ts (\w+)/.exec(p.command)?.[1])
    .filter((s) => s !== undefined && s !== 'start');
  expect(services.sort()).toEqual(SERVICES);
  const npm = processes.find((p) => /^npm start\b/.test(p.command));
  const supervisor = processes.find((p) => p.command.includes('services/cli.ts start'));
  // The npm script execs node: the supervisor is npm's own child, no shell in between to swallow signals.
  expect(supervisor?.ppid).toBe(npm?.pid);
  if (!options.terminal) expect(npm?.pid).toBe(start.child.pid);
  const all = Object.values(ports).map((p) => `127.0.0.1:${p}`);
  const openPorts: string[] = [];
  for (const hostPort of all) if (await tcpOpen(hostPort)) openPorts.push(hostPort);
  expect(openPorts).toContain(`127.0.0.1:${ports.INGEST_PORT}`);
  return { name, start, mark: env.BRANDPULSE_TEST_MARK, runDir, logDir, openPorts, supervisorPid: supervisor!.pid };
}

async function expectNothingLeft(run: Run): Promise<void> {
  const signalled = Date.now();
  await until('every process of the run to exit', () => markedProcesses(run.mark).length === 0, 60_000, 200);
  console.log(`${run.name}: every process gone ${Date.now() - signalled} ms after the signal`);
  // A process leaves /proc's view (its memory, where the mark lives, is released first) a moment before
  // the kernel closes its files: each port must then close within a few seconds, never stay open.
  for (const hostPort of run.openPorts)
    await until(`${hostPort} to close`, async () => !(await tcpOpen(hostPort)), 5_000, 100);
}

/** What each service logged about its stop: it drained (and did not die in the middle of a batch). */
function stopLines(run: Run, text: string): string[] {
  return SERVICES.filter((s) => readFileSync(join(run.logDir, `${s}.log`), 'utf8').includes(text));
}

describe('stopping npm start', () => {
  it('closing its terminal stops every service in order: no process, no port, no pid file left', async () => {
    // On a real pseudo-terminal: closing it sends SIGHUP, and every later write to it fails (EIO),
    // which used to wedge the supervisor in pino's final flush.
    const run = await startRun('terminal', { terminal: true });
    process.kill(run.start.child.pid!, 'SIGKILL');
    await expectNothingLeft(run);
    expect(readdirSync(run.runDir)).toEqual([]);
    expect(stopLines(run, '"signal":"SIGTERM"')).toEqual(SERVICES);
  });

  it('SIGHUP to its process group (what a closing terminal sends) is an orderly stop, reported', async () => {
    const run = await startRun('hup', { detached: true });
    process.kill(-run.start.child.pid!, 'SIGHUP');
    await expectNothingLeft(run);
    expect(run.start.output()).toMatch(/"reason":"SIGHUP".*stopping the services started by this run/);
    expect(run.start.output()).toContain('stopped; Kafka and ClickHouse keep running');
    expect(readdirSync(run.runDir)).toEqual([]);
  });

  it('Ctrl-C (SIGINT to its process group: npm gets it, forwards it, and the supervisor gets it too) is one orderly stop', async () => {
    const run = await startRun('int', { detached: true });
    process.kill(-run.start.child.pid!, 'SIGINT');
    await expectNothingLeft(run);
    expect(run.start.output()).toMatch(/"reason":"SIGINT".*stopping the services started by this run/);
    expect(run.start.output()).not.toContain('second signal');
    expect(run.start.output()).toContain('stopped; Kafka and ClickHouse keep running');
    expect(readdirSync(run.runDir)).toEqual([]);
    expect(stopLines(run, '"signal":"SIGTERM"')).toEqual(SERVICES);
  });

  it('SIGKILL of its supervisor: every service sees its IPC channel close, drains and exits', async () => {
    const run = await startRun('kill');
    process.kill(run.supervisorPid, 'SIGKILL');
    await expectNothingLeft(run);
    expect(stopLines(run, 'the parent process is gone')).toEqual(SERVICES);
    expect(stopLines(run, 'stop: the drain did not finish in time')).toEqual([]);
  });

  it('SIGTERM to npm alone reaches the supervisor, which stops every service', async () => {
    const run = await startRun('term');
    process.kill(run.start.child.pid!, 'SIGTERM');
    await expectNothingLeft(run);
    expect(run.start.output()).toMatch(/"reason":"SIGTERM".*stopping the services started by this run/);
    expect(run.start.output()).toContain('stopped; Kafka and ClickHouse keep running');
    expect(readdirSync(run.runDir)).toEqual([]);
    expect(stopLines(run, '"signal":"SIGTERM"')).toEqual(SERVICES);
  });

  it('--exit-after: the run stops itself on time, every service drained, nothing left', async () => {
    // 30 s after "brandpulse is running": past startRun's checks that every service is up and ready.
    const run = await startRun('exit-after', { args: ['--exit-after', '30'] });
    expect(run.start.child.exitCode).toBeNull();
    expect((await run.start.exited).code).toBe(0);
    await expectNothingLeft(run);
    expect(run.start.output()).toMatch(/"reason":"--exit-after 30s".*stopping the services started by this run/);
    expect(run.start.output()).toContain('stopped; Kafka and ClickHouse keep running');
    expect(readdirSync(run.runDir)).toEqual([]);
    expect(stopLines(run, '"signal":"SIGTERM"')).toEqual(SERVICES);
  });
});
