/**
 * A private chDB server (infra/local/chdb/server.py) on a free port with its own data dir and users
 * file, for tests that need users the shared stack does not have, or the current server code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from './wait.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVER = join(ROOT, 'infra/local/chdb/server.py');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function python(): string {
  if (process.env.CHDB_PYTHON) return process.env.CHDB_PYTHON;
  // The stack's venv once its install has completed (it writes .stamp last), else python3 on PATH.
  return existsSync(join(ROOT, '.stack/venv/.stamp')) ? join(ROOT, '.stack/venv/bin/python') : 'python3';
}

export async function startChdb(
  port: number,
  dataDir: string,
  usersFile: string,
  extra: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(
    python(),
    [SERVER, '--host', '127.0.0.1', '--port', String(port), '--data', dataDir, '--users', usersFile, ...extra],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // A server that exited ends the wait at once (and fails below); a refused connection is "not yet".
  const up = () => child.exitCode !== null || fetch(`http://127.0.0.1:${port}/ping`).then((res) => res.ok);
  try {
    await until('the chDB server to answer /ping', up, 60_000, 200);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}: ${stderr}`, { cause: err });
  }
  if (child.exitCode !== null) throw new Error(`chDB server exited with ${child.exitCode}: ${stderr}`);
  return child;
}

export async function stopChdb(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}
