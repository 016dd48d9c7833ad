import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The peer's three hops as child processes (bench/peer/main.ts), started in order and ready. */
export interface PeerProcesses {
  pids: Record<string, number | undefined>;
  stop(): Promise<void>;
}

export interface PeerSetup {
  root: string;
  env: NodeJS.ProcessEnv;
  port: number;
  topics: { raw: string; relayed: string };
  table: string;
  groupPrefix: string;
  nodeArgs?: string[];
}

function startHop(setup: PeerSetup, hop: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...(setup.nodeArgs ?? []), '--import', 'tsx', join(setup.root, 'bench/peer/main.ts'), hop],
    {
      cwd: setup.root,
      env: { ...setup.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer ${hop} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`peer ${hop} exited with ${code} before it was ready`)));
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

export async function startPeer(setup: PeerSetup): Promise<PeerProcesses> {
  const store = await startHop(setup, 'store', {
    PEER_FROM: setup.topics.relayed,
    PEER_TABLE: setup.table,
    PEER_GROUP: `${setup.groupPrefix}-store`,
  });
  const relay = await startHop(setup, 'relay', {
    PEER_FROM: setup.topics.raw,
    PEER_TO: setup.topics.relayed,
    PEER_GROUP: `${setup.groupPrefix}-relay`,
  });
  const api = await startHop(setup, 'api', { PEER_TO: setup.topics.raw, PEER_PORT: String(setup.port) });
  const children = { 'peer api': api, 'peer relay': relay, 'peer store': store };
  return {
    pids: Object.fromEntries(Object.entries(children).map(([k, c]) => [k, c.pid])),
    async stop() {
      await Promise.all(
        Object.values(children).map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              const force = setTimeout(() => c.kill('SIGKILL'), 20_000);
              c.once('exit', () => {
                clearTimeout(force);
                resolve();
              });
              c.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
